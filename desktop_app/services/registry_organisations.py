"""Registry use cases of organisations: add, edit, delete, close and reopen an ОО.

Holds the copying of an organisation's form values to and from its record (ORG_FIELDS), the
checks of a saved organisation (its values, a unique short name, an existing curator), what
refers to an organisation (people, past jobs, pairs, nominations: then it can only be closed),
and the Russian counting words (plural) the registry's refusals share. Every writing function
validates first and raises Refused before touching anything, then flushes; the caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ActiveMember,
    Employment,
    Municipality,
    Organisation,
    Pair,
    PairMentee,
    Person,
    Practice,
)
from desktop_app.services.municipalities import own_id
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.services.validation import (
    OrganisationInput,
    Refused,
    clean_organisation,
    org_error,
    validate_organisation,
)
from desktop_app.store.dialect import dialect_name, folded
from desktop_app.textutil import fmt_date, fold

ORG_FIELDS = (
    "short_name", "full_name", "kind", "is_low_results", "is_difficult_conditions",
    "mentoring_act_date", "mentoring_act_number", "mentoring_programme_date", "curator_id",
    "head_name", "address", "phone", "email",
)


def apply_organisation_input(org: Organisation, data: OrganisationInput) -> None:
    for name in ORG_FIELDS:
        setattr(org, name, getattr(data, name))


def organisation_to_input(org: Organisation) -> OrganisationInput:
    return OrganisationInput(**{name: getattr(org, name) for name in ORG_FIELDS},
                             municipality_id=org.municipality_id)



def plural(n: int, one: str, few: str, many: str) -> str:
    """«1 педагог», «3 педагога», «37 педагогов»."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def get_organisation_input(session: Session, org_id: int) -> OrganisationInput:
    return organisation_to_input(_organisation(session, org_id))


def _organisation(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise Refused(f"Организация № {org_id} не найдена.")
    return org


def _check_organisation(
    session: Session, data: OrganisationInput, on: date, org_id: int | None
) -> OrganisationInput:
    data = clean_organisation(data)
    errors = validate_organisation(data, on)
    same = session.scalar(
        select(Organisation).where(
            folded(dialect_name(session), Organisation.short_name) == fold(data.short_name))
    )
    if same is not None and same.id != org_id:
        errors.append(
            org_error("short_name", f"«{same.short_name}» уже есть в реестре (№ {same.id})")
        )
    if data.curator_id is not None and session.get(Person, data.curator_id) is None:
        errors.append(org_error("curator_id", f"педагог № {data.curator_id} не найден"))
    if data.municipality_id is not None and \
            session.get(Municipality, data.municipality_id) is None:
        errors.append(org_error("municipality_id",
                                f"муниципалитет № {data.municipality_id} не найден"))
    if errors:
        raise Refused.from_errors(errors)
    return data


def add_organisation(session: Session, data: OrganisationInput, on: date | None = None) -> int:
    """Add an organisation; returns its id."""
    data = _check_organisation(session, data, on or date.today(), None)
    org = Organisation(municipality_id=own_id(session) if data.municipality_id is None
                       else data.municipality_id)
    apply_organisation_input(org, data)
    session.add(org)
    session.flush()
    return org.id


def update_organisation(
    session: Session, org_id: int, data: OrganisationInput, on: date | None = None, *,
    expected_version: int | None = None,
) -> None:
    """Save the form. expected_version: the organisation's version the form was opened with;
    refused when another seat saved it since (services/record_versions.py)."""
    org = _organisation(session, org_id)
    check_version(session, org, expected_version, Refused)
    data = _check_organisation(session, data, on or date.today(), org_id)
    with stale_refused(session, org, Refused):
        saved(org)
        apply_organisation_input(org, data)
        if data.municipality_id is not None:
            org.municipality_id = data.municipality_id
        session.flush()


def organisation_references(session: Session, org_id: int) -> dict[str, int]:
    """What refers to an organisation: people, past jobs, pairs of its people, nominations,
    practices."""
    people = select(Person.id).where(Person.organisation_id == org_id)
    mentee_pairs = select(PairMentee.pair_id).where(PairMentee.person_id.in_(people))
    pairs = session.scalar(
        select(func.count(Pair.id)).where(
            or_(Pair.mentor_id.in_(people), Pair.id.in_(mentee_pairs))
        )
    )
    return {
        "people": session.scalar(select(func.count()).select_from(people.subquery())) or 0,
        "jobs": session.scalar(
            select(func.count(Employment.id)).where(Employment.organisation_id == org_id)
        ) or 0,
        "pairs": pairs or 0,
        "nominations": session.scalar(
            select(func.count(ActiveMember.id)).where(ActiveMember.nominated_by_org_id == org_id)
        ) or 0,
        "practices": session.scalar(
            select(func.count(Practice.id)).where(Practice.organisation_id == org_id)
        ) or 0,
    }


def delete_organisation(session: Session, org_id: int) -> None:
    """Delete an organisation entered by mistake; one that others refer to is refused."""
    org = _organisation(session, org_id)
    refs = organisation_references(session, org_id)
    parts = []
    if refs["people"]:
        parts.append(plural(refs["people"], "педагог", "педагога", "педагогов"))
    if refs["pairs"]:
        parts.append(plural(refs["pairs"], "пара", "пары", "пар"))
    if refs["jobs"] and not refs["people"]:
        parts.append(plural(refs["jobs"], "запись", "записи", "записей") + " о работе в прошлом")
    if refs["nominations"]:
        parts.append(plural(refs["nominations"], "представление", "представления",
                            "представлений") + " в актив")
    if refs["practices"]:
        parts.append(plural(refs["practices"], "практика", "практики", "практик")
                     + " в банке практик")
    if parts:
        raise Refused(
            f"У организации «{org.short_name}» {_join(parts)}: удалить её нельзя, её можно "
            "только сделать недействующей (история сохранится)."
        )
    session.delete(org)
    session.flush()


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " и " + parts[-1]


def deactivate_organisation(session: Session, org_id: int, on: date | None = None) -> None:
    """Mark an organisation as no longer working (closed, merged); its records stay."""
    org = _organisation(session, org_id)
    on = on or date.today()
    if not org.is_active:
        raise Refused(f"Организация «{org.short_name}» уже недействующая "
                      f"(с {fmt_date(org.deactivated_on)}).")
    working = session.scalar(
        select(func.count(Person.id)).where(
            Person.organisation_id == org_id, Person.is_active.is_(True)
        )
    ) or 0
    if working:
        raise Refused(
            f"В организации «{org.short_name}» работают "
            f"{plural(working, 'педагог', 'педагога', 'педагогов')}: сначала переведите их "
            "в другую ОО или отметьте выбывшими."
        )
    org.is_active = False
    org.deactivated_on = on
    session.flush()


def reactivate_organisation(session: Session, org_id: int) -> None:
    org = _organisation(session, org_id)
    org.is_active = True
    org.deactivated_on = None
    session.flush()
