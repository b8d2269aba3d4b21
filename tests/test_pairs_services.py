"""Pairs service: duration edges, groups, status path, rules, plans, monitoring, satisfaction."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop_app.model import Deficit, Organisation, Pair, Person, PlanTemplate
from desktop_app.services import pairs as P, settings

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
START = date(2024, 9, 1)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Two schools, a mentor, three young teachers and a colleague in another school."""
    with db.sessions() as s:
        one = Organisation(short_name="МБОУ СОШ № 1")
        two = Organisation(short_name="МБОУ «Лицей»")
        s.add_all([one, two])
        s.flush()

        def person(last: str, first: str, org: Organisation, born: date, exp: date | None) -> int:
            p = Person(last_name=last, first_name=first, middle_name="Ивановна",
                       search_key=last.lower(), birth_date=born, organisation_id=org.id,
                       ped_experience_start=exp)
            s.add(p)
            s.flush()
            return p.id

        ids = {
            "mentor": person("Ёлкина", "Анна", one, date(1972, 3, 1), date(1995, 9, 1)),
            "a": person("Петрова", "Мария", one, date(2000, 5, 5), date(2023, 9, 1)),
            "b": person("Сидорова", "Ольга", one, date(2001, 6, 6), date(2024, 9, 1)),
            "c": person("Белова", "Дарья", one, date(1999, 1, 1), date(2024, 1, 10)),
            "far": person("Орлова", "Вера", two, date(1980, 1, 1), date(2005, 9, 1)),
        }
        s.commit()
    return db, ids


def base(ids: dict[str, int], **kw: object) -> P.PairInput:
    values: dict[str, object] = dict(
        mentor_id=ids["mentor"], mentee_ids=(ids["a"],), start_date=START,
        end_date=date(2025, 5, 31), directions=("subject",),
    )
    values.update(kw)
    return P.PairInput(**values)  # type: ignore[arg-type]


# duration -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (date(2024, 9, 1), date(2024, 11, 30), True),   # exactly three months
        (date(2024, 9, 1), date(2024, 11, 29), False),  # a day less
        (date(2024, 9, 1), date(2025, 8, 31), True),    # exactly one year
        (date(2024, 9, 1), date(2025, 9, 1), False),    # a day more
        (date(2024, 11, 30), date(2025, 2, 27), True),  # 30.11 + 3 months → 28.02 − 1 day
        (date(2024, 11, 30), date(2025, 2, 26), False),
        (date(2024, 2, 29), date(2025, 2, 27), True),   # leap day: year ends 28.02 − 1 day
        (date(2024, 2, 29), date(2025, 2, 28), False),
    ],
)
def test_duration_edges(start: date, end: date, ok: bool) -> None:
    assert (P.duration_error(start, end) is None) is ok


