"""Mentor suggestions: who is proposed, in what order and why; a pair opened from a choice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop_app.model import (
    ActiveMember,
    Deficit,
    MentorshipForm,
    Pair,
    PairMentee,
    ProgrammeDeficit,
)
from desktop_app.services.matching import mentee_needs, open_pair, suggest_mentors
from tests.diagnostics_data import diagnose, org, person

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
ON = date(2024, 6, 1)
STRONG = {"digital": 5, "methodical": 5}


def build(s):
    a, b = org(s, "МБОУ СОШ № 1"), org(s, "МБОУ СОШ № 2")
    ids = {
        "mentee": person(s, "Молодцова", a, start=date(2023, 9, 1)),
        "c1": person(s, "Алексеева", b, start=date(2004, 6, 1)),
        "c2": person(s, "Борисова", a, subject="физика", start=date(2014, 5, 1)),
        "c3": person(s, "Власова", a, start=date(2021, 9, 1)),
        "c4": person(s, "Громова", a, start=date(2022, 9, 1)),
        "c5": person(s, "Дмитриева", b, start=date(2000, 9, 1)),
        "c6": person(s, "Егорова", b, subject="русский язык", start=date(1999, 1, 1)),
        "c7": person(s, "Жукова", a, start=date(1995, 9, 1)),
    }
    diagnose(s, ids["mentee"], date(2024, 3, 1), {"digital": 2, "methodical": 2}, default=3)
    for key in ("c1", "c5", "c6"):
        diagnose(s, ids[key], date(2024, 2, 1), STRONG)
    for key in ("c2", "c3", "c4"):
        diagnose(s, ids[key], date(2024, 2, 1), {"digital": 5})
    diagnose(s, ids["c7"], date(2023, 2, 1), STRONG)
    diagnose(s, ids["c7"], date(2024, 2, 1), {})  # latest session: no strengths any more
    s.add(ActiveMember(person_id=ids["c3"], status="included"))
    form = s.scalar(select(MentorshipForm.id).limit(1))
    pair = Pair(mentor_id=ids["c5"], form_id=form, start_date=date(2023, 9, 1),
                end_date=date(2024, 5, 31), status="active")
    pair.mentees = [PairMentee(person_id=person(s, f"Подопечная{n}", b)) for n in range(3)]
    s.add(pair)
    s.flush()
    return ids


def test_order_and_reasons(db) -> None:
    with db.sessions.begin() as s:
        ids = build(s)
    with db.sessions() as s:
        assert mentee_needs(s, ids["mentee"]).areas == ("methodical", "digital")
        found = suggest_mentors(s, ids["mentee"], on=ON)
        names = {v: k for k, v in ids.items()}
        assert [names[f.person_id] for f in found] == ["c3", "c2", "c1", "c6"]
        c3, c2, c1, c6 = found
        assert c3.reason == ("сильные стороны: цифровые; тот же предмет — математика; член ММА; "
                             "стаж 2 года; нагрузка 0 из 3; та же ОО")
        assert c2.reason == "сильные стороны: цифровые; стаж 10 лет; нагрузка 0 из 3; та же ОО"
        assert c1.reason == ("сильные стороны: методические, цифровые; тот же предмет — "
                             "математика; стаж 20 лет; нагрузка 0 из 3; "
                             "другая ОО (муниципальный уровень)")
        assert c1.score == 9.3  # 3 × 2 areas + 2 same subject + 20/15 experience
        assert c6.covered == ("methodical", "digital") and not c6.same_subject
        assert c1.score > c6.score


def test_choice_opens_pair_with_deficits_targeted(db) -> None:
    with db.sessions.begin() as s:
        ids = build(s)
        pair_id = open_pair(s, ids["mentee"], ids["c2"], date(2024, 9, 1), date(2025, 5, 31))
    with db.sessions() as s:
        pair = s.get(Pair, pair_id)
        assert pair.mentor_id == ids["c2"] and pair.level == "organisation"
        targeted = set(s.scalars(select(ProgrammeDeficit.deficit_id)))
        rows = s.scalars(select(Deficit).where(Deficit.person_id == ids["mentee"])).all()
        # c2 is strong in digital only: the digital deficits are targeted and in work
        assert targeted == {d.id for d in rows if d.area == "digital"}
        assert {d.state for d in rows if d.area == "digital"} == {"in_work"}
        assert {d.state for d in rows if d.area == "methodical"} == {"found"}


def test_no_deficits_no_suggestions(db) -> None:
    with db.sessions.begin() as s:
        pid = person(s, "Полякова")
        diagnose(s, pid, date(2024, 3, 1), {})
    with db.sessions() as s:
        assert suggest_mentors(s, pid) == []
