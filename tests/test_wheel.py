"""The wheel holds everything: installed into a fresh venv it finds migrations, fonts, presets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel, install it (no dependencies) into a fresh venv; return its scripts dir.

    The fresh venv sees the already-installed dependencies through a .pth line, so nothing is
    downloaded, but the program itself comes only from the wheel.
    """
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(work / "dist"), str(ROOT)],
        check=True, cwd=work, timeout=300,
    )
    wheel = next((work / "dist").glob("metodaktiv-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    scripts = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    Path(purelib, "metodaktiv_deps.pth").write_text(deps + "\n", encoding="utf-8")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, timeout=300,
    )
    return scripts


def test_wheel_contains_migrations_and_resources(installed: Path) -> None:
    wheel = next(installed.parent.parent.glob("dist/*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("desktop_app/_shipped/db/versions/0001") for n in names)
    assert "desktop_app/_shipped/resources/fonts/LiberationSerif-Regular.ttf" in names
    assert "desktop_app/_shipped/resources/presets/grounds.json" in names


def _run(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = installed / ("metodaktiv.exe" if os.name == "nt" else "metodaktiv")
    env = {**os.environ, "METODAKTIV_HOME": str(cwd / "home"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, env=env,
        timeout=300,
    )


def test_installed_selftest_passes_from_another_folder(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, "--selftest", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")
    assert "_shipped" in result.stdout  # the data came from the wheel, not the checkout


def test_installed_init_makes_a_new_database_check_only_looks(installed: Path,
                                                               tmp_path: Path) -> None:
    result = _run(installed, "--db", "new.sqlite", "check", "--json", cwd=tmp_path)
    assert result.returncode == 1 and not (tmp_path / "new.sqlite").exists()
    assert "init" in json.loads(result.stdout)["error"]
    result = _run(installed, "--db", "new.sqlite", "init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = _run(installed, "--db", "new.sqlite", "check", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["revision"]
    assert report["counts"]["indicator_plans"] > 0