def test_duration_messages_name_the_limit(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        with pytest.raises(P.PairError, match="короче 3 месяцев.*30.11.2024"):
            P.create_pair(s, base(ids, end_date=date(2024, 11, 29)))
        with pytest.raises(P.PairError, match="длиннее 1 года.*31.08.2025"):
            P.create_pair(s, base(ids, end_date=date(2025, 9, 1)))
        with pytest.raises(P.PairError, match="раньше даты начала"):
            P.create_pair(s, base(ids, end_date=date(2024, 8, 1)))
        assert s.scalar(select(Pair.id)) is None
        P.create_pair(s, base(ids, end_date=date(2025, 8, 31)))
        P.create_pair(s, base(ids, mentee_ids=(ids["b"],), end_date=date(2024, 11, 30)))
        s.commit()
        assert len(P.list_pairs(s)) == 2


# groups, levels and rules ---------------------------------------------------------------------

def test_group_of_three_with_plan_deficits_and_default_form(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        deficit = Deficit(person_id=ids["b"], area="methodical", title="Формирующее оценивание",
                          found_on=date(2024, 8, 20))
        s.add(deficit)
        s.flush()
        pid = P.create_pair(s, base(
            ids, mentee_ids=(ids["a"], ids["b"], ids["c"]), goal="Адаптация",
            deficit_ids=(deficit.id,),
            plan=(P.PlanItemInput(activity="Посещение уроков", deadline=date(2024, 10, 1)),),
        ))
        s.commit()
        row = P.list_pairs(s)[0]
        assert row.mentee_count == 3
        assert row.mentees == "Белова Д.И., Петрова М.И., Сидорова О.И."
        assert row.form == P.GROUP_FORM
        assert row.level == "внутри ОО"
        assert s.get(Deficit, deficit.id).state == "in_work"
        stored = P.pair_input(s, pid)
        assert stored.deficit_ids == (deficit.id,)
        assert stored.goal == "Адаптация"
        assert [i.activity for i in stored.plan] == ["Посещение уроков"]
        assert s.get(Pair, pid).updated_at is not None


def test_deficit_of_someone_else_refused(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        deficit = Deficit(person_id=ids["far"], area="digital", title="ЦОР",
                          found_on=date(2024, 8, 20))
        s.add(deficit)
        s.flush()
        with pytest.raises(P.PairError, match="Адресные дефициты"):
            P.create_pair(s, base(ids, deficit_ids=(deficit.id,)))


def test_municipal_level_suggested_for_mentor_of_another_school(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        data = base(ids, mentor_id=ids["far"])
        assert P.check_pair(s, data).suggested_level == "municipal"
        pid = P.create_pair(s, data)
        assert s.get(Pair, pid).level == "municipal"
        forced = P.check_pair(s, dataclasses.replace(data, level="organisation"))
        assert any("«муниципальный»" in w for w in forced.warnings)


def test_self_mentoring_and_twice_listed_refused(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        with pytest.raises(P.PairError, match="не может быть наставляемым"):
            P.create_pair(s, base(ids, mentee_ids=(ids["a"], ids["mentor"])))
        with pytest.raises(P.PairError, match="указан дважды"):
            P.create_pair(s, base(ids, mentee_ids=(ids["a"], ids["a"])))
        with pytest.raises(P.PairError, match="хотя бы одного"):
            P.create_pair(s, base(ids, mentee_ids=()))
        with pytest.raises(P.PairError, match="Направления"):
            P.create_pair(s, base(ids, directions=("astrology",)))
        with pytest.raises(P.PairError, match="строка 1"):
            P.create_pair(s, base(ids, plan=(P.PlanItemInput(activity="  "),)))
        assert s.scalar(select(Pair.id)) is None


def test_load_limit_warns_but_saves(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        settings.put(s, {"mentee_limit": "2"})
        P.create_pair(s, base(ids, mentee_ids=(ids["a"], ids["b"])))
        third = base(ids, mentee_ids=(ids["c"],), directions=("parents",))
        check = P.check_pair(s, third)
        assert check.ok
        assert any("3 наставляемых при пределе 2" in w for w in check.warnings)
        P.create_pair(s, third)  # a warning, not a refusal
        assert P.mentor_load(s, ids["mentor"]) == 3
        # a completed pair no longer counts
        s.scalars(select(Pair)).first().status = "completed"
        assert not any("пределе" in w for w in P.check_pair(s, third).warnings)


def test_repeated_direction_pointed_out_and_experience_shown(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        first = P.create_pair(s, base(ids, directions=("subject", "methods")))
        again = base(ids, mentor_id=ids["far"], directions=("methods",))
        check = P.check_pair(s, again)
        assert check.ok
        assert any(f"паре № {first}" in w and "методика обучения" in w for w in check.warnings)
        assert check.facts == (
            "Наставник Орлова В.И.: педагогический стаж 19 лет на начало программы",
            "Наставляемый Петрова М.И.: педагогический стаж 1 год на начало программы",
        )
        P.create_pair(s, again)
        assert len(P.repeated_direction_mentees(s)) == 1
        # reverse mentoring: a young mentor of an experienced colleague is allowed
        assert P.check_pair(s, base(ids, mentor_id=ids["b"], mentee_ids=(ids["far"],))).ok
        assert not P.check_pair(
            s, base(ids, mentor_id=ids["far"], directions=("parents",))
        ).warnings


# status path ---------------------------------------------------------------------------------

def test_status_path(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        pid = P.create_pair(s, base(ids))
        with pytest.raises(P.PairError, match="«планируется» нельзя сменить на «завершена»"):
            P.change_status(s, pid, "completed")
        P.change_status(s, pid, "active")
        with pytest.raises(P.PairError, match="нельзя"):
            P.change_status(s, pid, "planned")
        with pytest.raises(P.PairError, match="причину"):
            P.change_status(s, pid, "ended_early")
        P.change_status(s, pid, "ended_early", "Переезд наставляемого", on=date(2025, 1, 15))
        pair = s.get(Pair, pid)
        assert (pair.status, pair.end_reason, pair.ended_on) == (
            "ended_early", "Переезд наставляемого", date(2025, 1, 15))
        with pytest.raises(P.PairError, match="нельзя"):
            P.change_status(s, pid, "active")
        second = P.create_pair(s, base(ids, mentee_ids=(ids["b"],)))
        P.change_status(s, second, "active")
        P.change_status(s, second, "completed", on=date(2025, 5, 31))
        assert s.get(Pair, second).ended_on == date(2025, 5, 31)
        # editing cannot jump either
        data = dataclasses.replace(P.pair_input(s, second), status="active")
        with pytest.raises(P.PairError, match="нельзя"):
            P.update_pair(s, second, data)


def test_update_changes_mentees_and_touches(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        pid = P.create_pair(s, base(ids))
        s.get(Pair, pid).updated_at = datetime(2020, 1, 1)
        s.commit()
        data = dataclasses.replace(P.pair_input(s, pid), mentee_ids=(ids["a"], ids["b"]),
                                   status="active", order_number="12-о")
        P.update_pair(s, pid, data)
        s.commit()
        row = P.list_pairs(s)[0]
        assert (row.mentee_count, row.status, row.order_number) == (2, "действует", "12-о")
        assert s.get(Pair, pid).updated_at > datetime(2024, 1, 1)


# plan ----------------------------------------------------------------------------------------

def test_plan_progress_and_copy(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        source = P.create_pair(s, base(ids, plan=(
            P.PlanItemInput(activity="Знакомство", deadline=date(2024, 9, 10)),
            P.PlanItemInput(activity="Открытый урок", deadline=date(2024, 12, 1)),
            P.PlanItemInput(activity="Анкеты", deadline=date(2025, 5, 20)),
        )))
        items = P.plan_items(s, source)
        assert P.plan_progress(s, source) == P.Progress(0, 3)
        progress = P.set_item_done(s, items[0].id, True, on=date(2024, 9, 9))
        assert (progress.done, progress.total) == (1, 3)
        assert round(progress.percent, 1) == 33.3
        assert P.plan_items(s, source)[0].done_on == date(2024, 9, 9)
        assert P.set_item_done(s, items[0].id, False).done == 0
        P.set_item_done(s, items[1].id, True)
        progress = P.set_item_done(s, items[2].id, True)
        assert (progress.done, progress.total) == (2, 3)
        assert round(progress.percent, 1) == 66.7
        P.set_item_done(s, items[1].id, False)
        P.set_item_done(s, items[2].id, False)

        target = P.create_pair(s, base(ids, mentee_ids=(ids["b"],),
                                       start_date=date(2025, 1, 1), end_date=date(2025, 8, 31)))
        assert P.copy_plan_from_pair(s, target, source) == 3
        copied = P.plan_items(s, target)
        assert [i.deadline for i in copied] == [date(2025, 1, 10), date(2025, 4, 2),
                                               date(2025, 8, 31)]
        assert not any(i.done for i in copied)
        assert P.copy_plan_from_pair(s, target, source, replace=False) == 3
        assert [i.position for i in P.plan_items(s, target)] == [1, 2, 3, 4, 5, 6]
        with pytest.raises(P.PairError, match="саму"):
            P.copy_plan_from_pair(s, target, target)


def test_templates_shipped_and_copied(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        templates = P.list_templates(s)
        assert len(templates) == 3
        assert any("ШНОР" in t.name for t in templates)
        young = next(t for t in templates if t.name.startswith("Адаптация"))
        pid = P.create_pair(s, base(ids, end_date=date(2024, 11, 30)))
        count = P.copy_plan_from_template(s, pid, young.id)
        items = P.plan_items(s, pid)
        assert count == young.items == len(items)
        assert items[0].deadline == date(2024, 9, 8)  # 7 days after the start
        assert max(i.deadline for i in items) == date(2024, 11, 30)  # kept inside the period
        # the loader is idempotent
        P.load_plan_templates(s)
        s.flush()
        assert len(s.scalars(select(PlanTemplate)).all()) == 3


# monitoring and satisfaction ------------------------------------------------------------------

def test_monitoring_recorded_and_checked(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        pid = P.create_pair(s, base(ids))
        P.add_monitoring(s, pid, P.MonitoringInput(
            monitoring_date=date(2025, 5, 20), exam_kind="ВПР", students_passed_percent=87.5,
            olympiad_participants=4, mentee_activity="Выступила на ММО",
            influence="Повысилась мотивация к самообразованию"))
        with pytest.raises(P.PairError, match="от 0 до 100"):
            P.add_monitoring(s, pid, P.MonitoringInput(monitoring_date=date(2025, 5, 20),
                                                      students_passed_percent=120))
        rows = P.list_monitorings(s, pid)
        assert [(r.exam_kind, r.students_passed_percent, r.olympiad_participants)
                for r in rows] == [("ВПР", 87.5, 4)]


def test_satisfaction_means(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        one = P.create_pair(s, base(ids, mentee_ids=(ids["a"], ids["b"])))
        two = P.create_pair(s, base(ids, mentor_id=ids["far"], mentee_ids=(ids["c"],)))
        day = date(2025, 5, 25)
        P.add_satisfaction(s, one, ids["mentor"], 9, day)
        P.add_satisfaction(s, one, ids["a"], 8, day)
        P.add_satisfaction(s, one, ids["b"], 6, day)
        P.add_satisfaction(s, two, ids["c"], 10, day)
        with pytest.raises(P.PairError, match="от 1 до 10"):
            P.add_satisfaction(s, one, ids["a"], 11, day)
        with pytest.raises(P.PairError, match="этой пары"):
            P.add_satisfaction(s, one, ids["far"], 5, day)
        assert P.satisfaction_means(s, one) == P.SatisfactionMeans(9.0, 7.0, 23 / 3, 3)
        overall = P.satisfaction_means(s)
        assert (overall.mentor, overall.mentee, overall.overall, overall.count) == (
            9.0, 8.0, 8.25, 4)
        assert P.satisfaction_means(s, two).mentor is None
        assert [r.respondent for r in P.list_satisfactions(s, one)] == [
            "наставник", "наставляемый", "наставляемый"]


# lists, flags and the young without a mentor --------------------------------------------------

def test_filters_and_flags(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        today = date(2025, 5, 10)
        ending = P.create_pair(s, base(ids, status="active"))  # ends 31.05.2025
        municipal = P.create_pair(s, base(ids, mentor_id=ids["far"], mentee_ids=(ids["b"],),
                                          start_date=date(2025, 3, 1),
                                          end_date=date(2025, 12, 31)))
        s.get(Pair, municipal).updated_at = datetime(2024, 11, 10)
        s.commit()
        lyceum = s.scalar(select(Organisation.id).where(Organisation.short_name == "МБОУ «Лицей»"))
        assert [r.id for r in P.list_pairs(s, P.PairFilter(organisation_id=lyceum))] == [municipal]
        assert [r.id for r in P.list_pairs(s, P.PairFilter(status="active"))] == [ending]
        assert [r.id for r in P.list_pairs(s, P.PairFilter(period_from=date(2025, 6, 1)))] == [
            municipal]
        assert [r.id for r in P.list_pairs(s, P.PairFilter(period_to=date(2025, 2, 1)))] == [
            ending]
        form = s.get(Pair, ending).form_id
        assert [r.id for r in P.list_pairs(s, P.PairFilter(form_id=form))] == [municipal, ending]
        soon = P.list_pairs(s, P.PairFilter(ending_soon=True), today=today)
        assert [r.id for r in soon] == [ending]
        stale = P.list_pairs(s, P.PairFilter(stale=True), today=today)
        assert [r.id for r in stale] == [municipal]  # updated 10.11.2024: six months exactly
        assert not P.list_pairs(s, P.PairFilter(stale=True), today=date(2025, 5, 9))


def test_young_without_mentor(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        on = date(2025, 1, 5)
        # a: 24 years, 1 year of experience; b: 23, 0; c: 26, 0 (started 10.01.2024)
        assert [r.id for r in P.young_without_mentor(s, on)] == [ids["c"], ids["a"], ids["b"]]
        P.create_pair(s, base(ids, mentee_ids=(ids["a"],)))
        P.create_pair(s, base(ids, mentee_ids=(ids["b"],), start_date=date(2025, 2, 1),
                              end_date=date(2025, 6, 30)))  # starts later: not yet a mentor
        young = P.young_without_mentor(s, on)
        assert [r.fio for r in young] == ["Белова Дарья Ивановна", "Сидорова Ольга Ивановна"]
        assert (young[0].age, young[0].experience_years) == (26, 0)
        assert [r.id for r in P.young_without_mentor(s, date(2027, 1, 10))] == [ids["b"]]


def test_user_forms(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        before = len(P.list_forms(s))
        fid = P.add_form(s, "  Наставничество  «Педагог – родитель»", "Своя форма")
        forms = P.list_forms(s)
        assert len(forms) == before + 1
        assert forms[-1] == P.FormRow(fid, "Наставничество «Педагог – родитель»", "Своя форма",
                                      False)
        with pytest.raises(P.PairError, match="уже есть"):
            P.add_form(s, "НАСТАВНИЧЕСТВО «педагог – родитель»")
        with pytest.raises(P.PairError, match="укажите название"):
            P.add_form(s, "   ")
        pid = P.create_pair(s, base(ids, form_id=fid))
        assert P.list_pairs(s)[0].form_id == fid == s.get(Pair, pid).form_id


def test_plan_lines_added_changed_removed(world) -> None:  # type: ignore[no-untyped-def]
    db, ids = world
    with db.sessions() as s:
        pid = P.create_pair(s, base(ids))
        first = P.add_plan_item(s, pid, P.PlanItemInput(activity="Встреча"))
        second = P.add_plan_item(s, pid, P.PlanItemInput(activity="Анкета", done=True))
        with pytest.raises(P.PairError, match="мероприятие"):
            P.add_plan_item(s, pid, P.PlanItemInput(activity=" "))
        P.update_plan_item(s, first, P.PlanItemInput(
            activity="Установочная встреча", deadline=date(2024, 9, 5), responsible="Наставник"))
        rows = P.plan_items(s, pid)
        assert [(r.position, r.activity, r.deadline) for r in rows] == [
            (1, "Установочная встреча", date(2024, 9, 5)), (2, "Анкета", None)]
        assert P.plan_progress(s, pid) == P.Progress(1, 2)
        P.delete_plan_item(s, second)
        assert P.plan_progress(s, pid) == P.Progress(0, 1)
