"""Production by default: real keys or a one-line refusal, and the README's environment
passes Django's deploy checks."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from gonghui.core.benchkit import free_port
from gonghui.core.keys import DEV_FIELD_KEY, DEV_SECRET_KEY

BIN = Path(sys.executable).parent / "gonghui"
README = Path(__file__).resolve().parents[3] / "README.md"


def readme_environment() -> dict[str, str]:
    """The production environment file the README shows, line by line."""
    block = re.search(r"```sh\n# /etc/gonghui/gonghui.env\n(.*?)```", README.read_text(), re.S)
    assert block, "README lost its production environment example"
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    return {name: value for name, value in pairs}


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """The README's environment and nothing else (a test run's own variables, such as the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, stay out), with fresh keys in place of its
    placeholders and the data in ``tmp_path``; ``None`` removes a variable."""
    env = {
        "PATH": os.environ["PATH"],
        **readme_environment(),
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "GONGHUI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_readme_environment_passes_the_deploy_checks_at_warning_level(tmp_path):
    env = production_env(tmp_path)
    done = subprocess.run(
        [str(BIN), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_deploy_checks_fail_when_https_is_turned_off(tmp_path):
    """The check above could not fail if --deploy found nothing to say: it does, over HTTP."""
    env = production_env(tmp_path, GONGHUI_HTTPS="0")
    done = subprocess.run(
        [str(BIN), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "security.W004" in done.stderr and "security.W012" in done.stderr


_TEXT_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
REFUSALS = {
    "secret missing": ({"GONGHUI_SECRET_KEY": None}, "GONGHUI_SECRET_KEY is not set"),
    "secret empty": ({"GONGHUI_SECRET_KEY": ""}, "GONGHUI_SECRET_KEY is not set"),
    "secret dev default": (
        {"GONGHUI_SECRET_KEY": DEV_SECRET_KEY},
        "GONGHUI_SECRET_KEY is the development default",
    ),
    "secret short": ({"GONGHUI_SECRET_KEY": "a"}, "GONGHUI_SECRET_KEY is too short"),
    "secret 49 chars": (
        {"GONGHUI_SECRET_KEY": secrets.token_urlsafe(64)[:49]},
        "GONGHUI_SECRET_KEY is too short",
    ),
    "field key missing": ({"GONGHUI_FIELD_KEY": None}, "GONGHUI_FIELD_KEY is not set"),
    "field key dev default": (
        {"GONGHUI_FIELD_KEY": DEV_FIELD_KEY},
        "GONGHUI_FIELD_KEY is the development default",
    ),
    "field key one byte": (
        {"GONGHUI_FIELD_KEY": base64.b64encode(b"k").decode()},
        "GONGHUI_FIELD_KEY must be 32 random bytes",
    ),
    "field key 16 bytes": (
        {"GONGHUI_FIELD_KEY": base64.b64encode(secrets.token_bytes(16)).decode()},
        "GONGHUI_FIELD_KEY must be 32 random bytes",
    ),
    "field key typed text": ({"GONGHUI_FIELD_KEY": _TEXT_KEY}, "must be 32 random bytes"),
    "field key not base64": (
        {"GONGHUI_FIELD_KEY": "not base64 at all!"},
        "GONGHUI_FIELD_KEY must be 32 random bytes",
    ),
    "audit kept 90 days": (
        {"GONGHUI_AUDIT_RETENTION_DAYS": "90"},
        "GONGHUI_AUDIT_RETENTION_DAYS must be a number of days, at least 183",
    ),
    "audit retention not a number": (
        {"GONGHUI_AUDIT_RETENTION_DAYS": "six months"},
        "GONGHUI_AUDIT_RETENTION_DAYS must be a number of days",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_serve_refuses_unfit_keys_in_one_line_without_a_traceback(tmp_path, case):
    changes, reason = REFUSALS[case]
    # Asked for the demo, or started from a test run: serve ignores both.
    env = production_env(tmp_path, GONGHUI_DEMO="1", PYTEST_VERSION="9", **changes)
    done = subprocess.run(
        [str(BIN), "serve", "--port", str(free_port()), "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "拒绝启动" in lines[0] and "refusing to start" in lines[0] and reason in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "prod.sqlite3").exists()  # refused before migrating


@pytest.mark.parametrize("command", ["check", "demo"])
def test_a_short_audit_retention_stops_every_command_in_one_line(tmp_path, command):
    """The demo too: six months of audit log is the law, not a production nicety."""
    env = production_env(tmp_path, GONGHUI_AUDIT_RETENTION_DAYS="182")
    done = subprocess.run([str(BIN), command], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "gonghui 拒绝启动：GONGHUI_AUDIT_RETENTION_DAYS 须是不少于 183 的天数（审计日志至少保存"
        "六个月） / refusing to start: GONGHUI_AUDIT_RETENTION_DAYS must be a number of days, "
        "at least 183"
    ]
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "prod.sqlite3").exists()


def test_hex_field_key_is_accepted_like_base64(tmp_path):
    env = production_env(tmp_path, GONGHUI_FIELD_KEY=secrets.token_hex(32))
    done = subprocess.run([str(BIN), "check"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_other_commands_refuse_too_and_settings_keep_no_development_key(tmp_path):
    env = production_env(tmp_path, GONGHUI_SECRET_KEY=None, GONGHUI_FIELD_KEY=None)
    done = subprocess.run(
        [str(BIN), "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "GONGHUI_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gonghui.settings as s; print(repr(s.SECRET_KEY), repr(s.FIELD_KEY), s.DEBUG)",
        ],
        env={**env, "GONGHUI_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert read.stdout.split() == ["''", "''", "False"], read.stderr


def test_https_redirects_pages_but_not_the_health_probe(settings):
    """What GONGHUI_HTTPS=1 turns on, seen in-process (the tests run in development mode)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()  # built after the change: SecurityMiddleware reads settings once
    page = client.get("/accounts/login/")
    assert page.status_code == 301 and page["Location"] == "https://testserver/accounts/login/"
    assert client.get("/api/health").status_code == 200
    secure = client.get("/api/health", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    ("tiles", "source"),
    [
        (
            "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
            "https://*.is.autonavi.com",
        ),
        ("https://t0.tianditu.gov.cn/vec_w/wmts?tk=K&{z}/{x}/{y}", "https://t0.tianditu.gov.cn"),
    ],
)
def test_the_map_tile_server_is_allowed_for_images_only(tmp_path, tiles, source):
    env = production_env(tmp_path, GONGHUI_STATION_TILES_URL=tiles)
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, gonghui.settings as s;"
            "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES'], default=str))",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    directives = json.loads(read.stdout)
    assert source in directives["img-src"]
    assert all(source not in directives[name] for name in ("script-src", "connect-src"))
