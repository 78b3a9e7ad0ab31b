"""The listening port of ``gonghui serve`` and ``gonghui demo``.

A taken port must stop the command before anything slow runs (the demo builds its
data first) and in one line the user can act on; and "started" is printed only once
the server really accepts connections, so nobody opens a URL that is not there.
"""

import socket
import threading
import time
from collections.abc import Callable

from django.core.management.base import CommandError


def refuse_if_port_taken(host: str, port: int) -> None:
    """Raise a one-line CommandError when ``host:port`` cannot be bound."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise CommandError(
            f"无法监听 {host}:{port}（{error.strerror}）：端口已被占用，请用 --port 指定其他端口，"
            f"例如 --port {port + 1}"
        ) from None


def announce_when_listening(
    host: str, port: int, announce: Callable[[], None], *, timeout: float = 60.0
) -> None:
    """Call ``announce`` from a daemon thread once ``host:port`` accepts a connection."""

    def wait() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host, port), timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            announce()
            return

    threading.Thread(target=wait, name="announce-listening", daemon=True).start()
