"""What the regional report counts per municipality (each ОО's municipality; a person by the ОО
they work in, a pair by its mentor's ОО): the active on the date, the pairs of the period by
form, the open deficits by competence area."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from desktop_app.model import ActiveMember, Deficit, MentorshipForm, Organisation, Pair, Person
from desktop_app.services.indicators import pair_ran, person_active

Key = int | None  # a municipality's id; None: ОО with no municipality recorded


def active_by_municipality(session: Session, on: date) -> dict[Key, dict[str, int]]:
    """Members of the active on the date (included on or before it, not excluded by it) by
    role, per municipality of their ОО."""
    stmt = (select(Organisation.municipality_id, ActiveMember.role,
                   func.count(ActiveMember.id))
            .join(Person, Person.id == ActiveMember.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(ActiveMember.included_on.is_not(None), ActiveMember.included_on <= on,
                   ActiveMember.excluded_on.is_(None) | (ActiveMember.excluded_on > on))
            .group_by(Organisation.municipality_id, ActiveMember.role))
    found: dict[Key, dict[str, int]] = defaultdict(dict)
    for municipality, role, n in session.execute(stmt):
        found[municipality][role] = int(n)
    return dict(found)


def pairs_by_form(session: Session, start: date, on: date) -> tuple[list[str],
                                                                     dict[Key, dict[str, int]]]:
    """The forms of mentorship in their order, and the pairs that ran in the period by form,
    per municipality of the mentor's ОО."""
    forms = [name for name, in session.execute(
        select(MentorshipForm.name).order_by(MentorshipForm.position, MentorshipForm.name))]
    mentor = aliased(Person)
    stmt = (select(Organisation.municipality_id, MentorshipForm.name, func.count(Pair.id))
            .join(mentor, mentor.id == Pair.mentor_id)
            .join(Organisation, Organisation.id == mentor.organisation_id)
            .join(MentorshipForm, MentorshipForm.id == Pair.form_id)
            .where(pair_ran(start, on))
            .group_by(Organisation.municipality_id, MentorshipForm.name))
    found: dict[Key, dict[str, int]] = defaultdict(dict)
    for municipality, form, n in session.execute(stmt):
        found[municipality][form] = int(n)
    return forms, dict(found)


def open_deficits(session: Session, on: date) -> dict[Key, dict[str, int]]:
    """People working on the date with a deficit open on it (found on or before it, not
    overcome by it), by competence area, per municipality of their ОО."""
    overcome = case((Deficit.overcome_on < Deficit.found_on, Deficit.found_on),
                    else_=Deficit.overcome_on)
    stmt = (select(Organisation.municipality_id, Deficit.area,
                   func.count(func.distinct(Deficit.person_id)))
            .join(Person, Person.id == Deficit.person_id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(person_active(on), and_(Deficit.found_on <= on,
                                           overcome.is_(None) | (overcome > on)))
            .group_by(Organisation.municipality_id, Deficit.area))
    found: dict[Key, dict[str, int]] = defaultdict(dict)
    for municipality, area, n in session.execute(stmt):
        found[municipality][area] = int(n)
    return dict(found)
