"""argparse speaks Russian: wrong usage of the commands prints only Russian and exits with 2."""

from __future__ import annotations

import re

import pytest

from desktop_app import argparse_ru
from desktop_app.cli import main

ENGLISH = ("usage", "error", "invalid", "choose", "required", "argument", "expected",
           "unrecognized", "options", "positional", "show this", "value")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err


def latin_left(text: str) -> list[str]:
    """Latin words that are not the program's name, an option, a choice or the user's input."""
    text = re.sub(r"«[^»]*»|'[^']*'|\{[^}]*\}|--?[\w-]+|metodaktiv( [a-z]+)?|[\w.]*\.xlsx",
                  " ", text)
    text = re.sub(r"\b(ГОСТ|PDF|DOCX|XLSX|JSON|URL|SQLAlchemy|SQLite|Excel|Word)\b", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize(("argv", "said"), [
    (("demo", "--scale", "wrong", "--out", "x.sqlite"), "недопустимое значение «wrong»"),
    (("demo",), "не указаны обязательные аргументы: --out"),
    (("demo", "--out", "x.sqlite", "--seed", "abc"), "ожидается целое число, а указано «abc»"),
    (("import", "a.xlsx", "b.xlsx"), "лишние или неизвестные аргументы: b.xlsx"),
    (("nosuch",), "аргумент КОМАНДА: недопустимое значение «nosuch»"),
    (("--db",), "аргумент --db: нужно указать значение"),
    (("template", "people"), "не указаны обязательные аргументы: --out"),
    (("template", "kittens", "--out", "x.xlsx"), "недопустимое значение «kittens»"),
    (("indicators", "--year", "двадцать"), "ожидается целое число"),
    (("report", "annual", "--out", "a.pdf", "--date", "31.02.2024"), "невозможна"),
    (("check", "--bogus"), "лишние или неизвестные аргументы: --bogus"),
])
def test_wrong_usage_is_told_in_russian(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                        said: str) -> None:
    code, text = run(capsys, *argv)
    assert code == 2
    assert said in text, text
    assert text.startswith("использование: metodaktiv")
    assert "ошибка:" in text
    lowered = text.lower()
    assert not [w for w in ENGLISH if w in lowered], text
    assert latin_left(text) == [], text


@pytest.mark.parametrize("argv", [("-h",), ("demo", "-h"), ("restore", "-h"), ("report", "-h")])
def test_help_is_russian(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, text = run(capsys, *argv)
    assert code == 0
    assert text.startswith("использование: metodaktiv")
    assert "параметры:" in text and "показать эту справку и выйти" in text
    assert not [w for w in ENGLISH if w in text.lower()], text
    assert latin_left(text.split("\n\n", 1)[0]) == []  # the usage lines: metavars in Russian


def test_every_message_of_this_python_is_translated() -> None:
    """The message ids argparse of the running Python uses all have a Russian text."""
    import argparse
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(argparse))
    ids = {node.args[0].value for node in ast.walk(tree)
           if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
           and node.func.id in ("_", "ngettext") and isinstance(node.args[0], ast.Constant)}
    missing = ids - set(argparse_ru.MESSAGES) - set(argparse_ru.PLURALS)
    assert not missing
    assert argparse_ru.ngettext("expected %s argument", "expected %s arguments", 2) % 2 == \
        "нужно указать значений: 2"
