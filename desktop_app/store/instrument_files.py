"""Diagnostic instruments as JSON files (shipped in resources/instruments and the user's own in
the data folder): read, checked and stored in the database; a new database gets them with the
other shipped presets (store/presets_seed.py). How the documents word an item is in
services/instruments.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app import paths
from desktop_app.model import Instrument, InstrumentItem
from desktop_app.model.enums import CompetenceArea

DEFAULT_SCALE = {
    1: "не владею",
    2: "владею частично, нуждаюсь в помощи",
    3: "владею, но испытываю затруднения в отдельных ситуациях",
    4: "владею уверенно",
    5: "владею свободно, могу научить других",
}


class InstrumentFileError(ValueError):
    """A malformed instrument file (the message is in Russian and names the file and field)."""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    area: str
    labour_function: str
    text: str
    # How a document words a low score on the item: the deficit in the third person
    # («испытывает затруднения в …») and the task of a route («Освоить …»); optional fields.
    deficit: str = ""
    task: str = ""


@dataclass(frozen=True)
class InstrumentSpec:
    code: str
    version: str
    name: str
    kind: str
    source: str
    scale_min: int
    scale_max: int
    scale: dict[int, str]
    labour_functions: dict[str, str]
    items: tuple[ItemSpec, ...]
    path: Path


def user_instruments_dir() -> Path:
    """The folder where the user drops extra instrument files (created on demand)."""
    folder = paths.data_dir() / "instruments"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def instrument_files() -> list[Path]:
    """Shipped instrument files first, then the user's own, each set in name order."""
    shipped = sorted(paths.resources_dir().joinpath("instruments").glob("*.json"))
    return shipped + sorted(user_instruments_dir().glob("*.json"))


def _need(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise InstrumentFileError(f"{where}: не заполнено поле «{key}».")
    return str(value).strip()


def _item(raw: Any, number: int, name: str) -> ItemSpec:
    where = f"Файл «{name}», утверждение № {number}"
    if not isinstance(raw, dict):
        raise InstrumentFileError(f"{where}: ожидается объект с полями code, area, text.")
    area = _need(raw, "area", where)
    if area not in {a.value for a in CompetenceArea}:
        found = CompetenceArea.from_label(area)
        if found is None:
            raise InstrumentFileError(f"{where}: неизвестная область компетенций «{area}».")
        area = found.value
    return ItemSpec(
        code=_need(raw, "code", where),
        area=area,
        labour_function=str(raw.get("labour_function", "")).strip(),
        text=_need(raw, "text", where),
        deficit=_optional(raw, "deficit", where),
        task=_optional(raw, "task", where),
    )


def _optional(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InstrumentFileError(f"{where}: поле «{key}» должно быть текстом.")
    return " ".join(value.split())


def parse_instrument(path: Path) -> InstrumentSpec:
    """Read and check one instrument file; raises InstrumentFileError with a Russian message."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentFileError(f"Файл «{path.name}» не читается как JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InstrumentFileError(f"Файл «{path.name}»: ожидается объект JSON.")
    where = f"Файл «{path.name}»"
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise InstrumentFileError(f"{where}: нет списка утверждений «items».")
    items = tuple(_item(raw, n, path.name) for n, raw in enumerate(raw_items, start=1))
    codes = [i.code for i in items]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise InstrumentFileError(f"{where}: повторяются коды утверждений {', '.join(duplicates)}.")
    scale = {int(k): str(v) for k, v in (data.get("scale") or {}).items()} or DEFAULT_SCALE
    return InstrumentSpec(
        code=_need(data, "code", where),
        version=_need(data, "version", where),
        name=_need(data, "name", where),
        kind=str(data.get("kind", "self")),
        source=str(data.get("source", "")),
        scale_min=int(data.get("scale_min", 1)),
        scale_max=int(data.get("scale_max", 5)),
        scale=scale,
        labour_functions={str(k): str(v) for k, v in (data.get("labour_functions") or {}).items()},
        items=items,
        path=path,
    )


def _store(session: Session, spec: InstrumentSpec) -> None:
    row = session.scalar(
        select(Instrument).where(Instrument.code == spec.code, Instrument.version == spec.version)
    )
    if row is None:
        row = Instrument(
            code=spec.code, version=spec.version, name=spec.name, kind=spec.kind,
            scale_min=spec.scale_min, scale_max=spec.scale_max, source=spec.source,
        )
        session.add(row)
        session.flush()
    have = {i.code for i in row.items}
    start = max((i.position for i in row.items), default=0)
    for offset, item in enumerate((i for i in spec.items if i.code not in have), start=1):
        row.items.append(
            InstrumentItem(
                code=item.code, position=start + offset, area=item.area,
                labour_function=item.labour_function, text=item.text,
            )
        )


def sync_instruments(session: Session) -> list[str]:
    """Insert instruments and items from every file not yet in the database; return problems."""
    problems: list[str] = []
    for path in instrument_files():
        try:
            _store(session, parse_instrument(path))
        except InstrumentFileError as exc:
            problems.append(str(exc))
    session.flush()
    return problems


def load_instruments(session: Session) -> None:
    """Preset loader: a broken user file never stops a database from opening."""
    sync_instruments(session)
