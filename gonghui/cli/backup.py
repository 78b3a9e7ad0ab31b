"""Backups: one owner-only archive of the database and the encrypted uploads, and a
restore into an empty database that proves itself against the archive's own counts.

The archive (a tar file) holds ``manifest.json``, the database (SQLite through its online
backup API, so a running server's writes never tear it; PostgreSQL as ``pg_dump`` custom
format) and ``uploads/`` as stored, still encrypted. The field key is never written: the
manifest carries only a keyed check value, so a restore can say at once that it was given
the wrong key instead of restoring ID numbers nobody can read.
"""

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, Sum
from django.utils import timezone

from gonghui.core.crypto import blind_index
from gonghui.core.errors import DomainError
from gonghui.core.files import open_private

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"


@dataclass(frozen=True)
class Totals:
    """What a database holds, in numbers a restore must reproduce."""

    rows: dict[str, int]  # table → row count
    money: dict[str, int]  # "table.column" → sum, for every amount kept in fen


def totals() -> Totals:
    """Row counts of every table and the sum of every ``*_fen`` column, on this database."""
    rows, money = {}, {}
    for model in apps.get_models():
        table = model._meta.db_table
        manager = model._base_manager
        rows[table] = manager.count()
        for field in model._meta.concrete_fields:
            if field.name.endswith("_fen") and isinstance(field, IntegerField):
                money[f"{table}.{field.column}"] = (
                    manager.aggregate(total=Sum(field.name))["total"] or 0
                )
    return Totals(rows, money)


def key_check() -> str:
    """A value only the current field key gives; it reveals nothing of the key."""
    return blind_index("backup-key-check", purpose="backup")


def _vendor() -> str:
    if connection.vendor not in DATABASE:
        raise DomainError("backup_vendor", f"不支持备份 {connection.vendor} 数据库")
    return connection.vendor


def _pg_url() -> str:
    """The libpq connection string of the database Django is connected to."""
    config = connection.settings_dict
    parts = {
        "dbname": config["NAME"],
        "user": config.get("USER"),
        "password": config.get("PASSWORD"),
        "host": config.get("HOST"),
        "port": config.get("PORT"),
    }
    return " ".join(f"{name}='{value}'" for name, value in parts.items() if value)


def _dump_database(vendor: str, target: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        open_private(target).close()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
         + [_pg_url()])  # fmt: skip


def backup(path: Path) -> Totals:
    """Write the archive to ``path`` (mode 0600, replaced only once complete)."""
    vendor = _vendor()
    found = totals()
    manifest = {
        "format": FORMAT,
        "database": vendor,
        "created": timezone.now().isoformat(),
        "key_check": key_check(),
        "rows": found.rows,
        "money": found.money,
    }
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / DATABASE[vendor]
        _dump_database(vendor, database)
        with (
            open_private(partial) as file,
            tarfile.TarFile(fileobj=file, mode="w") as tar,
        ):
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(body), 0o600
            tar.addfile(info, io.BytesIO(body))
            tar.add(database, arcname=DATABASE[vendor])
            uploads = Path(settings.UPLOAD_DIR)
            if uploads.is_dir():
                tar.add(uploads, arcname=UPLOADS)
    partial.replace(path)
    return found


@contextmanager
def _opened(path: Path) -> Iterator[tuple[dict, tarfile.TarFile]]:
    try:
        with tarfile.open(path) as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            yield json.load(member), tar
    except (tarfile.TarError, KeyError, ValueError, OSError) as error:
        raise DomainError(
            "backup_unreadable", f"{path}：不是 gonghui 备份文件（{error}）"
        ) from error


def _plain_members(tar: tarfile.TarFile, path: Path) -> list[tarfile.TarInfo]:
    """The archive's members if every one is a plain file or folder inside it; a link, a
    device or a name reaching out of the folder refuses the archive (what Python 3.12's
    ``filter="data"`` does, which Debian's 3.11 lacks)."""
    members = tar.getmembers()
    for member in members:
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise DomainError(
                "backup_unreadable", f"{path}：备份文件中有不安全的条目 {member.name}"
            )
    return members


def restore(path: Path) -> Totals:
    """Restore the archive at ``path`` into this (empty) database and ``UPLOAD_DIR``, then
    check every table's row count and every money total against the archive's manifest."""
    vendor = _vendor()
    with _opened(path) as (manifest, tar):
        if manifest.get("format") != FORMAT or manifest.get("database") != vendor:
            raise DomainError(
                "backup_kind",
                f"{path}：这是 {manifest.get('database')} 数据库的备份（格式 {manifest.get('format')}），"
                f"不能恢复到 {vendor} 数据库",
            )
        if manifest["key_check"] != key_check():
            raise DomainError(
                "backup_key",
                "当前 GONGHUI_FIELD_KEY 不是备份时的字段密钥：恢复后身份证号、手机号将无法解密，已停止",
            )
        tables = connection.introspection.table_names()
        if tables:
            raise DomainError(
                "restore_not_empty",
                f"目标数据库不是空的（已有{len(tables)}张表）：请恢复到新建的空数据库",
            )
        uploads = Path(settings.UPLOAD_DIR)
        if uploads.is_dir() and any(uploads.iterdir()):
            raise DomainError("restore_uploads", f"{uploads} 不是空的：请恢复到新的数据目录")
        with tempfile.TemporaryDirectory() as work:
            tar.extractall(work, members=_plain_members(tar, path))
            _load_database(vendor, Path(work) / DATABASE[vendor])
            if (Path(work) / UPLOADS).is_dir():
                shutil.copytree(Path(work) / UPLOADS, uploads, dirs_exist_ok=True)
    found = totals()
    expected = Totals(manifest["rows"], manifest["money"])
    if found != expected:
        differing = sorted(
            name
            for name in expected.rows.keys() | found.rows.keys()
            if expected.rows.get(name) != found.rows.get(name)
        ) + sorted(
            name
            for name in expected.money.keys() | found.money.keys()
            if expected.money.get(name) != found.money.get(name)
        )
        raise DomainError("restore_differs", f"恢复后与备份清单不一致：{'、'.join(differing)}")
    return found


def _load_database(vendor: str, source: Path) -> None:
    if vendor == "sqlite":
        connection.close()
        target = connection.settings_dict["NAME"]
        open_private(target, "ab").close()  # created owner-only, or left as it is
        with sqlite3.connect(source) as original, sqlite3.connect(target) as copy:
            original.backup(copy)
        original.close()
        copy.close()
        return
    connection.close()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
         + [f"--dbname={_pg_url()}", str(source)])  # fmt: skip


def _run(command: list[str]) -> None:
    """Run a PostgreSQL client tool; its own message, not a traceback, when it fails."""
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise DomainError(
            "backup_tool", f"找不到 {command[0]}：请安装 postgresql-client"
        ) from error
    except subprocess.CalledProcessError as error:
        raise DomainError("backup_tool", f"{command[0]} 失败：{error.stderr.strip()}") from error
