"""THIRD-PARTY-NOTICES.txt: the licences of everything the program ships, from the installed
distributions themselves (importlib.metadata), not from a hand-kept list.

The distributions are the program's dependencies (pyproject.toml) and theirs, as installed in
the running Python; for each: name, version, licence and the text of the licence files the
distribution carries. Those that carry none (PySide6 and shiboken6 wheels) get the licence
texts kept in installer/licenses/ that their licence expression names. Then the fonts in
resources/, and for the one-folder bundle (--bundle) Python itself and PyInstaller's
bootloader. The notice of Qt under the LGPL says where the Qt libraries are in the bundle and
how to replace them.

    python installer/notices.py                  # THIRD-PARTY-NOTICES.txt, the wheel's copy
    python installer/notices.py --out dist/Metodaktiv/THIRD-PARTY-NOTICES.txt \
        --bundle dist/Metodaktiv --crlf          # the bundle's (build.py does this)

installer/build.py writes the bundle's copy on every build. A distribution with no licence text
at all stops the generator (a new dependency must bring its licence).
"""

from __future__ import annotations

import argparse
import re
import sys
import sysconfig
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LICENSES = Path(__file__).resolve().parent / "licenses"
FONTS = ROOT / "resources" / "fonts"
PROGRAM = "metodaktiv"
RULE = "=" * 78
THIN_RULE = "-" * 78
LICENCE_FILE_NAME = re.compile(r"^(licen[cs]e|copying|notice|authors)", re.IGNORECASE)
# Licence texts kept in installer/licenses/ for distributions that carry none: an SPDX id of the
# expression → the files to append (the LGPL v3 is a set of permissions added to the GPL v3, so
# it travels with it).
CARRIED = {
    "LGPL-3.0": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "GPL-3.0": ("GPL-3.0.txt",),
}
QT_DISTRIBUTIONS = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}


class NoticeError(Exception):
    """A distribution the program needs is missing or carries no licence text."""


@dataclass
class Notice:
    """One distribution: what it is, under which licence, and the licence text(s)."""

    name: str
    version: str
    licence: str
    homepage: str
    texts: list[tuple[str, str]] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # files of installer/licenses/ it refers to


def project_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The program's own dependencies, as pyproject.toml declares them."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(data["project"]["dependencies"])


