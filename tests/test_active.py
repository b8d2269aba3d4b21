"""The methodological active: presets, eligibility, status path, composition, gaps, public list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_app.model import Pair, PairMentee
from desktop_app.services import active, registry, settings
from desktop_app.services.validation import OrganisationInput, PersonInput, Refused

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
TODAY = date.today()


def check(start: date | None, category: str = "first", ped: bool = True, grounds: int = 1,
          requirement: str = "category", on: date = date(2024, 9, 1)) -> active.Eligibility:
    return active.check_eligibility(
        experience_start=start, category=category, pedagogical_education=ped,
        ground_count=grounds, requirement=requirement, min_years=5, on=on)


def test_four_years_eleven_months_is_not_five() -> None:
    result = check(date(2019, 9, 2))
    assert not result.eligible
    assert "4 года 11 месяцев" in result.reasons[0] and "меньше 5 лет" in result.reasons[0]
    assert check(date(2019, 9, 1)).eligible


@pytest.mark.parametrize(
    ("requirement", "category", "ped", "ok"),
    [("category", "none", True, False), ("category", "first", False, True),
     ("ped_education", "none", True, True), ("ped_education", "highest", False, False)],
)
def test_requirement_of_the_preset(requirement: str, category: str, ped: bool, ok: bool) -> None:
    result = check(date(2010, 1, 1), category=category, ped=ped, requirement=requirement)
    assert result.eligible is ok


def test_no_ground_no_experience() -> None:
    result = check(None, grounds=0)
    assert result.reasons == ["не указано начало педагогического стажа",
                              "не указано ни одного основания включения"]


# with a database -----------------------------------------------------------------------------
def setup(s, **person_kw):  # type: ignore[no-untyped-def]
    oid = registry.add_organisation(s, OrganisationInput(short_name="МБОУ СОШ № 1",
                                                         full_name="МБОУ «СОШ № 1»"))
    kw = {"ped_experience_start": date(2005, 9, 1), "category": "highest",
          "email": "ivanova@school.ru", "consent_publish": True, "subject": "математика"}
    kw.update(person_kw)
    pid = registry.add_person(s, PersonInput(
        last_name="Иванова", first_name="Анна", birth_date=date(1982, 1, 1), organisation_id=oid,
        position="учитель", **kw))
    preset = active.preset_in_force(s)
    data = active.MemberInput(role="gmo_head", subject_area="математика",
                              directions=("expert", "technological"),
                              ground_ids=(preset.grounds[0].id,))
    return oid, pid, active.add_candidate(s, pid, data, request_date=TODAY - timedelta(days=30))


def walk(s, mid: int) -> None:  # type: ignore[no-untyped-def]
    active.submit(s, mid, TODAY - timedelta(days=20), by_body="ГМО учителей математики")
    active.mark_diagnosed(s, mid, TODAY - timedelta(days=10))
    active.include(s, mid, "№ 45-од", TODAY - timedelta(days=5))


def test_status_path(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, _, mid = setup(s)
        walk(s, mid)
    with db.sessions() as s:
        row = active.get_member(s, mid)
    assert row.status == "включён" and row.order_number == "45-од"
    assert row.submitted_by == "ГМО учителей математики"
    assert row.directions == "технологическое, экспертное"
    with db.sessions.begin() as s:
        active.exclude(s, mid, TODAY, "по собственному желанию")
    with db.sessions() as s:
        assert active.get_member(s, mid).status == "исключён"


def test_forbidden_jumps(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, _, mid = setup(s)
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.include(s, mid, "12", TODAY)
    assert "из статуса «кандидат» в «включён»" in exc.value.message
    assert "сначала статус «прошёл диагностику»" in exc.value.message
    with pytest.raises(Refused), db.sessions.begin() as s:
        active.exclude(s, mid, TODAY, "x")
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.submit(s, mid, TODAY)  # by whom?
    assert "«Кем представлен»" in exc.value.message
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.submit(s, mid, TODAY - timedelta(days=40), by_body="ГМО")  # before the request
    assert "раньше предыдущего шага" in exc.value.message
    with pytest.raises(Refused), db.sessions.begin() as s:
        active.submit(s, mid, TODAY + timedelta(days=1), by_body="ГМО")
    with db.sessions.begin() as s:
        active.submit(s, mid, TODAY, by_body="ГМО")
    with pytest.raises(Refused), db.sessions.begin() as s:
        active.submit(s, mid, TODAY, by_body="ГМО")  # twice
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.mark_diagnosed(s, mid, TODAY)
        active.include(s, mid, "  ", TODAY)
    assert "«Номер приказа»" in exc.value.message
    with db.sessions() as s:  # the refused transaction left nothing
        assert active.get_member(s, mid).status == "представлен"


def test_one_open_record_per_person(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, pid, mid = setup(s)
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.add_candidate(s, pid, active.MemberInput())
    assert f"запись № {mid}" in exc.value.message


def test_ineligible_needs_reason(db) -> None:  # type: ignore[no-untyped-def]
    start = TODAY.replace(year=TODAY.year - 5) + timedelta(days=40)  # 4 years 10–11 months
    with db.sessions.begin() as s:
        _, _, mid = setup(s, ped_experience_start=start)
        active.submit(s, mid, TODAY, by_body="ГМО")
        active.mark_diagnosed(s, mid, TODAY)
        assert not active.member_eligibility(s, mid, TODAY).eligible
    with pytest.raises(Refused) as exc, db.sessions.begin() as s:
        active.include(s, mid, "45", TODAY)
    assert "меньше 5 лет" in exc.value.message and "записав причину" in exc.value.message
    with db.sessions.begin() as s:
        active.include(s, mid, "45", TODAY, ineligible_reason="победитель регионального конкурса")
    with db.sessions() as s:
        row = active.get_member(s, mid)
    assert row.ineligible_reason == "победитель регионального конкурса"


def test_preset_switch_changes_requirement(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, _, mid = setup(s, category="none", education_pedagogical=True)
        assert not active.member_eligibility(s, mid).eligible  # seed 000: category required
        ust = next(p for p in active.list_presets(s) if p.requirement == "ped_education")
        active.set_preset_in_force(s, ust.id)
        assert settings.get(s, "ground_preset") == ust.code
        # the old ground still counts for the record; a new one must come from the new preset
        assert active.member_eligibility(s, mid).eligible
        with pytest.raises(Refused):
            active.update_member(s, mid, active.MemberInput(ground_ids=(999,)))


def test_preset_editing(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, _, mid = setup(s)
        preset = active.preset_in_force(s)
        assert len(preset.grounds) == 9
        gid = active.add_ground(s, preset.id, "  победители конкурса «Педагог года»  ")
        active.edit_ground(s, gid, "победители конкурса «Учитель года»", mandatory=True)
        active.remove_ground(s, gid)
        with pytest.raises(Refused) as exc:
            active.remove_ground(s, preset.grounds[0].id)
        assert "указано у 1 члена актива" in exc.value.message
        copy = active.add_preset(s, "Свой перечень", "ped_education", copy_from=preset.id)
        active.update_preset(s, copy, "Свой перечень 2025", "category", 3)
        rows = {p.id: p for p in active.list_presets(s)}
    assert len(rows[preset.id].grounds) == 9
    assert rows[copy].min_experience_years == 3 and len(rows[copy].grounds) == 9


def test_composition_gaps_and_public_list(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        oid, pid, mid = setup(s)
        walk(s, mid)
        shnor = registry.add_organisation(s, OrganisationInput(short_name="МКОУ ООШ с. Ёлкино",
                                                               is_low_results=True))
        other = registry.add_organisation(s, OrganisationInput(short_name="МБДОУ № 5"))
        quiet = registry.add_person(s, PersonInput(
            last_name="Петров", first_name="Пётр", birth_date=date(1980, 1, 1),
            organisation_id=oid, ped_experience_start=date(2002, 9, 1), category="first"))
        qmid = active.add_candidate(s, quiet, active.MemberInput(
            ground_ids=(active.preset_in_force(s).grounds[1].id,)))
        walk(s, qmid)
        comp = active.composition(s)
        found = active.gaps(s)
        public = active.public_list(s)
        mentee = registry.add_person(s, PersonInput(
            last_name="Сидорова", first_name="Ольга", birth_date=date(1998, 1, 1),
            organisation_id=shnor))
        pair = Pair(mentor_id=pid, form_id=1, level="municipal",
                    start_date=TODAY - timedelta(days=1), end_date=TODAY + timedelta(days=90))
        s.add(pair)
        s.flush()
        s.add(PairMentee(pair_id=pair.id, person_id=mentee))
        s.flush()
        after = active.gaps(s)
    assert comp.total == 2
    assert dict(comp.by_role)["руководитель ГМО/ММО"] == 1
    assert dict(comp.by_role)["член актива"] == 1
    assert dict(comp.by_organisation) == {"МБОУ СОШ № 1": 2}
    assert dict(comp.by_direction)["экспертное"] == 1
    assert found.without_member == ("МБДОУ № 5", "МКОУ ООШ с. Ёлкино")
    assert found.low_results_unsupported == ("МКОУ ООШ с. Ёлкино",)
    assert after.low_results_unsupported == ()
    assert other  # the kindergarten stays a gap
    # Петров did not consent: only Иванова is published
    assert [(r.fio, r.place_of_work, r.position, r.subject_area, r.email) for r in public] == [
        ("Иванова Анна", "МБОУ «СОШ № 1»", "учитель", "математика", "ivanova@school.ru")]


def test_withdraw_only_before_inclusion(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as s:
        _, _, mid = setup(s)
        walk(s, mid)
        with pytest.raises(Refused):
            active.withdraw_candidate(s, mid)
