"""Fetch the pinned uv into .tools/bin with nothing but the standard library.

A bare Debian has its own python3 but maybe no pip (and PEP 668 forbids installing
into it anyway), so setup.sh cannot ``pip install uv``. This downloads uv's wheel
from the package index (``PIP_INDEX_URL`` when the machine names one, else PyPI),
checks it against the hash pinned here and unpacks the one binary it carries.
"""

import hashlib
import io
import json
import os
import platform
import re
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

VERSION = "0.13.8"
# machine → (wheel file name, sha256), copied from PyPI's index for uv 0.13.8.
WHEELS = {
    "x86_64": (
        "uv-0.13.8-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "e18a57b8b352eb7c8feb317b9f6f533c8f0ad9673fd6cf34bbe3cf1a9f6a8984",
    ),
    "aarch64": (
        "uv-0.13.8-py3-none-manylinux_2_28_aarch64.whl",
        "5337c30bb893b4f9ce0ceb921ba2da0d13f649da644f40ad3bef84083bef0203",
    ),
}


def wheel_url(index: str, filename: str) -> str:
    """The download address of ``filename`` on a PEP 503/691 simple index."""
    page_url = index.rstrip("/") + "/uv/"
    request = urllib.request.Request(
        page_url, headers={"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
        if "json" in response.headers.get("Content-Type", ""):
            for entry in json.loads(body)["files"]:
                if entry["filename"] == filename:
                    return urllib.parse.urljoin(page_url, entry["url"])
        else:
            for href in re.findall(r'href="([^"]+)"', body):
                if urllib.parse.urlsplit(href).path.endswith("/" + filename):
                    return urllib.parse.urljoin(page_url, href.split("#")[0])
    raise SystemExit(f"{filename} 不在软件包索引 {page_url} 中")


def main(target: Path) -> None:
    machine = platform.machine()
    if machine not in WHEELS:
        raise SystemExit(
            f"没有为本机架构 {machine} 固定 uv {VERSION}：请在 scripts/fetch_uv.py 中添加"
        )
    filename, sha256 = WHEELS[machine]
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple")
    with urllib.request.urlopen(wheel_url(index, filename), timeout=300) as response:
        data = response.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SystemExit(f"{filename} 的 sha256 与固定值不符，拒绝使用")
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        binary = wheel.read(f"uv-{VERSION}.data/scripts/uv")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(target)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