def runtime_distributions(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions the requirements need, with their own requirements (those
    of extras left out, environment markers evaluated for this machine), sorted by name."""
    environment = {**default_environment(), "extra": ""}
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        key = canonicalize_name(requirement.name)
        if key in found or key == PROGRAM:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError as exc:
            raise NoticeError(f"Не установлен пакет {requirement.name}, нужный программе") from exc
        found[key] = dist
        todo.extend(Requirement(r) for r in dist.requires or [])
    return [found[key] for key in sorted(found)]


def _read(path: Path) -> str:
    text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
    return "\n".join(line.rstrip() for line in text.strip("\n\ufeff").split("\n"))


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """The licence files the distribution carries: those its metadata names (License-File),
    else any LICENSE/COPYING/NOTICE/AUTHORS file of its .dist-info folder."""
    files = [f for f in dist.files or [] if f.parts and f.parts[0].endswith(".dist-info")]
    named = dist.metadata.get_all("License-File") or []
    chosen = []
    for name in named:
        for candidate in files:
            rest = "/".join(candidate.parts[1:])
            if rest in (name, f"licenses/{name}"):
                chosen.append(candidate)
                break
    if not chosen:
        chosen = [f for f in files if LICENCE_FILE_NAME.match(f.name)]
    texts = []
    for file in sorted(set(chosen), key=lambda f: str(f)):
        path = Path(str(file.locate()))
        if path.is_file():
            texts.append(("/".join(file.parts[1:]), _read(path)))
    return texts


def licence_summary(dist: metadata.Distribution) -> str:
    """License-Expression, else the first line of License, else the licence classifiers."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression).strip()
    licence = (meta.get("License") or "").strip()
    if licence and licence.upper() != "UNKNOWN":
        first = licence.splitlines()[0].strip()
        return first if len(first) <= 120 else first[:117] + "…"
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return "; ".join(classifiers) or "не указана в метаданных"


def homepage(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository", "source code"):
            return url.strip()
    return str(meta.get("Home-page") or "").strip()


def carried_for(licence: str) -> list[str]:
    files: list[str] = []
    for spdx, names in CARRIED.items():
        if re.search(rf"\b{re.escape(spdx)}\b", licence):
            files.extend(n for n in names if n not in files)
            break  # the first licence of an «A OR B» choice that we carry is the one used
    return files


def notice_for(dist: metadata.Distribution) -> Notice:
    name = str(dist.metadata["Name"])
    notice = Notice(name, dist.version, licence_summary(dist), homepage(dist), licence_texts(dist))
    if not notice.texts:
        notice.carried = carried_for(notice.licence)
        if not notice.carried:
            raise NoticeError(
                f"Пакет {name} {dist.version} не несёт текста лицензии ({notice.licence}): "
                f"положите его текст в installer/licenses/ и назовите в CARRIED"
            )
    return notice


def collect(requirements: list[str] | None = None) -> list[Notice]:
    return [notice_for(d) for d in runtime_distributions(requirements or project_requirements())]


def distributions_providing(modules: Iterable[str]) -> list[str]:
    """The installed distributions whose top-level packages or modules are among these (dotted
    names allowed): what a bundle carries beyond the declared dependencies (an optional driver
    installed on the build machine, a package a PyInstaller hook pulls in)."""
    owners = metadata.packages_distributions()
    found = {dist for name in modules for dist in owners.get(name.split(".")[0], [])}
    return sorted(found, key=canonicalize_name)


def bundle_modules(bundle: Path) -> set[str]:
    """The top-level names of the bundle's _internal folder (packages, extension modules)."""
    internal = bundle / "_internal"
    if not internal.is_dir():
        return set()
    return {path.name.split(".")[0] for path in internal.iterdir()}


def python_licence() -> Path | None:
    """The LICENSE.txt of the Python the bundle is frozen from (it carries Python's own
    third-party notices: OpenSSL, zlib, libffi …)."""
    for folder in (Path(sys.base_prefix), Path(sysconfig.get_paths()["stdlib"])):
        candidate = folder / "LICENSE.txt"
        if candidate.is_file():
            return candidate
    return None


def qt_location(bundle: Path | None) -> str:
    """The folder of the Qt libraries inside the bundle, relative to the program folder."""
    if bundle is not None:
        for pattern in ("Qt6Core.dll", "libQt6Core.so*"):
            for found in sorted(bundle.rglob(pattern)):
                return str(found.parent.relative_to(bundle)).replace("/", "\\")
    return "_internal\\PySide6"


def qt_notice(qt: Notice, location: str) -> str:
    version = qt.version
    return f"""\
Qt и PySide6 (Qt for Python) {version} используются программой на условиях GNU Lesser General
Public License v3 (LGPL-3.0; тексты LGPL-3.0 и GPL-3.0 приведены ниже). Программа не изменяет
ни Qt, ни PySide6 и связана с ними динамически: библиотеки Qt лежат отдельными файлами в папке
программы, в подпапке {location} (Qt6Core.dll, Qt6Gui.dll, Qt6Widgets.dll и другие Qt6*.dll,
модули PySide6 *.pyd, плагины Qt в подпапке plugins).

Как заменить библиотеки Qt: соберите Qt {version} (или совместимую по двоичному интерфейсу
версию Qt 6) из исходного кода, в том числе изменённого вами, и замените одноимёнными файлами
файлы Qt6*.dll и плагины в папке {location}; для другой версии Qt соберите из исходного кода
и PySide6 той же версии и замените также файлы PySide6 и shiboken6 в той же папке. Программа
загрузит заменённые библиотеки при следующем запуске.

Исходный код (без изменений, использованный программой):
  Qt:      https://download.qt.io/official_releases/qt/
  PySide6: https://code.qt.io/cgit/pyside/pyside-setup.git/ (тег v{version}),
           https://download.qt.io/official_releases/QtForPython/
Qt содержит и сторонние компоненты со своими лицензиями; их перечень —
https://doc.qt.io/qt-6/licenses-used-in-qt.html

In English: Qt and PySide6 {version} are used under the LGPL-3.0, unmodified and dynamically
linked. The Qt libraries are separate files in the {location} folder of the program folder;
you may replace them with your own build of Qt (a binary-compatible Qt 6, and for another Qt
version a matching build of PySide6 and shiboken6 too). Their source is available at the
addresses above."""


def _section(title: str) -> list[str]:
    return ["", RULE, title, RULE, ""]


def render(
    notices: list[Notice],
    *,
    bundle: Path | None = None,
    python: Path | None = None,
    extra: list[Notice] | None = None,
) -> str:
    """The whole THIRD-PARTY-NOTICES.txt (lines joined with \\n)."""
    everything = notices + (extra or [])
    if bundle is not None:
        intro = [
            "В программу входят перечисленные ниже компоненты; у каждого своя лицензия, её текст",
            "приведён ниже. Список составлен при сборке по метаданным установленных пакетов.",
        ]
    else:
        intro = [
            "Программа использует перечисленные ниже компоненты (собранная для Windows программа",
            "несёт их в своей папке); у каждого своя лицензия, её текст приведён ниже.",
        ]
    lines = [
        "Методактив — лицензии сторонних компонентов (THIRD-PARTY NOTICES)",
        "",
        "Методактив распространяется на условиях лицензии MIT (файл LICENSE.txt).",
        *intro,
        "",
        "Компоненты:",
    ]
    if python is not None:
        lines.append(f"  Python {sys.version.split()[0]} — PSF-2.0 (и лицензии его компонентов)")
    lines += [f"  {n.name} {n.version} — {n.licence}" for n in everything]
    fonts = sorted(FONTS.glob("LICENSE*")) if FONTS.is_dir() else []
    if fonts:
        lines.append("  шрифты Liberation — SIL Open Font License 1.1")
    qt = next((n for n in notices if canonicalize_name(n.name) == "pyside6"), None)
    if qt is not None:
        lines += _section("Qt и PySide6: LGPL-3.0") + qt_notice(qt, qt_location(bundle)).split("\n")
    if python is not None:
        lines += _section(f"Python {sys.version.split()[0]}") + [_read(python)]
    for notice in everything:
        lines += _section(f"{notice.name} {notice.version}")
        lines.append(f"Лицензия: {notice.licence}")
        if notice.homepage:
            lines.append(f"Сайт: {notice.homepage}")
        for name, text in notice.texts:
            lines += ["", f"--- {name} ---", "", text]
        for name in notice.carried:
            lines += ["", f"Текст лицензии: {name[: -len('.txt')]}, приведён в конце файла."]
    for font in fonts:
        lines += _section(f"Шрифты: {font.name}") + [_read(font)]
    carried = [name for n in everything for name in n.carried]
    for name in dict.fromkeys(carried):
        lines += _section(name[: -len(".txt")]) + [_read(LICENSES / name)]
    return "\n".join(lines) + "\n"


def pyinstaller_notice() -> Notice | None:
    """PyInstaller's bootloader is inside metodaktiv.exe (GPL-2.0 with the bootloader
    exception, which allows this)."""
    try:
        return notice_for(metadata.distribution("pyinstaller"))
    except (metadata.PackageNotFoundError, NoticeError):
        return None


def generate(
    out: Path,
    *,
    bundle: Path | None = None,
    modules: Iterable[str] = (),
    crlf: bool = False,
) -> list[Notice]:
    """Write the notices. For a bundle: also the distributions its files and modules (the
    names in modules, e.g. of PyInstaller's archive) come from, Python and PyInstaller."""
    requirements = project_requirements()
    extra: list[Notice] = []
    python = None
    if bundle is not None:
        shipped = distributions_providing({*modules, *bundle_modules(bundle)})
        requirements += [name for name in shipped if canonicalize_name(name) != PROGRAM]
    notices = collect(requirements)
    if bundle is not None:
        python = python_licence()
        found = pyinstaller_notice()
        if found is not None:
            extra.append(found)
    text = render(notices, bundle=bundle, python=python, extra=extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8", newline="\r\n" if crlf else "\n")
    return notices + extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="THIRD-PARTY-NOTICES.txt программы")
    parser.add_argument("--out", type=Path, default=ROOT / "THIRD-PARTY-NOTICES.txt")
    parser.add_argument("--bundle", type=Path, help="папка собранной программы (PyInstaller)")
    parser.add_argument("--crlf", action="store_true", help="строки с CR LF (для Windows)")
    args = parser.parse_args(argv)
    try:
        notices = generate(args.out, bundle=args.bundle, crlf=args.crlf)
    except NoticeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{args.out}: {len(notices)} компонентов")
    return 0


if __name__ == "__main__":
    sys.exit(main())
