"""What each setting means and what it may hold; which of the centre's requisites are still the
shipped placeholders (no SQLAlchemy here: the window's start reads them through plain SQL)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from desktop_app import paths

TEXT, NUMBER, INTEGER, PRESET, OKTMO = "text", "number", "integer", "preset", "oktmo"
MAX_TEXT = 500
ORDER_NUMBER_PREFIX = "last_number_"

# The centre's requisites, in the order they are shown and asked for.
REQUISITES = (
    "authority", "centre_name", "centre_short", "municipality", "place", "head_position",
    "head_last", "head_first", "head_middle", "executor",
)
# Placeholders while empty or equal to the shipped text: generic names no centre is called.
SHIPPED_PLACEHOLDERS = ("authority", "centre_name", "centre_short", "municipality")
# Placeholders only while empty: «Директор» is a real position, and a head may have no
# patronymic (head_middle may stay empty).
MUST_BE_FILLED = ("place", "head_position", "head_last", "head_first")
# The executor mark is printed on orders only.
ORDER_ONLY = ("executor",)


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its Russian description, the kind of value, its range, its default."""

    key: str
    title: str
    kind: str = TEXT
    low: float = 0.0
    high: float = 0.0
    default: str = ""
    required: bool = False


@dataclass(frozen=True)
class SettingRow:
    """A setting as `settings show` lists it."""

    key: str
    title: str
    value: str
    stored: bool
    placeholder: bool


class SettingRefused(Exception):
    """A value the setting cannot take; the message says why, in Russian."""


class UnknownSetting(SettingRefused):
    """No such setting (a usage error)."""


_SPECS = (
    SettingSpec("authority", "Вышестоящий орган управления образованием", required=True),
    SettingSpec("centre_name", "Полное наименование центра", required=True),
    SettingSpec("centre_short", "Краткое наименование центра (в тексте документов)",
                required=True),
    SettingSpec("municipality", "Муниципальное образование", required=True),
    SettingSpec("place", "Место издания документов («г. Заречный»)", required=True),
    SettingSpec("head_position", "Должность руководителя центра", required=True),
    SettingSpec("head_last", "Фамилия руководителя", required=True),
    SettingSpec("head_first", "Имя руководителя", required=True),
    SettingSpec("head_middle", "Отчество руководителя (если есть)"),
    SettingSpec("executor", "Исполнитель приказов (ФИО, телефон)", required=True),
    SettingSpec("municipality_genitive",
                "Муниципальное образование в родительном падеже («Заречного муниципального "
                "округа»)", required=True),
    SettingSpec("oktmo", "Код ОКТМО муниципального образования (8 или 11 цифр, если известен)",
                OKTMO),
    SettingSpec("ground_preset", "Действующий перечень оснований включения в актив (код)",
                PRESET),
    SettingSpec("mentee_limit", "Наставляемых на одного наставника, не более", INTEGER, 1, 20,
                "3"),
    SettingSpec("item_deficit_max", "Дефицит по пункту диагностики: балл не выше", NUMBER, 1, 5,
                "2"),
    SettingSpec("area_deficit_max", "Дефицитная область: средний балл не выше", NUMBER, 1, 5,
                "2.5"),
    SettingSpec("area_strength_min", "Сильная область: средний балл не ниже", NUMBER, 1, 5,
                "4.5"),
    SettingSpec("external_deficit_below", "Дефицит по внешней оценке: выполнено меньше, %",
                NUMBER, 0, 100, "50"),
    SettingSpec("backup_daily_keep", "Резервные копии: хранить все копии последних дней, дней",
                INTEGER, 1, 365, "10"),
    SettingSpec("backup_monthly_keep", "Резервные копии: хранить по копии месяца, месяцев",
                INTEGER, 0, 120, "12"),
    # the defaults of ГОСТ Р 7.0.97, as reports/layout.py DEFAULT_MARGINS_MM
    SettingSpec("margin_left_mm", "Поле страницы слева, мм", NUMBER, 5, 50, "20"),
    SettingSpec("margin_right_mm", "Поле страницы справа, мм", NUMBER, 5, 50, "10"),
    SettingSpec("margin_top_mm", "Поле страницы сверху, мм", NUMBER, 5, 50, "20"),
    SettingSpec("margin_bottom_mm", "Поле страницы снизу, мм", NUMBER, 5, 50, "20"),
)
SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in _SPECS}


@cache
def shipped_defaults() -> dict[str, str]:
    """The settings a new database gets (resources/presets/settings.json)."""
    data: dict[str, Any] = json.loads(
        paths.resource("presets", "settings.json").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["settings"].items()}


def spec_for(key: str) -> SettingSpec | None:
    """The description of a setting `settings set` may change; None for any other key."""
    if key in SPECS:
        return SPECS[key]
    if key in shipped_defaults():  # a setting shipped after this list was written: plain text
        return SettingSpec(key, "Настройка из поставки", default=shipped_defaults()[key])
    return None


def settable_keys() -> list[str]:
    """Every key `settings set` accepts, requisites first."""
    return list(SPECS) + [k for k in shipped_defaults() if k not in SPECS]


def describe(key: str) -> str:
    """The Russian description of any stored key ("" for one this program does not know)."""
    spec = spec_for(key)
    if spec is not None:
        return spec.title
    if key.startswith(ORDER_NUMBER_PREFIX):
        kind = key[len(ORDER_NUMBER_PREFIX):]
        return f"Последний номер приказа {kind} до журнала приказов (только для чтения)"
    return ""


