"""The change log's recording: every ORM insert, update and delete in a session of a factory
attached here goes into change_log in the same transaction (the bulk writers and the history
are in services.changelog, which re-exports these)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker

from desktop_app.model import Base, ChangeLog

PENDING_KEY = "changelog_pending"
ENABLED_KEY = "changelog"
SOURCE_KEY = "changelog_source"

# Keys derived from the names: neither recorded nor shown (the sort key's control characters
# would also turn up in a search of the journal); nor is a record's count of its saves
# (row_version, services/record_versions.py), which is no value of the record.
HIDDEN_COLUMNS = {"search_key", "sort_key", "row_version"}


# recording ---------------------------------------------------------------------------------
def to_json(values: dict[str, Any]) -> str:
    """The JSON text of an entry's values (orjson: a fifth of json's time, which counts at the
    377 000 entries of a region's book); what orjson does not take (an integer past 64 bits)
    goes through json."""
    try:
        return orjson.dumps(values).decode()
    except orjson.JSONEncodeError:
        return json.dumps(values, ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _record_id(mapper: Mapper[Any], target: Any) -> int:
    """The integer key of the row (the first integer primary-key column), 0 when it has none."""
    for column in mapper.primary_key:
        value = getattr(target, mapper.get_property_by_column(column).key, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _key_values(mapper: Mapper[Any], target: Any) -> dict[str, Any]:
    """Primary-key columns of tables without a plain «id», so their rows stay identifiable."""
    keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
    if keys == ["id"]:
        return {}
    return {key: _jsonable(getattr(target, key, None)) for key in keys}


def _all_values(mapper: Mapper[Any], target: Any) -> dict[str, Any]:
    values = {}
    for attr in mapper.column_attrs:
        value = target.__dict__.get(attr.key)
        if value not in (None, "") and attr.key != "id" and attr.key not in HIDDEN_COLUMNS:
            values[attr.key] = _jsonable(value)
    return values


def _changed_values(target: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    state = inspect(target)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if attr.key in HIDDEN_COLUMNS or (not history.added and not history.deleted):
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after:
            continue
        old[attr.key] = _jsonable(before)
        new[attr.key] = _jsonable(after)
    return old, new


def _queue(connection: Any, target: Any, entry: dict[str, Any]) -> None:
    session = Session.object_session(target)
    if session is None or not session.info.get(ENABLED_KEY):
        return
    entry["source"] = session.info.get(SOURCE_KEY, "")
    session.info.setdefault(PENDING_KEY, []).append(entry)


def _entry(mapper: Mapper[Any], target: Any, action: str, old: dict[str, Any],
           new: dict[str, Any]) -> dict[str, Any]:
    keys = _key_values(mapper, target)
    if action != "insert":
        old = {**keys, **old}
    if action != "delete":
        new = {**keys, **new}
    return {
        "changed_at": datetime.now().replace(microsecond=0),
        "table_name": mapper.persist_selectable.description,
        "record_id": _record_id(mapper, target),
        "action": action,
        "old_values": to_json(old) if old else "",
        "new_values": to_json(new) if new else "",
    }


def _after_insert(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    if isinstance(target, ChangeLog):
        return
    _queue(connection, target, _entry(mapper, target, "insert", {}, _all_values(mapper, target)))


def _after_update(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    if isinstance(target, ChangeLog):
        return
    old, new = _changed_values(target)
    if old or new:
        _queue(connection, target, _entry(mapper, target, "update", old, new))


def _after_delete(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    if isinstance(target, ChangeLog):
        return
    _queue(connection, target, _entry(mapper, target, "delete", _all_values(mapper, target), {}))


def _write_pending(session: Session, _flush_context: Any) -> None:
    """Write what this flush changed into change_log, in the same transaction."""
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        session.connection().execute(insert(ChangeLog), pending)


def _forget_pending(session: Session, *_args: Any) -> None:
    session.info.pop(PENDING_KEY, None)


_mapper_events_installed = False


def _install_mapper_events() -> None:
    global _mapper_events_installed
    if _mapper_events_installed:
        return
    event.listen(Base, "after_insert", _after_insert, propagate=True)
    event.listen(Base, "after_update", _after_update, propagate=True)
    event.listen(Base, "after_delete", _after_delete, propagate=True)
    _mapper_events_installed = True


def attach(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Make every session of this factory record its ORM changes in change_log."""
    _install_mapper_events()
    factory.kw.setdefault("info", {})[ENABLED_KEY] = True
    event.listen(factory, "after_flush", _write_pending)
    event.listen(factory, "after_rollback", _forget_pending)
    return factory
