"""The Windows installer's build pieces, checked without Windows or wine: the version forms the
NSIS script needs, the third-party notices made from the installed distributions, and makensis
compiling installer/metodaktiv.nsi with a stand-in payload (installer/check_wine.sh runs it)."""

from __future__ import annotations

import importlib.util
import itertools
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
NSI = INSTALLER / "metodaktiv.nsi"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}", INSTALLER / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


versions = _load("versions")
notices = _load("notices")

# --- versions ----------------------------------------------------------------------------

ORDERED = [  # PEP 440 order, oldest first
    "0.1.0",
    "0.2.0.dev1",
    "0.2.0a1.dev2",
    "0.2.0a1",
    "0.2.0b2",
    "0.2.0rc1",
    "0.2.0",
    "0.2.0.post1.dev0",
    "0.2.0.post1",
    "0.2.1",
    "0.10.0",
    "1.0",
    "1.0.0.1",
    "1.2.3.post1",
    "1!0.1",
]


@pytest.mark.parametrize(
    ("version", "four"),
    [
        ("1.0", "1.0.0.0"),
        ("0.2.0rc1", "0.2.0.0"),
        ("1.2.3.post1", "1.2.3.1"),
        ("1.2.3.4", "1.2.3.4"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("2026.12.70000", "2026.12.65535.0"),
        ("3", "3.0.0.0"),
        ("1.0+build.7", "1.0.0.0"),
    ],
)
def test_any_pep440_version_gives_four_numbers(version: str, four: str) -> None:
    assert versions.vi_version(version) == four


def _nsis_order(a: str, b: str) -> int:
    """${VersionCompare} on whole numbers without leading zeros: number by number."""
    left, right = ([int(n) for n in key.split(".")] for key in (a, b))
    return (left > right) - (left < right)


def test_version_key_orders_as_pep440() -> None:
    for older, newer in itertools.combinations(ORDERED, 2):
        assert Version(older) < Version(newer)
        key_old, key_new = versions.version_key(older), versions.version_key(newer)
        assert _nsis_order(key_old, key_new) == -1, (older, newer, key_old, key_new)
    assert _nsis_order(versions.version_key("1.0"), versions.version_key("1.0.0")) == 0


def test_version_key_fits_nsis_comparison() -> None:
    """VersionCompare prefixes "1" to each number and compares 32-bit integers."""
    for version in [*ORDERED, "1.0.dev20261207", "99999999999.0"]:
        key = versions.version_key(version)
        assert re.fullmatch(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){10}", key), key
        assert all(int("1" + n) < 2**31 for n in key.split("."))


def test_a_version_that_is_not_pep440_is_refused() -> None:
    with pytest.raises(ValueError, match="PEP 440"):
        versions.makensis_defines("1.0-beta-final!")
    with pytest.raises(ValueError):
        versions.version_key("1.2.3.4.5.6.7")


def test_makensis_defines() -> None:
    assert versions.makensis_defines("0.2.0rc1") == {
        "VERSION": "0.2.0rc1",
        "VI_VERSION": "0.2.0.0",
        "VERSION_KEY": "0.0.2.0.0.0.0.3.1.0.999999999",
    }


# --- notices -----------------------------------------------------------------------------


def _sections(text: str) -> dict[str, str]:
    """Title → body of each «=====» section of the notices."""
    parts = re.split(rf"^{notices.RULE}\n(.+)\n{notices.RULE}\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.fixture(scope="module")
def rendered() -> tuple[str, dict[str, str]]:
    found = notices.collect()
    text = notices.render(found)
    return text, _sections(text)


def _section_of(sections: dict[str, str], name: str) -> str:
    dist = notices.metadata.distribution(name)
    return sections[f"{dist.metadata['Name']} {dist.version}"]


def test_notices_name_the_installed_distributions(rendered: tuple[str, dict[str, str]]) -> None:
    text, sections = rendered
    for name in ("PySide6", "SQLAlchemy", "openpyxl", "reportlab", "alembic", "pillow"):
        version = notices.metadata.version(name)
        assert re.search(rf"^  {re.escape(name)} {re.escape(version)} — ", text, re.M | re.I)
    assert "metodaktiv" not in {title.split()[0].lower() for title in sections}
    assert "pytest" not in text.lower()  # the test tools are not shipped


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("SQLAlchemy", "Permission is hereby granted, free of charge"),
        ("openpyxl", "Permission is hereby granted, free of charge"),
        ("reportlab", "Redistribution and use in source and binary forms"),
    ],
)
def test_notices_carry_the_licence_texts(
    rendered: tuple[str, dict[str, str]], name: str, phrase: str
) -> None:
    _text, sections = rendered
    section = _section_of(sections, name)
    assert "--- " in section  # the distribution's own licence file, verbatim
    assert phrase in " ".join(section.split())


