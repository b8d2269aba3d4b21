"""Diagnostic instruments: how the documents word their items and scales, read from the
instrument files (reading, checking and storing the files is store/instrument_files.py, whose
names are this module's as well)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.store.instrument_files import (
    DEFAULT_SCALE as DEFAULT_SCALE,
    InstrumentFileError as InstrumentFileError,
    InstrumentSpec as InstrumentSpec,
    ItemSpec as ItemSpec,
    instrument_files as instrument_files,
    load_instruments as load_instruments,
    parse_instrument as parse_instrument,
    sync_instruments as sync_instruments,
    user_instruments_dir as user_instruments_dir,
)


def scale_labels(code: str, version: str) -> dict[int, str]:
    """The scale labels of an instrument, read from its file (the standard ones otherwise)."""
    for path in instrument_files():
        try:
            spec = parse_instrument(path)
        except InstrumentFileError:
            continue
        if spec.code == code and spec.version == version:
            return spec.scale
    return dict(DEFAULT_SCALE)


@dataclass(frozen=True)
class ItemWording:
    """The deficit and task wording of one item, as its instrument file gives them."""

    deficit: str
    task: str


def item_wordings() -> dict[tuple[str, str, str], ItemWording]:
    """(instrument code, version, item code) → the item's deficit and task wording, from every
    readable instrument file (a user's file may reword the shipped items; an empty field keeps
    the wording found before it). Items without either field are left out."""
    found: dict[tuple[str, str, str], ItemWording] = {}
    for path in instrument_files():
        try:
            spec = parse_instrument(path)
        except InstrumentFileError:
            continue
        for item in spec.items:
            key = (spec.code, spec.version, item.code)
            before = found.get(key, ItemWording("", ""))
            wording = ItemWording(item.deficit or before.deficit, item.task or before.task)
            if wording.deficit or wording.task:
                found[key] = wording
    return found


def labour_function_names() -> dict[str, str]:
    """Codes and names of labour functions of the professional standard, from all files."""
    names: dict[str, str] = {}
    for path in instrument_files():
        try:
            names.update(parse_instrument(path).labour_functions)
        except InstrumentFileError:
            continue
    return names
