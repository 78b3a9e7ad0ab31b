"""Re-encrypting every sealed column under the current field key, while the server runs.

A model lists its encrypted columns in ``SEALED`` (each with its purpose and, for a
number looked up exactly, its blind-index column). ``rotate`` walks each such table
in primary-key batches and rewrites, in one short transaction per row, every
ciphertext whose header is not the current key's, and the blind index beside it.

Why this is safe with the server running: every reader opens a ciphertext with the
ring key its header names and every lookup matches an index under any ring key
(``core.crypto``), so old and new rows are read alike until the old key leaves the
ring. Each UPDATE is conditional on the ciphertexts it read; a row the application
rewrote in between (already under the new key) is left alone, and the pass repeats
until nothing is left. Rows already current are skipped, so a run stopped half way is
resumed by running it again, and a second run changes nothing.

Uploaded files (every model derived from ``core.models.UploadRecord``, sealed with its
``PURPOSE``) are re-encrypted the same way, one file at a time, each written beside the
old one and swapped in by rename (``core.uploads.reseal_upload``), so a run stopped half
way leaves every file whole and readable with the ring it had.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction

from gonghui.core.crypto import blind_index, decrypt_bytes, encrypt_bytes, is_current
from gonghui.core.models import UploadRecord
from gonghui.core.uploads import reseal_upload, upload_is_current


@dataclass(frozen=True)
class Sealed:
    """An encrypted column: its purpose (bound as associated data) and the blind-index
    column kept beside it, if the clear value is looked up exactly."""

    column: str
    purpose: str
    index: str | None = None


def sealed_models() -> list[tuple[type[models.Model], tuple[Sealed, ...]]]:
    """Every installed model that declares ``SEALED``, in app order."""
    return [(m, m.SEALED) for m in apps.get_models() if getattr(m, "SEALED", None)]


def stale_count(model: type[models.Model], sealed: tuple[Sealed, ...]) -> int:
    """Rows of ``model`` with a ciphertext not under the current key (what is left)."""
    left = 0
    for row in model._default_manager.values_list(*(s.column for s in sealed)).iterator():
        left += any(blob is not None and not is_current(blob) for blob in row)
    return left


def rotate_model(
    model: type[models.Model],
    sealed: tuple[Sealed, ...],
    *,
    batch: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """One pass over ``model``; returns how many rows it re-encrypted."""
    columns = [s.column for s in sealed]
    manager = model._default_manager
    rotated, last_pk = 0, None
    while True:
        rows = manager.order_by("pk").values_list("pk", *columns)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        chunk = list(rows[:batch])
        if not chunk:
            return rotated
        last_pk = chunk[-1][0]
        for pk, *blobs in chunk:
            changes = _resealed(sealed, blobs)
            if not changes:
                continue
            read = {s.column: bytes(b) for s, b in zip(sealed, blobs, strict=True) if b is not None}
            # The base manager: the clear values do not change, so there is no business
            # write to audit (an audited model's own manager refuses a bare UPDATE).
            with transaction.atomic():
                rotated += model._base_manager.filter(pk=pk, **read).update(**changes)
        if progress:
            progress(rotated)


def _resealed(sealed: tuple[Sealed, ...], blobs: list) -> dict[str, object]:
    changes: dict[str, object] = {}
    for spec, blob in zip(sealed, blobs, strict=True):
        if blob is None or is_current(blob):
            continue
        clear = decrypt_bytes(blob, purpose=spec.purpose)
        changes[spec.column] = encrypt_bytes(clear, purpose=spec.purpose)
        if spec.index:
            changes[spec.index] = blind_index(clear.decode(), purpose=spec.purpose)
    return changes


def rotate_all(*, batch: int = 500, passes: int = 10) -> dict[str, int]:
    """Passes over every sealed model until none is left (or ``passes`` ran): label → rows
    re-encrypted. Raises ``RuntimeError`` naming the tables still not current."""
    done: dict[str, int] = {}
    for model, sealed in sealed_models():
        label = model._meta.label
        done[label] = 0
        for _ in range(passes):
            done[label] += rotate_model(model, sealed, batch=batch)
            if not stale_count(model, sealed):
                break
        else:
            raise RuntimeError(f"{label} 仍有未轮换的密文，请再次运行")
    return done


def upload_models() -> list[type[UploadRecord]]:
    """Every installed model of uploaded files, in app order."""
    return [m for m in apps.get_models() if issubclass(m, UploadRecord)]


def _stored_files(model: type[UploadRecord]) -> Iterator[str]:
    return model._default_manager.order_by("pk").values_list("stored_as", flat=True).iterator()


def stale_files(model: type[UploadRecord]) -> int:
    """Files of ``model`` not yet under the current key (reads each file's 5-byte header)."""
    return sum(not upload_is_current(stored) for stored in _stored_files(model))


def rotate_files() -> dict[str, int]:
    """Re-encrypt every uploaded file not under the current key: label → files rewritten.
    A file uploaded meanwhile is written under the current key already."""
    return {
        model._meta.label: sum(
            reseal_upload(stored, purpose=model.PURPOSE) for stored in _stored_files(model)
        )
        for model in upload_models()
    }