def label(key: str) -> str:
    """The short name of a setting as the settings window labels its field (no example)."""
    spec = spec_for(key)
    return spec.title.partition(" (")[0] if spec is not None else key


def _clean(text: str) -> str:
    return " ".join(text.split())


def placeholders(values: Mapping[str, str], for_order: bool = False) -> list[str]:
    """The requisites still to fill (empty, or the shipped generic text), in REQUISITES order;
    the executor counts only for an order."""
    shipped = shipped_defaults()
    missing = []
    for key in REQUISITES:
        if key in ORDER_ONLY and not for_order:
            continue
        value = _clean(values.get(key, ""))
        if key in SHIPPED_PLACEHOLDERS:
            if not value or value == _clean(shipped.get(key, "")):
                missing.append(key)
        elif (key in MUST_BE_FILLED or key in ORDER_ONLY) and not value:
            missing.append(key)
    return missing


def listing(values: Mapping[str, str]) -> list[SettingRow]:
    """Every setting with its description and value: the requisites, then the rest of the
    known settings, then any other stored key (remembered numbers and the like)."""
    missing = set(placeholders(values, for_order=True))
    keys = settable_keys() + sorted(k for k in values if spec_for(k) is None)
    rows = []
    for key in keys:
        spec = spec_for(key)
        default = spec.default if spec is not None else ""
        rows.append(SettingRow(key, describe(key), values.get(key, default), key in values,
                               key in missing))
    return rows


def normalise(key: str, value: str) -> str:
    """The value as it is stored (text trimmed, numbers with a dot); SettingRefused when it
    cannot be, UnknownSetting for a key `settings set` does not change. The preset code is
    checked against the database by services.settings.change."""
    spec = spec_for(key)
    if spec is None:
        if key.startswith(ORDER_NUMBER_PREFIX):
            raise SettingRefused(
                f"Настройка {key} только для чтения: номер приказа задаёт журнал приказов "
                "(первый номер — параметр --number команды report).")
        raise UnknownSetting(f"неизвестная настройка «{key}»; настройки: "
                             + ", ".join(settable_keys()))
    if spec.kind in (NUMBER, INTEGER):
        return _number(spec, value)
    text = _clean(value)
    if spec.kind == OKTMO:
        return _oktmo(text)
    if not text and (spec.required or spec.kind == PRESET):
        raise SettingRefused(f"Настройка {key} («{spec.title}») не может быть пустой.")
    if len(text) > MAX_TEXT:
        raise SettingRefused(f"Настройка {key} («{spec.title}»): текст длиннее {MAX_TEXT} "
                             "знаков.")
    return text


def _number(spec: SettingSpec, value: str) -> str:
    text = value.strip().replace(",", ".").replace("\u00a0", "")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    bounds = f"от {_plain(spec.low)} до {_plain(spec.high)}"
    if math.isnan(number) or math.isinf(number):
        what = "целое число" if spec.kind == INTEGER else "число"
        raise SettingRefused(f"Настройка {spec.key} («{spec.title}»): нужно {what} {bounds}, "
                             f"а указано «{value}».")
    if spec.kind == INTEGER and not number.is_integer():
        raise SettingRefused(f"Настройка {spec.key} («{spec.title}»): нужно целое число "
                             f"{bounds}, а указано «{value}».")
    if not spec.low <= number <= spec.high:
        raise SettingRefused(f"Настройка {spec.key} («{spec.title}»): значение {_plain(number)} "
                             f"вне пределов — нужно {bounds}.")
    return _plain(number)


def _plain(number: float) -> str:
    """12.0 → «12», 2.50 → «2.5» (as stored; the readers accept a dot)."""
    number = float(number)
    return str(int(number)) if number.is_integer() else format(number, "g")


def _now_text(key: str, values: Mapping[str, str]) -> str:
    value = _clean(values.get(key, ""))
    return f"сейчас образец «{value}»" if value else "не заполнено"


def _quoted(text: str) -> str:
    return f'"{text}"' if any(ch.isspace() for ch in text) else text


def cli_refusal(missing: list[str], values: Mapping[str, str], db: str | None) -> str:
    """Why a document is not printed from the command line, with a command per requisite."""
    program = "metodaktiv" + (f" --db {_quoted(db)}" if db else "")
    lines = ["Документ не сформирован: в настройках не заполнены реквизиты центра (пусто или "
             "стоит образец из поставки). Заполните их:"]
    for key in missing:
        lines.append(f'  {program} settings set {key} "…"   — {SPECS[key].title} '
                     f"({_now_text(key, values)})")
    lines.append(f"Все настройки: {program} settings show")
    return "\n".join(lines)


def window_refusal(missing: list[str]) -> str:
    """Why a document is not printed from the window, naming the fields to fill."""
    names = ", ".join(f"«{label(key)}»" for key in missing)
    return ("Документ не сформирован: в настройках не заполнены реквизиты центра (пусто или "
            f"стоит образец из поставки) — {names}. Заполните их: «Сервис → Настройки…», "
            "вкладка «Муниципалитет и центр».")


def _oktmo(text: str) -> str:
    """An ОКТМО code: 8 digits (a municipality) or 11 (a settlement in it); "" when unknown."""
    digits = text.replace(" ", "")
    if digits and (not digits.isdigit() or len(digits) not in (8, 11)):
        raise SettingRefused(f"Код ОКТМО «{text}»: нужны 8 или 11 цифр (например, 69741000), "
                             "или оставьте пустым, если код неизвестен.")
    return digits
