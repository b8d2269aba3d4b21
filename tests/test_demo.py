"""The demo database: counts, determinism, names, closed lists, dates, the demo command."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app import demo
from desktop_app.model import enums
from desktop_app.textutil import years_between

REF = demo.REFERENCE


def _build(path: Path, scale: str | demo.Scale = "municipality", seed: int = 1) -> Path:
    demo.write_demo(path, scale=scale, seed=seed)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The municipality demo, built once for the whole test session."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("METODAKTIV_HOME", str(folder / "home"))
        return _build(folder / "municipality.sqlite")


@pytest.fixture
def con(demo_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{demo_db.as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only=1")
    yield connection
    connection.close()


def one(con: sqlite3.Connection, sql: str) -> int:
    return int(con.execute(sql).fetchone()[0])


def table_hashes(path: Path) -> dict[str, str]:
    """A hash of every table's rows (order-independent)."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        result = {}
        for name in names:
            rows = sorted(repr(r) for r in connection.execute(f'SELECT * FROM "{name}"'))
            result[name] = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
        return result
    finally:
        connection.close()


def to_date(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


# counts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("table", "low", "high"), [
    ("organisations", 25, 35), ("people", 850, 950), ("active_members", 35, 45),
    ("pairs", 140, 160), ("meetings", 10, 16), ("participations", 400, 2000),
    ("courses", 600, 2500), ("employments", 900, 1100), ("programmes", 140, 160),
])
def test_counts_in_range(con: sqlite3.Connection, table: str, low: int, high: int) -> None:
    assert low <= one(con, f"SELECT count(*) FROM {table}") <= high


def test_organisations_of_three_kinds_with_flags(con: sqlite3.Connection) -> None:
    kinds = dict(con.execute("SELECT kind, count(*) FROM organisations GROUP BY kind").fetchall())
    assert set(kinds) == {"general", "preschool", "additional"}
    assert one(con, "SELECT sum(is_low_results) FROM organisations") >= 2
    assert one(con, "SELECT sum(is_difficult_conditions) FROM organisations") >= 2
    with_act = con.execute(
        "SELECT mentoring_act_number, curator_id FROM organisations "
        "WHERE mentoring_act_date IS NOT NULL").fetchall()
    assert 5 <= len(with_act) < 30
    assert all(number and curator for number, curator in with_act)
    names = [r[0] for r in con.execute("SELECT short_name FROM organisations")]
    assert any(n.startswith("МБОУ «СОШ № ") for n in names)
    assert any(n.startswith("МБДОУ «Детский сад № ") for n in names)
    assert any(n.startswith("МБУ ДО «") for n in names)


def test_experience_spread_like_a_district(con: sqlite3.Connection) -> None:
    people = con.execute(
        "SELECT birth_date, ped_experience_start, is_manager, education_pedagogical FROM people"
    ).fetchall()
    young = [p for p in people if years_between(to_date(p[1]), REF) < 3]
    assert 0.07 <= len(young) / len(people) <= 0.14
    under_35 = [p for p in young if years_between(to_date(p[0]), REF) < 35]
    assert len(under_35) / len(young) > 0.7
    assert 40 <= sum(p[2] for p in people) <= 120
    assert 0 < sum(1 for p in people if not p[3]) < len(people) * 0.2


def test_groups_forms_and_levels(con: sqlite3.Connection) -> None:
    sizes = [r[0] for r in con.execute("SELECT count(*) FROM pair_mentees GROUP BY pair_id")]
    assert any(2 <= s <= 4 for s in sizes) and max(sizes) <= 4 and min(sizes) == 1
    assert one(con, "SELECT count(DISTINCT form_id) FROM pairs") >= 4
    assert one(con, "SELECT count(*) FROM pairs WHERE level='municipal'") >= 1
    assert one(con, "SELECT count(*) FROM pairs p JOIN pair_mentees m ON m.pair_id = p.id "
                    "WHERE m.person_id = p.mentor_id") == 0
    assert one(con, "SELECT count(*) FROM (SELECT person_id FROM pair_mentees "
                    "GROUP BY person_id HAVING count(*) > 1)") == 0
    assert one(con, "SELECT count(DISTINCT status) FROM pairs") == 4
    plans = [r[0] for r in con.execute("SELECT count(*) FROM plan_items GROUP BY programme_id")]
    assert min(plans) >= 4 and max(plans) <= 8
    done = one(con, "SELECT sum(done) FROM plan_items")
    assert 0 < done < one(con, "SELECT count(*) FROM plan_items")
    scores = [r[0] for r in con.execute("SELECT score FROM satisfactions")]
    assert scores and min(scores) >= 1 and max(scores) <= 10


