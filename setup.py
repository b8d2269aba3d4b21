"""Build hook: ship db/ (migrations) and resources/ inside the wheel as desktop_app/_shipped/.

A source checkout finds them at the top level (desktop_app/paths.py looks in both places, and in
a frozen build's bundle folder), so the repository keeps its required top-level layout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("db", "resources")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite", "*.sqlite-*")


class BuildWithData(build_py):
    """build_py that also copies the shipped data folders into the package."""

    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "desktop_app" / "_shipped"
        for name in SHIPPED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(root / name, target / name, ignore=IGNORED)


setup(cmdclass={"build_py": BuildWithData})
