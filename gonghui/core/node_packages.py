"""Static files from npm packages: the few files the console serves, found in
``node_modules`` (installed by ``scripts/setup.sh`` with ``npm ci`` from the committed
``package-lock.json``), under ``vendor/``.

A finder rather than a STATICFILES_DIRS entry so that ``collectstatic`` copies and
compresses the one file a page loads, not the package's 51 MB of builds and maps.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# public path under STATIC_URL → file inside node_modules
FILES = {"vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js"}


class NodePackageFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        self.root = Path(settings.NODE_MODULES)

    def check(self, **kwargs) -> list[Error]:
        return [
            Error(
                f"找不到 {self.root / private}：请运行 scripts/setup.sh（npm ci 安装前端依赖）",
                id="gonghui.E001",
            )
            for private in FILES.values()
            if not (self.root / private).is_file()
        ]

    def find(self, path: str, find_all: bool = False, **kwargs):
        private = FILES.get(path)
        found = self.root / private if private else None
        if found is None or not found.is_file():
            return []
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for public, private in FILES.items():
            storage = FileSystemStorage(location=self.root / Path(private).parent)
            storage.prefix = str(Path(public).parent)
            yield Path(private).name, storage
