"""The lists come in the same order on SQLite and on PostgreSQL, whatever the database's collation.

people.sort_key (textutil.person_sort_key) sorts right by code points, as SQLite's BINARY does.
A PostgreSQL database created with an ICU ru-RU collation would sort it by that collation (the
list would begin with Щ): store.dialect gives such keys COLLATE "C" there. Each test runs on a
file, on a C.UTF-8 database and on an ICU ru-RU database of the session's server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.services import pairs, registry
from desktop_app.services.incomplete import incomplete_records
from desktop_app.services.validation import OrganisationInput, PersonInput, Refused
from desktop_app.store.database import Database, open_database

ON = date(2024, 9, 1)
# Russian order: ё right after е, capitals and small letters together, Latin after Cyrillic
PEOPLE = ["Абрамов", "Евсеев", "ежова", "Ежов", "Ёлкин", "Жуков", "Щукин", "Яковлев", "Smith"]
ORDER = ["Абрамов", "Евсеев", "Ежов", "ежова", "Ёлкин", "Жуков", "Щукин", "Яковлев", "Smith"]
# organisations by short name in code point order (SQLite's ORDER BY short_name)
ORGANISATIONS = ["лицей № 3", "СОШ № 2", "Гимназия № 1"]


@pytest.fixture(params=["sqlite", "C.UTF-8", "ru-RU"])
def base(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with the people and organisations above (in another order)."""
    server = name = None
    if request.param == "sqlite":
        database = open_database(tmp_path / "order.sqlite")
    else:
        server = request.getfixturevalue("pg_server")
        name = server.create_database(collation=request.param)
        database = open_database(server.url(name))
    with database.sessions.begin() as s:
        orgs = [registry.add_organisation(s, OrganisationInput(short_name=n), on=ON)
                for n in ORGANISATIONS]
        for i, last in enumerate(reversed(PEOPLE)):
            registry.add_person(s, PersonInput(last_name=last, first_name="Иван",
                                               birth_date=date(1980, 1, 1 + i),
                                               organisation_id=orgs[i % 3]), on=ON)
    yield database
    database.dispose()
    if server is not None:
        server.drop_database(name)


def test_people_list_is_in_russian_order(base: Database) -> None:
    with base.sessions() as s:
        assert [row.fio.split()[0] for row in registry.list_people(s, ON)] == ORDER
        people = [r.name.split()[0] for r in incomplete_records(s) if r.kind == "person"]
        # the pair dialog's picker: the same order straight from SQL
        choices = [c.fio.split()[0] for c in pairs.list_person_choices(s, ON)]
    assert people == ORDER == choices


def test_organisations_by_code_points_and_folded_names(base: Database) -> None:
    expected = sorted(ORGANISATIONS)  # code points: Г, С, л
    with base.sessions() as s:
        assert [row.short_name for row in registry.list_organisations(s)] == expected
        assert [name for _, name in pairs.organisation_choices(s)] == expected
    with pytest.raises(Refused) as refused, base.sessions.begin() as s:
        registry.add_organisation(s, OrganisationInput(short_name="сош  №  2"), on=ON)
    assert "«СОШ № 2» уже есть в реестре" in refused.value.message
