"""One build script: version → PyInstaller one-folder bundle → licences → its self-test →
installer → zip.

On Windows it produces dist/Metodaktiv-<version>-setup.exe and a portable zip beside it.
On Linux (CI's check, installer/check_linux.sh) the same steps build the bundle, run its
self-test offscreen and compile the NSIS script with that bundle as payload (its two programs
named metodaktiv.exe and metodaktiv-cli.exe, as the installer's shortcuts expect).

    python installer/build.py [--skip-installer] [--skip-zip]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = DIST / "Metodaktiv"
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
PROGRAMS = ("metodaktiv", "metodaktiv-cli")
LICENCE_FILES = ("LICENSE.txt", "THIRD-PARTY-NOTICES.txt")
# what metodaktiv.nsi takes from the bundle's top folder (anything else would not be installed)
PAYLOAD_TOP = {*(f"{name}.exe" for name in PROGRAMS), *LICENCE_FILES, "_internal"}

sys.path.insert(0, str(ROOT / "installer"))
import notices  # noqa: E402
import versions  # noqa: E402


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from desktop_app import __version__

    return __version__


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def build_bundle() -> None:
    step("PyInstaller: one-folder bundle")
    shutil.rmtree(BUNDLE, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "installer" / "metodaktiv.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def program_modules() -> set[str]:
    """Every module of desktop_app, from the source tree."""
    found = set()
    package = ROOT / "desktop_app"
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.add(".".join(parts))
    return found


def archived_modules() -> set[str]:
    """The modules in the bundle's archive (PyInstaller's PYZ)."""
    from PyInstaller.archive.readers import ZlibArchiveReader

    archive = ROOT / "build" / "pyinstaller" / "metodaktiv" / "PYZ-00.pyz"
    return set(ZlibArchiveReader(str(archive)).toc)


def check_modules() -> None:
    """Every module of the program is in the bundle: a tab or dialog imported by name when it
    is first shown would otherwise be missing only on the user's machine."""
    step("Modules of the program in the bundle")
    bundled = archived_modules()
    missing = sorted(program_modules() - bundled)
    if missing:
        raise SystemExit("В сборку не попали модули программы: " + ", ".join(missing))
    print(f"все {len(program_modules())} модулей программы в сборке")


def write_licences() -> None:
    """The program's licence and the notices of every library it ships, into the bundle's
    top folder (the installer shows the licence and installs both)."""
    step("Licences")
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    (BUNDLE / "LICENSE.txt").write_text(text, encoding="utf-8", newline="\r\n")
    try:
        found = notices.generate(
            BUNDLE / "THIRD-PARTY-NOTICES.txt", bundle=BUNDLE, modules=archived_modules(), crlf=True
        )
    except notices.NoticeError as exc:
        raise SystemExit(str(exc)) from exc
    print(f"THIRD-PARTY-NOTICES.txt: {len(found)} компонентов")


def smoke_test() -> None:
    """The built program's own --selftest, run from an empty folder with a private data folder."""
    step("Self-test of the bundle")
    cli = BUNDLE / f"metodaktiv-cli{EXE_SUFFIX}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "METODAKTIV_HOME": str(Path(tmp) / "home"),
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        }
        result = subprocess.run(
            [str(cli), "--selftest"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=300,
        )
        print(result.stdout, result.stderr, sep="")
        if result.returncode != 0 or not result.stdout.strip().endswith("OK"):
            raise SystemExit("Самопроверка собранной программы не пройдена")
        for command in ("init", "check"):  # a new database is made by init, then checked
            done = subprocess.run(
                [str(cli), "--db", "new.sqlite", command],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=300,
            )
            print(done.stdout)
            if done.returncode != 0:
                raise SystemExit(f"{command} в собранной программе не прошёл: {done.stderr}")


def makensis() -> str:
    found = shutil.which("makensis")
    if found:
        return found
    default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)")) / "NSIS"
    candidate = default / "makensis.exe"
    if candidate.exists():
        return str(candidate)
    raise SystemExit("makensis не найден: установите NSIS 3 (см. installer/README.md)")


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def installer_payload() -> Path:
    """The folder makensis packs: the bundle itself on Windows; elsewhere a linked copy of it
    with the programs named as on Windows, so that the files the installer's shortcuts point
    at are checked to be there."""
    if EXE_SUFFIX:
        payload = BUNDLE
    else:
        payload = ROOT / "build" / "nsis-payload"
        shutil.rmtree(payload, ignore_errors=True)
        shutil.copytree(BUNDLE, payload, symlinks=True, copy_function=_link_or_copy)
        for name in PROGRAMS:
            (payload / name).rename(payload / f"{name}.exe")
    top = {path.name for path in payload.iterdir()}
    if top != PAYLOAD_TOP:
        raise SystemExit(
            "Сборка не такая, какую ждёт установщик: "
            f"лишнее {sorted(top - PAYLOAD_TOP)}, нет {sorted(PAYLOAD_TOP - top)}"
        )
    return payload


def build_installer(ver: str) -> Path:
    step("NSIS installer")
    out = DIST / f"Metodaktiv-{ver}-setup.exe"
    defines = [f"-D{name}={value}" for name, value in versions.makensis_defines(ver).items()]
    subprocess.run(
        [
            makensis(),
            "-V2",
            *defines,
            f"-DSOURCE_DIR={installer_payload()}",
            f"-DOUTFILE={out}",
            str(ROOT / "installer" / "metodaktiv.nsi"),
        ],
        check=True,
        cwd=ROOT / "installer",
    )
    print(f"installer: {out} ({out.stat().st_size // 1024 // 1024} MB)")
    return out


def build_zip(ver: str) -> Path:
    step("Portable zip")
    base = DIST / f"Metodaktiv-{ver}-portable"
    archive = Path(shutil.make_archive(str(base), "zip", root_dir=DIST, base_dir=BUNDLE.name))
    print(f"portable: {archive}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Сборка Методактива")
    parser.add_argument("--skip-installer", action="store_true")
    parser.add_argument("--skip-zip", action="store_true")
    args = parser.parse_args(argv)
    ver = version()
    print(f"Методактив {ver}")
    try:
        versions.makensis_defines(ver)  # a version the installer cannot take stops the build now
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    build_bundle()
    check_modules()
    write_licences()
    smoke_test()
    if not args.skip_installer:
        build_installer(ver)
    if not args.skip_zip:
        build_zip(ver)
    return 0


if __name__ == "__main__":
    sys.exit(main())
