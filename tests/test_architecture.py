"""The shape of the code: Qt only in the window package, text files read as UTF-8."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop_app"
QT_ALLOWED: set[Path] = set()


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_outside_the_window_package() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts
        and path not in QT_ALLOWED
        and any(name.split(".")[0] == "PySide6" for name in imported_modules(path))
    ]
    assert offenders == []


def test_text_files_are_opened_with_an_encoding() -> None:
    """Windows reads text in the ANSI code page unless told: every open names its encoding."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            text_io = name in ("read_text", "write_text") or (name == "open" and _text_mode(node))
            if text_io and not any(k.arg == "encoding" for k in node.keywords):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def _text_mode(node: ast.Call) -> bool:
    """open(path, "r") or path.open("w"): a file opened in text mode (not "rb", not a dialog)."""
    if isinstance(node.func, ast.Name):
        mode_args = node.args[1:2]
    elif (
        node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    ):
        mode_args = node.args[:1]
    else:
        return False
    modes = [a.value for a in mode_args if isinstance(a, ast.Constant)]
    modes += [
        k.value.value
        for k in node.keywords
        if k.arg == "mode" and isinstance(k.value, ast.Constant)
    ]
    return not any("b" in str(m) for m in modes)
