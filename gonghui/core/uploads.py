"""Uploaded documents: type judged by content, size limited, stored outside the web root.

A file's name and the browser's content type are whatever the uploader says;
the first bytes are what the file is. Only PDF, JPEG and PNG are accepted, so
an executable renamed ``report.pdf`` is refused. Files go under
``settings.UPLOAD_DIR`` (inside ``GONGHUI_DATA_DIR``, never under static or
media URLs), encrypted like ID numbers (case documents are health and
personal data), with a random name; only a scoped view may hand them out.
"""

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from gonghui.core.crypto import decrypt_bytes, encrypt_bytes, is_current
from gonghui.core.errors import DomainError
from gonghui.core.files import private_dir, write_private

# (leading bytes, content type, extension)
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    content_type: str
    size: int
    sha256: str

    def record_fields(self, uploaded_by) -> dict:
        """The fields of a ``core.models.UploadRecord`` row for this file."""
        return {
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "stored_as": self.relative_path,
            "uploaded_by": uploaded_by,
        }


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG by its first bytes, else None."""
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def store_upload(data: bytes, *, filename: str, folder: str, purpose: str) -> StoredFile:
    """Check one upload and write it, encrypted (``purpose`` bound), under ``UPLOAD_DIR/folder``.

    ``DomainError`` names the file and says why it was refused.
    """
    limit = settings.UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise DomainError(
            "file_too_large",
            f"{filename}：文件大小{len(data) / 1024 / 1024:.1f}MB，超过上限{limit / 1024 / 1024:.0f}MB",
            field="file",
        )
    if not data:
        raise DomainError("file_empty", f"{filename}：文件是空的", field="file")
    found = sniff_type(data[:16])
    if found is None:
        raise DomainError(
            "file_type", f"{filename}：只接受PDF、JPEG、PNG文件（按文件内容判断）", field="file"
        )
    content_type, extension = found
    relative = f"{folder}/{uuid.uuid4().hex}{extension}.enc"
    target = Path(settings.UPLOAD_DIR) / relative
    private_dir(Path(settings.UPLOAD_DIR))
    private_dir(target.parent)
    write_private(target, encrypt_bytes(data, purpose=purpose))
    return StoredFile(relative, content_type, len(data), hashlib.sha256(data).hexdigest())


def store_photo(data: bytes, *, filename: str, folder: str, purpose: str) -> StoredFile:
    """``store_upload`` for a photo: a JPEG or PNG by its content, so a PDF (an accepted
    upload elsewhere) or anything renamed .jpg is refused."""
    found = sniff_type(data[:16])
    if data and (found is None or not found[0].startswith("image/")):
        raise DomainError(
            "not_image", f"{filename}：只接受JPEG、PNG照片（按文件内容判断）", field="photo"
        )
    return store_upload(data, filename=filename, folder=folder, purpose=purpose)


def read_upload(relative_path: str, *, purpose: str) -> bytes:
    """The clear bytes of a stored upload (callers have checked scope and audited the read)."""
    return decrypt_bytes(_path(relative_path).read_bytes(), purpose=purpose)


def upload_is_current(relative_path: str) -> bool:
    """Whether the stored file is sealed under the current field key (a missing file, being
    removed with its row, has nothing left to rotate)."""
    try:
        with _path(relative_path).open("rb") as handle:
            return is_current(handle.read(5))
    except FileNotFoundError:
        return True


def reseal_upload(relative_path: str, *, purpose: str) -> bool:
    """Re-encrypt a stored upload under the current field key; False when it already was
    (or is gone).

    The new ciphertext goes to a temporary file beside the old one, which ``os.replace``
    then swaps in atomically: a crash leaves either the old file (readable while the old
    key is in the ring, and rotated by the next run) or the new one, never half of each.
    """
    path = _path(relative_path)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return False
    if is_current(blob):
        return False
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write_private(
            temporary, encrypt_bytes(decrypt_bytes(blob, purpose=purpose), purpose=purpose)
        )
        if not path.exists():
            return False  # deleted with its row meanwhile: not brought back
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def delete_upload(relative_path: str) -> None:
    """Remove a stored upload's file (gone already is fine: removal may be retried)."""
    _path(relative_path).unlink(missing_ok=True)


def _path(relative_path: str) -> Path:
    root = Path(settings.UPLOAD_DIR).resolve()
    path = (root / relative_path).resolve()
    if not path.is_relative_to(root):
        raise DomainError("bad_path", "文件路径不合法")
    return path
