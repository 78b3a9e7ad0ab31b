"""The backup drill: the demo's data backed up, restored by a separate ``gonghui`` process
into an empty database and an empty data directory, then its row counts, money totals and
``gonghui rollup check`` agree, an uploaded document reads back and a worker's ID number is
revealed with the field key. And the refusals: a database that is not empty, another key, a
file that is no backup."""

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gonghui.cli.backup import totals
from gonghui.core.crypto import decrypt
from gonghui.core.uploads import store_upload
from gonghui.members.models import Worker
from gonghui.members.services import ID_PURPOSE

pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).with_name("gonghui")
PDF = b"%PDF-1.4 the diagnosis of a drill"

# Run in the restored process: what the drill compares with the original.
READ_BACK = """
import json
from pathlib import Path
from django.conf import settings as django_settings
from gonghui.accounts.models import User
from gonghui.cli.backup import totals
from gonghui.core.uploads import read_upload
from gonghui.members.models import Worker
from gonghui.members.services import reveal_id_number
found = totals()
worker = Worker.objects.order_by("pk").first()
admin = User.objects.get(username="admin")
uploads = Path(django_settings.UPLOAD_DIR)
stored = sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*.enc"))
print(json.dumps({
    "rows": found.rows,
    "money": found.money,
    "id_number": reveal_id_number(by=admin, worker=worker),
    "document": read_upload(str(stored[0]), purpose="drill").decode(),
}))
"""


@pytest.fixture
def empty_database():
    """A DATABASE_URL of a new, empty database of the kind the suite runs on; dropped after."""
    if connection.vendor == "sqlite":
        yield lambda tmp: f"sqlite:///{tmp / 'restored.sqlite3'}"
        return
    config = connection.settings_dict
    name = f"gonghui_drill_{uuid.uuid4().hex[:8]}"
    server = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield lambda tmp: f"postgres://{config['USER']}@{config['HOST']}:{config['PORT']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def gonghui(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_backup_restores_into_an_empty_database_with_the_same_figures(
    tmp_path, settings, empty_database
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    call_command("demo", "--no-serve", "--workers", "60")
    store_upload(PDF, filename="诊断.pdf", folder="claims", purpose="drill")
    archive = tmp_path / "gonghui.backup"
    call_command("backup", str(archive))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    original = totals()
    assert sum(original.money.values()) > 0  # budgets and costs the drill must carry over
    worker = Worker.objects.order_by("pk").first()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DATABASE_"))}
    env |= {
        "DATABASE_URL": empty_database(tmp_path),
        "GONGHUI_DATA_DIR": str(tmp_path / "restored"),
        "GONGHUI_SECRET_KEY": settings.SECRET_KEY,
        "GONGHUI_FIELD_KEY": settings.FIELD_KEY,
    }
    restored = gonghui("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "与备份清单一致" in restored.stdout
    checked = gonghui("rollup", "check", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    read = gonghui("shell", "-c", READ_BACK, env=env)
    assert read.returncode == 0, read.stderr
    found = json.loads(read.stdout.strip().splitlines()[-1])
    assert found["rows"] == original.rows and found["money"] == original.money
    assert found["id_number"] == decrypt(worker.id_cipher, purpose=ID_PURPOSE)
    assert found["document"] == PDF.decode()

    again = gonghui("restore", str(archive), env=env)  # now the database is not empty
    assert again.returncode != 0 and "目标数据库不是空的" in again.stderr
    assert "Traceback" not in again.stderr


def test_a_restore_is_refused_with_another_field_key(tmp_path, settings, empty_database):
    archive = tmp_path / "gonghui.backup"
    call_command("backup", str(archive))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DATABASE_"))}
    env |= {
        "DATABASE_URL": empty_database(tmp_path),
        "GONGHUI_DATA_DIR": str(tmp_path / "restored"),
        "GONGHUI_SECRET_KEY": settings.SECRET_KEY,
        "GONGHUI_FIELD_KEY": "YW5vdGhlci1maWVsZC1rZXktb2YtMzItYnl0ZXMhISE=",
    }
    refused = gonghui("restore", str(archive), env=env)
    assert refused.returncode != 0 and "不是备份时的字段密钥" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_file_that_is_no_backup_is_refused_by_name(tmp_path):
    junk = tmp_path / "名册.xlsx"
    junk.write_bytes(b"PK\x03\x04 not a tar")
    with pytest.raises(CommandError, match="名册.xlsx：不是 gonghui 备份文件"):
        call_command("restore", str(junk))
