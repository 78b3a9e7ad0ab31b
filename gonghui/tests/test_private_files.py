"""Files the app writes are owner-only (issue 17 §1): the SQLite database and its companions,
kept uploads and exports are 0600 (folders 0700) under the usual umask of 022.

The exports' modes are checked where every exporter runs (``test_exports_formula_safe``);
here the database, the uploads, and a scan that finds any other way of writing a file.
"""

import os
import re
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import ConnectionHandler

from gonghui.core.files import open_private
from gonghui.core.uploads import store_upload
from gonghui.members.importers import COLUMNS

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture(autouse=True)
def umask_022():
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_companions_are_owner_only(tmp_path, django_db_blocker):
    name = tmp_path / "gonghui.sqlite3"
    databases = ConnectionHandler(
        {
            "default": {
                "ENGINE": "gonghui.core.backends.sqlite3",
                "NAME": str(name),
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL;",
                },
            }
        }
    )
    connection = databases["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE worker (name TEXT)")
            cursor.execute("INSERT INTO worker VALUES ('张东青')")
            files = {p.name: mode(p) for p in tmp_path.iterdir()}
    finally:
        connection.close()
    assert files == {
        "gonghui.sqlite3": 0o600,
        "gonghui.sqlite3-wal": 0o600,
        "gonghui.sqlite3-shm": 0o600,
        "gonghui.sqlite3-writers": 0o600,
    }


def test_stored_uploads_and_their_folders_are_owner_only(tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    stored = store_upload(PNG, filename="门口.png", folder="stations", purpose="test")
    assert mode(settings.UPLOAD_DIR / stored.relative_path) == 0o600
    assert (mode(settings.UPLOAD_DIR), mode(settings.UPLOAD_DIR / "stations")) == (0o700, 0o700)


@pytest.mark.django_db
def test_a_roster_kept_for_the_bad_rows_download_is_owner_only(
    client, province_admin, settings, tmp_path
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(province_admin)
    roster = ",".join(COLUMNS) + "\n张东青,not-an-id,,411702,,,,\n"
    upload = SimpleUploadedFile("名册.csv", roster.encode("utf-8-sig"))
    assert client.post("/workers/import/", {"file": upload, "dry_run": "on"}).status_code == 200
    (kept,) = settings.UPLOAD_DIR.iterdir()
    assert (mode(settings.UPLOAD_DIR), mode(kept)) == (0o700, 0o600)


def test_open_private_narrows_an_existing_file(tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text("old")
    path.chmod(0o644)
    with open_private(path, "w", encoding="utf-8") as handle:
        handle.write("new")
    assert (mode(path), path.read_text()) == (0o600, "new")


# Writing a file any other way than through core/files.py (open_private, write_private).
OTHER_WRITES = re.compile(
    r"\.write_(?:bytes|text)\(|\bopen\([^)\n]*[\"'][wax]b?\+?[\"']|\.open\([\"'][wax]"
)
# Scratch files of the benchmarks, inside a tempfile.TemporaryDirectory (created 0700), and
# the one module that does it right.
ALLOWED = {
    "core/files.py",
    "core/benchkit.py",
    "cli/bench_report.py",
    "programs/bench.py",
    "stations/bench.py",
}


def test_no_file_is_written_around_open_private():
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in f"/{relative}" or relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OTHER_WRITES.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