def test_notices_carry_the_lgpl_for_qt(rendered: tuple[str, dict[str, str]]) -> None:
    text, sections = rendered
    for name in ("PySide6", "PySide6_Essentials", "shiboken6"):
        section = _section_of(sections, name)
        assert "LGPL-3.0" in section
    lgpl = (INSTALLER / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8").strip()
    gpl = (INSTALLER / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8").strip()
    assert sections["LGPL-3.0"].strip() == lgpl
    assert sections["GPL-3.0"].strip() == gpl
    rule = notices.RULE
    assert text.count(f"{rule}\nLGPL-3.0\n{rule}") == 1  # once, not per package
    qt = sections["Qt и PySide6: LGPL-3.0"]
    assert "Как заменить библиотеки Qt" in qt
    assert notices.metadata.version("PySide6") in qt
    assert "_internal\\PySide6" in qt
    assert "SIL Open Font License" in text  # the fonts the documents embed


def test_bundle_notices_name_the_qt_folder_and_python(tmp_path: Path) -> None:
    qt_dir = tmp_path / "bundle" / "_internal" / "PySide6"
    qt_dir.mkdir(parents=True)
    (qt_dir / "Qt6Core.dll").write_bytes(b"MZ")
    out = tmp_path / "bundle" / "THIRD-PARTY-NOTICES.txt"
    # a module in the bundle's archive that no declared dependency brings (here pytest's)
    notices.generate(out, bundle=tmp_path / "bundle", modules={"_pytest.fixtures"}, crlf=True)
    data = out.read_bytes()
    assert b"\r\n" in data and b"\n\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8").replace("\r\n", "\n")
    assert "в подпапке _internal\\PySide6 " in text
    assert re.search(r"^  pytest \S+ — MIT$", text, re.M)
    if notices.python_licence() is not None:
        assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text


def test_distributions_providing_modules() -> None:
    found = notices.distributions_providing(["sqlalchemy.orm.session", "PySide6", "json"])
    assert {notices.canonicalize_name(n) for n in found} >= {"sqlalchemy", "pyside6"}
    assert all("json" not in n.lower() for n in found)  # the standard library is no package


def test_a_distribution_without_licence_text_stops_the_notices(tmp_path: Path) -> None:
    info = tmp_path / "closed-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: closed\nVersion: 1.0\nLicense: Proprietary\n",
        encoding="utf-8",
    )
    (info / "RECORD").write_text("closed-1.0.dist-info/METADATA,,\n", encoding="utf-8")
    with pytest.raises(notices.NoticeError, match="closed"):
        notices.notice_for(notices.metadata.PathDistribution(info))


