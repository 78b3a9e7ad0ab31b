"""The deploy path: ``gonghui serve`` under granian, with static files, as a real process."""

import base64
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gonghui.core.benchkit import free_port

BIN = Path(sys.executable).parent / "gonghui"


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_login_with_upload(base: str, size: int) -> tuple[int, str]:
    """A failed login carrying a file of ``size`` bytes ahead of the CSRF token, so the
    token is read only if the server passed the whole body through to Django."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=5).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    boundary = secrets.token_hex(16)

    def part(name: str, value: bytes, filename: str = "") -> bytes:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n"
        return head.encode() + value + b"\r\n"

    body = (
        part("username", b"nobody")
        + part("password", b"wrong")
        + part("file", secrets.token_bytes(size), filename="big.bin")
        + part("csrfmiddlewaretoken", token.encode())
        + f"--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/accounts/login/",
        data=body,
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"{base}/accounts/login/",
        },
    )
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def production_env(tmp_path: Path) -> dict[str, str]:
    """Fresh production keys over plain HTTP on 127.0.0.1; GONGHUI_DEMO (and the test run's
    PYTEST_VERSION) left in the environment, which ``gonghui serve`` ignores."""
    return {
        **os.environ,
        "GONGHUI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "GONGHUI_DEMO": "1",
        "GONGHUI_DEBUG": "1",
        "GONGHUI_HTTPS": "0",
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def test_serve_runs_granian_with_static_files(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port), "--workers", "1"],
            env=production_env(tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # migrate + collectstatic on a busy 2-core machine
        while "已启动" not in log.read_text():
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        # The started line comes only once the socket accepts: the first request answers.
        status, headers, body = fetch(f"{base}/accounts/login/")
        assert status == 200
        assert headers["server"] == "granian"
        assert "登录" in body.decode()
        status, _, script = fetch(f"{base}/static/django_htmx/htmx-2.min.js")
        assert status == 200 and b"htmx" in script
        assert fetch(f"{base}/workers/")[0] in (200, 302)
        status, headers, body = fetch(f"{base}/no-such-page/")
        assert status == 404 and "页面不存在" in body.decode()
        assert "no-such-page" not in body.decode()
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "no-store" in headers["cache-control"]
        # DEBUG is off although the environment asked for the demo and for DEBUG.
        status, _, body = fetch(f"{base}/api/stations/nearest?lat=-90&lng=-180&coord=bd09")
        assert b"Traceback" not in body and b'File "' not in body
        status, page = post_login_with_upload(base, size=8 * 1024 * 1024)
        assert status == 200  # not 403: the token after 8 MB of file arrived
        assert 'name="username"' in page and "nobody" in page
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert log.read_text().count("Not Found: /no-such-page/") == 1


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_taken_port_is_refused_in_one_line_before_any_work(tmp_path, command):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(BIN), command, "--port", str(port)],
            env=production_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0
    said = (done.stdout + done.stderr).strip().splitlines()
    assert len(said) == 1 and f"{port}" in said[0] and "--port" in said[0], said
    assert not (tmp_path / "serve.sqlite3").exists()  # refused before migrating
