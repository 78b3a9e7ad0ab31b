"""What the benchmarks that start the real server share: a scratch database, the server,
and a lean HTTP client for the load process.

The load process shares the machine's cores with the server it measures, so
its client does as little as it can (see ``ApiClient``).
"""

import base64
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def server_env(database_url: str, work: Path, **extra: str) -> dict[str, str]:
    """The environment of a production server on ``database_url`` with fresh keys, reached
    over plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "gonghui.settings"),
        "DATABASE_URL": database_url,
        "GONGHUI_DATA_DIR": str(work / "data"),
        "GONGHUI_HTTPS": "0",
        "GONGHUI_SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        **extra,
    }


def run_threads(target, count: int) -> float:
    """Run ``target`` in ``count`` threads at once; the seconds until the last one ends."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def latency_figures(latencies: list[float], seconds: float) -> dict:
    """Requests, requests/s, p50 and p99 in milliseconds of one timed run."""
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "seconds": seconds,
        "rate": len(ordered) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000 if ordered else 0.0,
    }


def run_child(module: str, env: dict, *args: str) -> str:
    """``python -m module args`` with ``env``; its output, or RuntimeError with all it said."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{args[0]} 失败：\n{done.stdout}\n{done.stderr}")
    return done.stdout


def flush(stdout) -> None:
    """Show progress now: a management command's stdout buffers, a StringIO has no flush."""
    if hasattr(stdout, "flush"):
        stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict, *, log: Path, workers: int | None = None) -> Iterator[str]:
    """``gonghui serve`` on a free port of 127.0.0.1 with ``env``; yields its base URL
    once ``/api/health`` answers, and stops it on exit."""
    port = free_port()
    argv = [str(Path(sys.executable).parent / "gonghui"), "serve", "--port", str(port)]
    if workers:
        argv += ["--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        server = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/health", timeout=5) as answer:
                        if answer.status == 200:
                            break
                except (ConnectionError, urllib.error.URLError):
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"服务器未能启动：\n{tail(log)}") from None
                    time.sleep(0.2)
            yield base
        finally:
            server.send_signal(signal.SIGINT)  # granian shuts down gracefully on SIGINT
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class ApiClient:
    """One keep-alive HTTP/1.1 connection on a plain socket.

    The load process shares the machine's cores with the server it measures,
    so it does as little as it can: requests are pre-built bytes and answers
    are read by Content-Length (``http.client`` spends more CPU parsing headers
    than a health check costs the server). ``call`` returns (status, parsed
    JSON body, seconds).
    """

    def __init__(self, base: str, api_token: str | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        headers = f"Host: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
        if api_token:
            headers += f"Authorization: Bearer {api_token}\r\n"
        self.headers = headers.encode()
        self.sock: socket.socket | None = None
        self.reader = None

    def request(self, method: str, path: str, body: dict | None = None) -> bytes:
        payload = json.dumps(body).encode() if body is not None else b""
        return (
            f"{method} {path} HTTP/1.1\r\n".encode()
            + self.headers
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        return self.send(self.request(method, path, body))

    def send(self, request: bytes) -> tuple[int, dict, float]:
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.reader = self.sock.makefile("rb")
            start = time.perf_counter()
            try:
                self.sock.sendall(request)
                status_line = self.reader.readline()
                if not status_line:
                    raise ConnectionResetError("closed before answering")
            except (BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before this request
                # reached it; nothing was processed, so sending it again is safe.
                self.close()
                if attempt == 2:
                    raise
                continue
            status, data, keep = self._read_rest(status_line)
            elapsed = time.perf_counter() - start
            if not keep:
                self.close()
            try:
                parsed = json.loads(data) if data else {}
            except ValueError:  # an HTML error page
                parsed = {"body": data[:200].decode(errors="replace")}
            return status, parsed, elapsed
        raise AssertionError("unreachable")

    def _read_rest(self, status_line: bytes) -> tuple[int, bytes, bool]:
        status = int(status_line.split()[1])
        length, keep = None, True
        while (line := self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                keep = False
        if length is None:
            return status, self.reader.read(), False
        return status, self.reader.read(length), keep

    def close(self) -> None:
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
        self.sock = self.reader = None


@contextlib.contextmanager
def scratch_database(database_url: str | None, work: Path, name: str) -> Iterator[str]:
    """A fresh database for the bench; PostgreSQL's is created on the given server and dropped."""
    if not database_url or database_url.startswith("sqlite"):
        yield f"sqlite:///{work / 'bench.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(database_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return urlunsplit(parts._replace(netloc=parts.netloc.replace(parts.password, "***")))
    return url