def test_wheel_notices_are_current() -> None:
    """THIRD-PARTY-NOTICES.txt (the wheel's copy, pyproject license-files) names every
    distribution the program needs: after a change of dependencies run
    `python installer/notices.py`."""
    committed = (ROOT / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    listed = {
        notices.canonicalize_name(line.split()[0])
        for line in committed.split("\n\n")[2].splitlines()[1:]
    }
    needed = {
        notices.canonicalize_name(d.metadata["Name"])
        for d in notices.runtime_distributions(notices.project_requirements())
    }
    assert needed <= listed, f"обновите THIRD-PARTY-NOTICES.txt: нет {sorted(needed - listed)}"


# --- the NSIS script ---------------------------------------------------------------------

MAKENSIS = shutil.which("makensis")
needs_makensis = pytest.mark.skipif(MAKENSIS is None, reason="makensis is not installed")


def _payload(folder: Path, *, with_program: bool = True) -> Path:
    """A stand-in of the one-folder bundle: the files the script takes, tiny."""
    (folder / "_internal" / "resources" / "icons").mkdir(parents=True)
    shutil.copy(
        ROOT / "resources" / "icons" / "metodaktiv.ico",
        folder / "_internal" / "resources" / "icons",
    )
    names = ["metodaktiv-cli.exe", "LICENSE.txt", "THIRD-PARTY-NOTICES.txt"]
    if with_program:
        names.append("metodaktiv.exe")
    for name in names:
        (folder / name).write_bytes(b"stand-in\r\n")
    return folder


def _makensis(version: str, payload: Path, out: Path) -> subprocess.CompletedProcess[str]:
    assert MAKENSIS is not None
    defines = [f"-D{k}={v}" for k, v in versions.makensis_defines(version).items()]
    return subprocess.run(
        [MAKENSIS, "-V2", *defines, f"-DSOURCE_DIR={payload}", f"-DOUTFILE={out}", str(NSI)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _fixed_file_version(exe: Path) -> tuple[int, int, int, int]:
    """The product version of a Windows executable's VS_FIXEDFILEINFO."""
    data = exe.read_bytes()
    at = data.index(struct.pack("<I", 0xFEEF04BD))
    product_ms, product_ls = struct.unpack_from("<II", data, at + 16)
    return product_ms >> 16, product_ms & 0xFFFF, product_ls >> 16, product_ls & 0xFFFF


@needs_makensis
@pytest.mark.parametrize("version", ["1.0", "0.2.0rc1", "1.2.3.post1", "2!3.4.dev5"])
def test_makensis_compiles_any_version(tmp_path: Path, version: str) -> None:
    out = tmp_path / f"setup-{version}.exe"
    done = _makensis(version, _payload(tmp_path / "payload"), out)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ"
    assert _fixed_file_version(out) == versions.vi_numbers(version)


@needs_makensis
def test_makensis_refuses_a_payload_without_the_program(tmp_path: Path) -> None:
    """The shortcuts point at metodaktiv.exe: a payload without it does not compile."""
    out = tmp_path / "setup.exe"
    done = _makensis("1.0", _payload(tmp_path / "payload", with_program=False), out)
    assert done.returncode != 0
    assert "metodaktiv.exe" in done.stdout + done.stderr
    assert not out.exists()


def test_installer_looks_for_the_mutex_the_program_holds() -> None:
    from desktop_app.single_instance_win import MUTEX_NAME, hold_running_mark

    script = NSI.read_text(encoding="utf-8")
    assert f'!define MUTEX_NAME "{MUTEX_NAME}"' in script
    hold_running_mark()  # elsewhere than Windows: nothing, and no error


def test_installer_texts_need_no_declension_of_the_name() -> None:
    """The stock Russian pages decline nothing («мастер установки Методактив»): every page
    text that would carry the name is the script's own."""
    script = NSI.read_text(encoding="utf-8")
    for define in (
        "MUI_WELCOMEPAGE_TITLE",
        "MUI_WELCOMEPAGE_TEXT",
        "MUI_LICENSEPAGE_TEXT_BOTTOM",
        "MUI_DIRECTORYPAGE_TEXT_TOP",
        "MUI_DIRECTORYPAGE_TEXT_DESTINATION",
        "MUI_FINISHPAGE_TITLE",
        "MUI_FINISHPAGE_TEXT",
        "MUI_ABORTWARNING_TEXT",
        "MUI_UNCONFIRMPAGE_TEXT_TOP",
    ):
        assert f"!define {define} " in script, define
    assert script.count("!define MUI_PAGE_HEADER_TEXT") == 5
    assert 'Caption "Программа установки: ${APP_NAME}' in script
    assert "мастер" not in script
