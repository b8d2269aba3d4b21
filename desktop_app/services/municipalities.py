"""Municipalities: the database's own one (named by its settings) and, in a region's database,
the municipalities whose exchange workbooks were merged in; the municipality of each ОО."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_app.model import Municipality, Organisation
from desktop_app.services.requisites import SettingRefused, shipped_defaults
from desktop_app.store.presets_seed import load_municipality
from desktop_app.store.settings_store import get
from desktop_app.textutil import clean, fold, ru_sort_key


@dataclass(frozen=True)
class MunicipalityRow:
    """A municipality as lists show it: its ОО counted."""

    id: int
    name: str
    oktmo: str
    is_own: bool
    organisations: int


def _settings_name(session: Session) -> str:
    name = clean(get(session, "municipality", ""))
    return name or shipped_defaults().get("municipality", "Муниципальное образование")


def own(session: Session) -> Municipality:
    """The municipality of this database's settings; made, as a new database's presets make it
    (store.presets_seed.load_municipality), when a database has none (its exchange copy of a
    book written before municipalities were carried)."""
    load_municipality(session)
    session.flush()
    return session.scalars(select(Municipality).where(Municipality.is_own.is_(True))).one()


def own_id(session: Session) -> int:
    return own(session).id


def by_name(session: Session, name: str) -> Municipality | None:
    """The municipality of that name, compared folded (case, ё/е, spaces)."""
    key = fold(name)
    return next((m for m in session.scalars(select(Municipality)) if fold(m.name) == key), None)


def named(session: Session, name: str, oktmo: str = "") -> tuple[int, bool]:
    """The id of the municipality of that name (or ОКТМО code), added when missing; whether it
    was added."""
    if oktmo:
        found = session.scalars(select(Municipality).where(Municipality.oktmo == oktmo)).first()
        if found is not None:
            return found.id, False
    found = by_name(session, name)
    if found is not None:
        return found.id, False
    added = Municipality(name=" ".join(name.split()), oktmo=oktmo, is_own=False)
    session.add(added)
    session.flush()
    return added.id, True


def follow_settings(session: Session) -> None:
    """After the settings' municipality or ОКТМО changed: the own municipality takes them. A
    name another municipality of the database already has is refused (SettingRefused)."""
    mine = own(session)
    name, oktmo = _settings_name(session), get(session, "oktmo", "")
    other = by_name(session, name)
    if other is not None and other.id != mine.id:
        raise SettingRefused(f"Муниципалитет «{other.name}» уже есть в базе (его данные пришли "
                             "из книги обмена): выберите другое наименование.")
    mine.name, mine.oktmo = name, oktmo
    session.flush()


def fill_missing(session: Session, municipality_id: int | None = None) -> int:
    """Give every ОО without a municipality the given one (default: the own one); how many."""
    missing = session.scalar(select(func.count(Organisation.id)).where(
        Organisation.municipality_id.is_(None))) or 0
    if missing:
        target = own_id(session) if municipality_id is None else municipality_id
        session.execute(update(Organisation).where(Organisation.municipality_id.is_(None))
                        .values(municipality_id=target).execution_options(
                            synchronize_session=False))
    return int(missing)


def list_municipalities(session: Session) -> list[MunicipalityRow]:
    """Every municipality with its ОО counted: the own one first, the others in Russian order."""
    counts = dict(session.execute(select(Organisation.municipality_id, func.count(Organisation.id))
                                  .group_by(Organisation.municipality_id)).tuples().all())
    rows = [MunicipalityRow(m.id, m.name, m.oktmo, m.is_own, int(counts.get(m.id, 0)))
            for m in session.scalars(select(Municipality))]
    return sorted(rows, key=lambda r: (not r.is_own, ru_sort_key(r.name)))


def organisations_by_municipality(session: Session) -> list[tuple[int, str, frozenset[int]]]:
    """Each municipality that has ОО, in Russian order, with the ids of its ОО (a filter's
    choices)."""
    found: dict[int, set[int]] = {}
    for oid, mid in session.execute(select(Organisation.id, Organisation.municipality_id)):
        if mid is not None:
            found.setdefault(mid, set()).add(oid)
    names = dict(session.execute(select(Municipality.id, Municipality.name)).tuples().all())
    return sorted(((mid, names[mid], frozenset(ids)) for mid, ids in found.items()),
                  key=lambda m: ru_sort_key(m[1]))