def test_active_members_of_every_status_with_grounds(con: sqlite3.Connection) -> None:
    statuses = {r[0] for r in con.execute("SELECT status FROM active_members")}
    assert statuses == {s.value for s in enums.ActiveStatus}
    preset = con.execute("SELECT value FROM settings WHERE key='ground_preset'").fetchone()[0]
    foreign = one(con, "SELECT count(*) FROM active_member_grounds mg JOIN grounds g "
                       "ON g.id = mg.ground_id JOIN ground_presets p ON p.id = g.preset_id "
                       f"WHERE p.code <> '{preset}'")
    assert foreign == 0
    assert one(con, "SELECT count(*) FROM active_members m WHERE NOT EXISTS "
                    "(SELECT 1 FROM active_member_grounds g WHERE g.member_id = m.id)") == 0
    assert one(con, "SELECT count(*) FROM active_members WHERE status='included' "
                    "AND included_order_number = ''") == 0


def test_meetings_have_a_missed_quarter(con: sqlite3.Connection) -> None:
    days = [to_date(r[0]) for r in con.execute("SELECT meeting_date FROM meetings ORDER BY 1")]
    quarters = [(d.year, (d.month - 1) // 3) for d in days]
    steps = [(b[0] - a[0]) * 4 + b[1] - a[1] for a, b in zip(quarters, quarters[1:], strict=False)]
    assert steps.count(2) == 1 and all(s in (1, 2) for s in steps)
    assert one(con, "SELECT count(*) FROM meeting_attendees") > len(days) * 5


def test_participations_cover_2023_to_2026(con: sqlite3.Connection) -> None:
    years = {r[0] for r in con.execute(
        "SELECT DISTINCT substr(event_date, 1, 4) FROM participations")}
    assert years == {"2023", "2024", "2025", "2026"}
    kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM participations")}
    assert kinds == {k.value for k in enums.ParticipationKind}


def test_sessions_answer_every_item_and_some_rediagnosed(con: sqlite3.Connection) -> None:
    items = one(con, "SELECT count(*) FROM instrument_items")
    assert items > 0, "the self-assessment instrument is not loaded into new databases"
    people = one(con, "SELECT count(*) FROM people")
    diagnosed = one(
        con, "SELECT count(DISTINCT person_id) FROM diagnostic_sessions WHERE kind='self'")
    assert 0.35 <= diagnosed / people <= 0.5
    per_session = {r[0] for r in con.execute(
        "SELECT count(*) FROM answers GROUP BY session_id")}
    assert per_session == {items}
    assert one(con, "SELECT count(*) FROM diagnostic_sessions s WHERE kind='self' AND NOT EXISTS "
                    "(SELECT 1 FROM answers a WHERE a.session_id = s.id)") == 0
    repeated = con.execute(
        "SELECT min(session_date), max(session_date) FROM diagnostic_sessions WHERE kind='self' "
        "GROUP BY person_id HAVING count(*) > 1").fetchall()
    assert len(repeated) >= 50
    assert all((to_date(b) - to_date(a)).days >= 300 for a, b in repeated)
    assert one(con, "SELECT count(*) FROM deficits") > 0
    assert one(con, "SELECT count(*) FROM deficits WHERE state='overcome'") > 0


# names -------------------------------------------------------------------------------------
def test_yo_names_and_gender_forms(con: sqlite3.Connection) -> None:
    rows = con.execute("SELECT last_name, first_name, middle_name FROM people").fetchall()
    text = " ".join(" ".join(r) for r in rows)
    for name in ("Фёдоров", "Королёв", "Артём", "Пётр", "Алёна", "Семёнов"):
        assert name in text, name
    assert len({r for r in rows if "ё" in "".join(r)}) >= 30
    female = {n for n in demo._resource("names.json")["female_names"]}
    for last, first, middle in rows:
        if first in female:
            assert middle.endswith(("вна", "чна")), (last, first, middle)
            if last.endswith(("ов", "ев", "ёв", "ин")):
                pytest.fail(f"мужская фамилия у женщины: {last} {first}")
        else:
            assert middle.endswith(("вич", "ич")), (last, first, middle)
    keys = con.execute("SELECT search_key, birth_date FROM people").fetchall()
    assert len(set(keys)) == len(keys)


def test_female_surname_rules() -> None:
    ends = demo._resource("names.json")["indeclinable_endings"]
    assert demo.female_surname("Фёдоров", ends) == "Фёдорова"
    assert demo.female_surname("Королёв", ends) == "Королёва"
    assert demo.female_surname("Ковальский", ends) == "Ковальская"
    assert demo.female_surname("Толстой", ends) == "Толстая"
    assert demo.female_surname("Шевченко", ends) == "Шевченко"
    assert demo.female_surname("Ильин", ends) == "Ильина"


# closed lists and dates --------------------------------------------------------------------
CODED = [
    ("organisations", "kind", enums.OrgKind), ("people", "education_level", enums.EducationLevel),
    ("people", "category", enums.Category), ("courses", "kind", enums.CourseKind),
    ("participations", "kind", enums.ParticipationKind),
    ("participations", "level", enums.EventLevel), ("active_members", "status", enums.ActiveStatus),
    ("active_members", "role", enums.ActiveRole),
    ("active_member_directions", "direction", enums.ActiveDirection),
    ("pairs", "model_element", enums.ModelElement),
    ("pairs", "mentee_category", enums.MenteeCategory), ("pairs", "level", enums.PairLevel),
    ("pairs", "status", enums.PairStatus), ("pair_directions", "direction", enums.PairDirection),
    ("satisfactions", "respondent", enums.Respondent),
    ("diagnostic_sessions", "kind", enums.SessionKind), ("deficits", "state", enums.DeficitState),
    ("deficits", "area", enums.CompetenceArea), ("external_results", "area", enums.CompetenceArea),
]


@pytest.mark.parametrize(("table", "column", "enum"), CODED)
def test_closed_list_codes_valid(
    con: sqlite3.Connection, table: str, column: str, enum: type
) -> None:
    values = {r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {table}")}
    assert values, f"{table}.{column} is empty"
    assert values <= {m.value for m in enum}


def test_ages_and_experience(con: sqlite3.Connection) -> None:
    for birth, start, category_date in con.execute(
        "SELECT birth_date, ped_experience_start, category_date FROM people"
    ):
        age = years_between(to_date(birth), REF)
        assert 20 <= age <= 75
        assert years_between(to_date(birth), to_date(start)) >= 18
        assert to_date(start) <= REF
        assert category_date is None or to_date(start) < to_date(category_date) <= REF


def test_pair_dates_and_statuses_consistent(con: sqlite3.Connection) -> None:
    rows = con.execute(
        "SELECT start_date, end_date, status, ended_on, end_reason, order_date FROM pairs")
    for start, end, status, ended_on, reason, order_date in rows:
        start, end, ended, ordered = map(to_date, (start, end, ended_on, order_date))
        assert start + timedelta(days=80) <= end <= start + timedelta(days=366)
        assert ordered <= start
        if status == "planned":
            assert start > REF
        elif status == "active":
            assert start <= REF <= end
        elif status == "completed":
            assert end < REF
        else:
            assert start <= ended <= min(end, REF) and reason
    for start, end in con.execute("SELECT start_date, end_date FROM employments"):
        assert end is None or to_date(end) >= to_date(start)


def test_plan_and_member_dates_consistent(con: sqlite3.Connection) -> None:
    for done, done_on, start in con.execute(
        "SELECT i.done, i.done_on, p.start_date FROM plan_items i "
        "JOIN programmes g ON g.id = i.programme_id JOIN pairs p ON p.id = g.pair_id"
    ):
        assert bool(done) == (done_on is not None)
        assert done_on is None or to_date(start) <= to_date(done_on) <= REF
    for request, submitted, diagnosed, included, excluded in con.execute(
        "SELECT request_date, submitted_on, diagnosed_on, included_on, excluded_on "
        "FROM active_members"
    ):
        dates = [to_date(d) for d in (request, submitted, diagnosed, included, excluded) if d]
        assert dates == sorted(dates)


# determinism and the code path of every scale ---------------------------------------------
def test_same_seed_same_database_other_seed_differs(demo_db: Path, tmp_path: Path) -> None:
    again = _build(tmp_path / "again.sqlite")
    assert table_hashes(again) == table_hashes(demo_db)
    other = table_hashes(_build(tmp_path / "other.sqlite", seed=2))
    assert other["people"] != table_hashes(demo_db)["people"]
    assert other["pairs"] != table_hashes(demo_db)["pairs"]


def test_small_custom_scale_through_the_same_path(tmp_path: Path) -> None:
    scale = demo.Scale(organisations=6, people=120, active=8, pairs=20, sessions=60)
    path = tmp_path / "small.sqlite"
    result = demo.write_demo(path, scale=scale, seed=7)
    counts = result.counts
    assert (counts["organisations"], counts["people"], counts["active_members"]) == (6, 120, 8)
    assert counts["pairs"] == 20
    assert 50 <= counts["diagnostic_sessions"] <= 70
    assert counts["answers"] == counts["instrument_items"] * (
        counts["diagnostic_sessions"] - _external(path))
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["small.sqlite"]


def _external(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return one(connection, "SELECT count(*) FROM diagnostic_sessions WHERE kind='external'")
    finally:
        connection.close()


def test_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_demo: demo.Demo) -> None:
        raise RuntimeError("сбой")

    monkeypatch.setattr(demo, "BUILDERS", [*demo.BUILDERS[:2], broken])
    target = tmp_path / "half.sqlite"
    with pytest.raises(RuntimeError):
        demo.write_demo(target, scale=demo.Scale(3, 30, 2, 3, 10))
    assert list(tmp_path.iterdir()) == [] or all(p.name == "home" for p in tmp_path.iterdir())


def test_unknown_scale_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Неизвестный масштаб"):
        demo.write_demo(tmp_path / "x.sqlite", scale="city")
    assert not (tmp_path / "x.sqlite").exists()


# the command -------------------------------------------------------------------------------
def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "METODAKTIV_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True,
        encoding="utf-8", env=env, timeout=120, check=False,
    )


def test_demo_command_writes_refuses_overwrite_and_checks(tmp_path: Path, demo_db: Path) -> None:
    out = tmp_path / "cli.sqlite"
    done = run_cli("demo", "--out", str(out), "--seed", "1", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    # 150 pairs of the current years and the earlier pairs of two mentors of long standing
    assert "педагогов: 900" in done.stdout and "наставнических пар и групп: 158" in done.stdout
    assert table_hashes(out) == table_hashes(demo_db)
    before = out.read_bytes()
    again = run_cli("demo", "--out", str(out), home=tmp_path / "home")
    assert again.returncode == 1
    assert "уже существует" in again.stderr and "--force" in again.stderr
    assert out.read_bytes() == before
    check = run_cli("--db", str(out), "check", "--json", home=tmp_path / "home")
    report = json.loads(check.stdout)
    assert report["ok"] is True and report["counts"]["people"] == 900


def test_demo_command_usage_errors(tmp_path: Path) -> None:
    bad = run_cli("demo", "--out", str(tmp_path / "a.sqlite"), "--scale", "city",
                  home=tmp_path / "home")
    assert bad.returncode == 2
    missing = run_cli("demo", "--out", str(tmp_path / "no" / "a.sqlite"), home=tmp_path / "home")
    assert missing.returncode == 1 and "не существует" in missing.stderr


def test_orders_are_not_dated_after_today_and_some_have_an_iom(con: sqlite3.Connection) -> None:
    """Planned pairs start later, but their order is already signed; a few people have an ИОМ."""
    latest_order = to_date(con.execute("SELECT max(order_date) FROM pairs").fetchone()[0])
    assert latest_order is not None and latest_order <= REF
    assert one(con, f"SELECT count(*) FROM pairs WHERE date(updated_at) > '{REF}'") == 0
    assert 5 <= one(con, "SELECT count(*) FROM routes WHERE state = 'active'") <= 27
    assert one(con, "SELECT count(*) FROM route_items WHERE deficit_id IS NULL") == 0
    not_in_work = one(con, "SELECT count(*) FROM deficits d JOIN route_items r "
                           "ON r.deficit_id = d.id WHERE d.state != 'in_work'")
    assert not_in_work == 0  # a deficit in an ИОМ being carried out is «в работе»


def test_a_stale_wal_beside_the_target_does_not_damage_the_new_demo(tmp_path: Path) -> None:
    """An earlier database killed before its checkpoint leaves a -wal; rebuilding must not mix
    that journal into the new file."""
    target = tmp_path / "demo.sqlite"
    old = sqlite3.connect(target)
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("PRAGMA wal_autocheckpoint=0")
    old.execute("CREATE TABLE filler (x BLOB)")
    old.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 200)
    old.commit()
    stale_wal = Path(f"{target}-wal").read_bytes()
    old.close()  # closing checkpoints; put the journal back as a killed process leaves it
    Path(f"{target}-wal").write_bytes(stale_wal)
    target.unlink()
    demo.write_demo(target, demo.Scale(3, 30, 2, 3, 10), seed=3)
    con = sqlite3.connect(target)
    try:
        assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert con.execute("SELECT count(*) FROM people").fetchone()[0] > 0
    finally:
        con.close()
