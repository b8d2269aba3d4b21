"""argparse's own words in Russian: usage, headings, errors (Python 3.10–3.13 message ids).

argparse looks its texts up through the module globals `_` and `ngettext` (bound to gettext's
functions when it is imported) at the moment it needs them. Replacing those two names is the
one way that works on every Python the program supports without a compiled .mo catalogue and
without changing gettext's global text domain for everybody else.
"""

from __future__ import annotations

import argparse

MESSAGES = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "optional arguments": "параметры",  # Python 3.9
    "subcommands": "команды",
    "%(heading)s:": "%(heading)s:",
    "show this help message and exit": "показать эту справку и выйти",
    "show program's version number and exit": "показать версию программы и выйти",
    " (default: %(default)s)": " (по умолчанию: %(default)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: предупреждение: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "аргумент %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "не указаны обязательные аргументы: %s",
    "one of the arguments %s is required": "нужен один из аргументов: %s",
    "unrecognized arguments: %s": "лишние или неизвестные аргументы: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "недопустимое значение «%(value)s» (выберите из: %(choices)s)",
    "invalid %(type)s value: %(value)r": "недопустимое значение «%(value)s» (нужен тип %(type)s)",
    "expected one argument": "нужно указать значение",
    "expected at most one argument": "можно указать не больше одного значения",
    "expected at least one argument": "нужно указать хотя бы одно значение",
    "not allowed with argument %s": "нельзя указывать вместе с %s",
    "ignored explicit argument %r": "лишнее значение %r",
    "ambiguous option: %(option)s could match %(matches)s":
        "неоднозначный параметр %(option)s: подходят %(matches)s",
    "unexpected option string: %s": "неожиданный параметр: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "неизвестная команда «%(parser_name)s» (выберите из: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "не удалось открыть «%(filename)s»: %(error)s",
    "%r is not callable": "%r нельзя вызвать",
    "argument \"-\" with mode %r": "аргумент «-» с режимом %r",
    "'required' is an invalid argument for positionals":
        "«required» нельзя задавать позиционным аргументам",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "неверный параметр %(option)r: он должен начинаться с %(prefix_chars)r",
    "dest= is required for options like %r": "для параметров вида %r нужен dest=",
    "invalid conflict_resolution value: %r": "недопустимое значение conflict_resolution: %r",
    "mutually exclusive arguments must be optional":
        "взаимоисключающие аргументы должны быть необязательными",
    "cannot have multiple subparser arguments": "команды можно задать только один раз",
    "cannot merge actions - two groups are named %r":
        "нельзя объединить группы: две группы называются %r",
    "conflicting subparser: %s": "команда уже есть: %s",
    "conflicting subparser alias: %s": "псевдоним команды уже есть: %s",
    ".__call__() not defined": ".__call__() не определён",
    "argument '%(argument_name)s' is deprecated": "аргумент «%(argument_name)s» устарел",
    "option '%(option)s' is deprecated": "параметр «%(option)s» устарел",
    "command '%(parser_name)s' is deprecated": "команда «%(parser_name)s» устарела",
}
PLURALS = {
    "expected %s argument": "нужно указать значений: %s",
    "conflicting option string: %s": "параметр уже есть: %s",
}
# A value argparse could not convert with type=…: said in words, not as a Python type name.
TYPE_WORDS: dict[object, str] = {int: "целое число", float: "число"}


def gettext(message: str) -> str:
    """The Russian text of one of argparse's messages (others are given back unchanged)."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural messages: the Russian text does not depend on the number."""
    return PLURALS.get(singular, singular if n == 1 else plural)


def install() -> None:
    """Make argparse speak Russian in this process."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def typed_value_error(action: argparse.Action, text: str) -> argparse.ArgumentError | None:
    """«ожидается целое число» for a value type=int could not read; None for other types."""
    word = TYPE_WORDS.get(action.type)
    if word is None:
        return None
    return argparse.ArgumentError(action, f"ожидается {word}, а указано «{text}»")
