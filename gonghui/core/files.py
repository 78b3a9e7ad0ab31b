"""Files the app writes are readable by their owner only (0600, folders 0700), whatever the
umask of the shell that started it.

Exports hold names and masked numbers, the SQLite database and kept uploads hold everything:
on a shared server a default umask of 022 would leave them readable by every account.
``os.open`` with mode 0600 is still narrowed by the umask but never widened, and the
``fchmod`` that follows also narrows a file that already existed with a wider mode (an
export written over an old one). Every writer of a file in the app goes through here;
``gonghui/tests/test_private_files.py`` fails on one that does not.
"""

import os
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
DIR_MODE = 0o700


def open_private(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing (``w``, ``a``, optionally ``+`` and ``b``), the file
    created or narrowed to 0600 before a byte is written."""
    if mode[0] not in "wa":
        raise ValueError(f"open_private writes; mode {mode!r} does not")
    flags = os.O_CREAT | (os.O_RDWR if "+" in mode else os.O_WRONLY)
    flags |= os.O_APPEND if mode[0] == "a" else os.O_TRUNC
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
        return os.fdopen(descriptor, mode, **kwargs)
    except BaseException:
        os.close(descriptor)
        raise


def write_private(path: str | os.PathLike[str], data: bytes) -> None:
    """``Path.write_bytes`` for a file only its owner may read."""
    with open_private(path, "wb") as handle:
        handle.write(data)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` made with its parents if missing; a folder made here is 0700 (an existing
    one, perhaps chosen by the administrator, keeps its mode)."""
    folder = Path(path)
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)
    return folder
