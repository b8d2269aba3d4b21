"""The bank of best practices of mentoring: the practices the ОО propose, the active's decision
(предложена → рассмотрена активом → включена в банк / отклонена, with the date and the meeting
that decided), their authors and the pairs whose monitoring and re-diagnosis show their results.

in_bank() is what the site page and the electronic collection print: the practices included in
the bank. The files attached are in services/practice_files.py. Every change goes through the
ORM, so the change log keeps it (the practice's history, and the authors' own histories).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ChangeLog,
    Deficit,
    Meeting,
    MentorshipForm,
    Organisation,
    Pair,
    Person,
    Practice,
    PracticeAuthor,
    PracticeFile,
    PracticePair,
    Satisfaction,
)
from desktop_app.model.enums import MenteeCategory, PairStatus, PracticeStatus, Respondent
from desktop_app.services import changelog
from desktop_app.services.diagnostics import person_picture
from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR, IndicatorInputError
from desktop_app.services.pairs.lists import pair_choices as pair_lines
from desktop_app.services.pairs.monitoring import list_monitorings
from desktop_app.services.pairs.programme import plan_progress
from desktop_app.services.recognitions import PairLine, mentoring_record
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.store.dialect import dialect_name, json_member_is
from desktop_app.textutil import (
    clean,
    fio,
    fmt_date,
    fmt_number,
    fmt_percent,
    fold,
    ru_sort_key,
    short_fio,
)

MAX_TITLE = 500
# a spreadsheet cell holds as much: the exchange book and the blank form carry the texts whole
MAX_TEXT = 32_767
DECIDED = (PracticeStatus.REVIEWED.value, PracticeStatus.INCLUDED.value,
           PracticeStatus.REJECTED.value)


class PracticeError(IndicatorInputError):
    """Refused input or action (a Russian message naming the field); nothing is saved."""


# the bank: what the site page and the collection show ----------------------------------------
@dataclass(frozen=True)
class BankPractice:
    """A practice included in the bank. authors: «Фамилия Имя Отчество», in the order the
    practice names them (author_ids in the same order); organisation: the ОО's short name;
    form: the form of mentorship's name («» when not given)."""

    id: int
    title: str
    authors: tuple[str, ...]
    author_ids: tuple[int, ...]
    organisation: str
    form: str
    year: int
    description: str
    category: str = ""  # the mentees' category, its label
    results: str = ""
    decided_on: date | None = None


def in_bank(session: Session, year: int | None = None) -> list[BankPractice]:
    """The practices with the status «включена в банк» (of one year, or all): newest year
    first, then by title in Russian order."""
    stmt = (
        select(Practice, Organisation.short_name, MentorshipForm.name)
        .join(Organisation, Organisation.id == Practice.organisation_id)
        .outerjoin(MentorshipForm, MentorshipForm.id == Practice.form_id)
        .where(Practice.status == PracticeStatus.INCLUDED.value)
    )
    if year is not None:
        stmt = stmt.where(Practice.year == year)
    found = session.execute(stmt).all()
    authors = _authors(session, [p.id for p, _org, _form in found])
    rows = [
        BankPractice(
            p.id, p.title, tuple(full for _i, full, _short in authors[p.id]),
            tuple(i for i, _full, _short in authors[p.id]), org, form or "", p.year,
            p.description, category_label(p.mentee_category), p.results, p.decided_on,
        )
        for p, org, form in found
    ]
    rows.sort(key=lambda r: ru_sort_key(r.title))
    rows.sort(key=lambda r: r.year, reverse=True)
    return rows


def _authors(session: Session, practice_ids: Sequence[int]
             ) -> dict[int, list[tuple[int, str, str]]]:
    """(person id, «Фамилия Имя Отчество», «Фамилия И.О.») of each practice's authors, in
    their order."""
    out: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    if not practice_ids:
        return out
    stmt = (
        select(PracticeAuthor.practice_id, Person.id, Person.last_name, Person.first_name,
               Person.middle_name)
        .join(Person, Person.id == PracticeAuthor.person_id)
        .where(PracticeAuthor.practice_id.in_(practice_ids))
        .order_by(PracticeAuthor.practice_id, PracticeAuthor.position, Person.sort_key)
    )
    for practice_id, person_id, last, first, middle in session.execute(stmt):
        out[practice_id].append((person_id, fio(last, first, middle or ""),
                                 short_fio(last, first, middle or "")))
    return out


def status_label(code: str) -> str:
    try:
        return PracticeStatus(code).label
    except ValueError:
        return code


def category_label(code: str) -> str:
    try:
        return MenteeCategory(code).label
    except ValueError:
        return code


# the list ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PracticeRow:
    """A line of the list of practices."""

    id: int
    title: str
    authors: tuple[str, ...]  # «Фамилия И.О.»
    author_ids: tuple[int, ...]
    organisation_id: int
    organisation: str
    form: str
    category: str
    year: int
    status: str
    decided_on: date | None
    meeting: str  # «заседание 12.03.2025», «» when none
    pairs: int
    files: int

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class PracticeFilter:
    """Empty fields do not filter; text: words of the title, an author's or the ОО's name."""

    year: int | None = None
    status: str | None = None
    organisation_id: int | None = None
    organisations: frozenset[int] | None = None  # the ОО of the municipality chosen
    text: str = ""


def list_practices(session: Session, flt: PracticeFilter | None = None) -> list[PracticeRow]:
    """Every practice (or those the filter keeps): newest year first, then by title."""
    flt = flt or PracticeFilter()
    stmt = (
        select(Practice, Organisation.short_name, MentorshipForm.name, Meeting.meeting_date)
        .join(Organisation, Organisation.id == Practice.organisation_id)
        .outerjoin(MentorshipForm, MentorshipForm.id == Practice.form_id)
        .outerjoin(Meeting, Meeting.id == Practice.meeting_id)
    )
    if flt.year is not None:
        stmt = stmt.where(Practice.year == flt.year)
    if flt.status:
        stmt = stmt.where(Practice.status == flt.status)
    if flt.organisation_id is not None:
        stmt = stmt.where(Practice.organisation_id == flt.organisation_id)
    if flt.organisations is not None:
        stmt = stmt.where(Practice.organisation_id.in_(sorted(flt.organisations)))
    found = session.execute(stmt).all()
    ids = [p.id for p, *_rest in found]
    authors = _authors(session, ids)
    pairs = _counts(session, PracticePair.practice_id, ids)
    files = _counts(session, PracticeFile.practice_id, ids)
    rows = [
        PracticeRow(
            p.id, p.title, tuple(s for _i, _f, s in authors[p.id]),
            tuple(i for i, _f, _s in authors[p.id]), p.organisation_id, org, form or "",
            category_label(p.mentee_category), p.year, p.status, p.decided_on,
            f"заседание {fmt_date(met)}" if met is not None else "", pairs.get(p.id, 0),
            files.get(p.id, 0),
        )
        for p, org, form, met in found
    ]
    if flt.text.strip():
        words = [fold(w) for w in flt.text.split()]
        rows = [r for r in rows if all(w in _haystack(r) for w in words)]
    rows.sort(key=lambda r: ru_sort_key(r.title))
    rows.sort(key=lambda r: r.year, reverse=True)
    return rows


def _haystack(row: PracticeRow) -> str:
    return fold(" ".join((row.title, row.organisation, *row.authors)))


def _counts(session: Session, column: Any, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = select(column, func.count()).where(column.in_(ids)).group_by(column)
    return {int(k): int(n) for k, n in session.execute(stmt)}


def practice_years(session: Session) -> list[int]:
    """The years practices are recorded for, newest first."""
    stmt = select(Practice.year).distinct().order_by(Practice.year.desc())
    return [int(y) for y in session.scalars(stmt)]


# one practice ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PracticeInput:
    """What a practice's form saves. The decision (status, decided_on, meeting_id): for
    «предложена» none; for the others the date, or the meeting whose date it is."""

    title: str
    author_ids: tuple[int, ...]
    organisation_id: int | None
    year: int | None
    form_id: int | None = None
    mentee_category: str = MenteeCategory.UNKNOWN.value
    description: str = ""
    results: str = ""
    pair_ids: tuple[int, ...] = ()
    status: str = PracticeStatus.PROPOSED.value
    decided_on: date | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class FileRow:
    id: int
    name: str
    size: int
    sha256: str
    added_on: date


@dataclass(frozen=True)
class PracticeDetail:
    id: int
    data: PracticeInput
    files: tuple[FileRow, ...] = field(default=())
    version: int = 1  # the practice's row_version when read: its form's save passes it back


def _text(value: str, label: str, limit: int, required: bool = False) -> str:
    text = value.strip() if limit == MAX_TEXT else clean(value)
    if required and not text:
        raise PracticeError(f"{label}: не заполнено.")
    if len(text) > limit:
        raise PracticeError(f"{label}: не длиннее {limit} знаков (сейчас {len(text)}).")
    return text


def _missing(session: Session, model: Any, ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = set(session.scalars(select(model.id).where(model.id.in_(wanted))))
    return [i for i in wanted if i not in found]


def _references(session: Session, data: PracticeInput) -> None:
    if data.organisation_id is None or session.get(Organisation, data.organisation_id) is None:
        raise PracticeError("ОО: не выбрана или не найдена в базе.")
    if data.form_id is not None and session.get(MentorshipForm, data.form_id) is None:
        raise PracticeError(f"Форма наставничества с кодом {data.form_id} не найдена.")
    if not data.author_ids:
        raise PracticeError("Авторы: укажите хотя бы одного автора практики.")
    lost = _missing(session, Person, data.author_ids)
    if lost:
        raise PracticeError(f"Авторы: нет педагогов с кодами {', '.join(map(str, lost))}.")
    lost = _missing(session, Pair, data.pair_ids)
    if lost:
        raise PracticeError(f"Пары: нет пар с кодами {', '.join(map(str, lost))}.")


def decision(session: Session, status: str, decided_on: date | None,
             meeting_id: int | None) -> tuple[str, date | None, int | None]:
    """The status's code with its date and meeting, checked: «предложена» has neither; a
    decision has its date — the meeting's when only the meeting is given, and no other."""
    member = PracticeStatus.from_label(status or "")
    if member is None:
        known = ", ".join(m.label for m in PracticeStatus)
        raise PracticeError(f"Статус «{status}» неизвестен; возможны: {known}.")
    if member is PracticeStatus.PROPOSED:
        if decided_on is not None or meeting_id is not None:
            raise PracticeError("Статус «предложена»: дата решения и заседание актива не "
                                "указываются — они есть у рассмотренной практики.")
        return member.value, None, None
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting_id is not None and meeting is None:
        raise PracticeError(f"Заседание актива с кодом {meeting_id} не найдено.")
    if meeting is not None:
        if decided_on is not None and decided_on != meeting.meeting_date:
            raise PracticeError(
                f"Дата решения {fmt_date(decided_on)} не совпадает с датой заседания актива "
                f"{fmt_date(meeting.meeting_date)}: решение принимается на заседании.")
        decided_on = meeting.meeting_date
    if decided_on is None:
        raise PracticeError(f"Статус «{member.label}»: укажите дату решения или заседание "
                            "актива, на котором оно принято.")
    if not MIN_YEAR <= decided_on.year <= MAX_YEAR:
        raise PracticeError(f"Дата решения {fmt_date(decided_on)}: год ожидается от "
                            f"{MIN_YEAR} до {MAX_YEAR}.")
    return member.value, decided_on, meeting_id


def checked(session: Session, data: PracticeInput) -> PracticeInput:
    """The input cleaned and checked (PracticeError names the first field refused)."""
    title = _text(data.title, "Название практики", MAX_TITLE, required=True)
    if data.year is None or isinstance(data.year, bool) or not MIN_YEAR <= data.year <= MAX_YEAR:
        raise PracticeError(f"Год: ожидается число от {MIN_YEAR} до {MAX_YEAR}.")
    category = MenteeCategory.from_label(data.mentee_category or MenteeCategory.UNKNOWN.value)
    if category is None:
        raise PracticeError(f"Категория наставляемых «{data.mentee_category}» неизвестна.")
    _references(session, data)
    status, decided_on, meeting_id = decision(session, data.status, data.decided_on,
                                              data.meeting_id)
    return replace(
        data, title=title, author_ids=tuple(dict.fromkeys(data.author_ids)),
        mentee_category=category.value,
        description=_text(data.description, "Краткое описание", MAX_TEXT),
        results=_text(data.results, "Результаты", MAX_TEXT),
        pair_ids=tuple(dict.fromkeys(data.pair_ids)), status=status, decided_on=decided_on,
        meeting_id=meeting_id,
    )


def _apply(practice: Practice, data: PracticeInput) -> None:
    practice.title, practice.organisation_id = data.title, data.organisation_id  # type: ignore[assignment]
    practice.form_id, practice.mentee_category = data.form_id, data.mentee_category
    practice.description, practice.results = data.description, data.results
    practice.year = data.year  # type: ignore[assignment]
    practice.status, practice.decided_on = data.status, data.decided_on
    practice.meeting_id = data.meeting_id


def _links(session: Session, practice: Practice, data: PracticeInput) -> None:
    """The authors in their order and the pairs, rows changed only where they differ (the log
    keeps what changed)."""
    authors = {a.person_id: a for a in practice.authors}
    kept = []
    for position, person_id in enumerate(data.author_ids, start=1):
        row = authors.pop(person_id, None) or PracticeAuthor(person_id=person_id)
        row.position = position
        kept.append(row)
    practice.authors = kept
    pairs = {p.pair_id: p for p in practice.pairs}
    practice.pairs = [pairs.get(i) or PracticePair(pair_id=i) for i in data.pair_ids]
    session.flush()


def add_practice(session: Session, data: PracticeInput) -> int:
    """Record a practice (caller commits); returns its id."""
    data = checked(session, data)
    practice = Practice()
    _apply(practice, data)
    session.add(practice)
    session.flush()
    _links(session, practice, data)
    return practice.id


def _practice(session: Session, practice_id: int) -> Practice:
    practice = session.get(Practice, practice_id)
    if practice is None:
        raise PracticeError("Практика не найдена: возможно, её уже удалили.")
    return practice


def update_practice(session: Session, practice_id: int, data: PracticeInput, *,
                    expected_version: int | None = None) -> None:
    """Save a practice's form (caller commits). expected_version: the practice's version its
    form was opened with; refused when another seat saved the practice since (its files
    attached or detached in the same save count with it: services/record_versions.py)."""
    practice = _practice(session, practice_id)
    check_version(session, practice, expected_version, PracticeError)
    data = checked(session, data)
    with stale_refused(session, practice, PracticeError):
        saved(practice)
        _apply(practice, data)
        _links(session, practice, data)


def set_status(session: Session, practice_id: int, status: str, decided_on: date | None = None,
               meeting_id: int | None = None, *, expected_version: int | None = None) -> None:
    """The active's decision on a practice (or its return to «предложена»); caller commits.
    expected_version as for update_practice."""
    practice = _practice(session, practice_id)
    check_version(session, practice, expected_version, PracticeError)
    with stale_refused(session, practice, PracticeError):
        practice.status, practice.decided_on, practice.meeting_id = decision(
            session, status, decided_on, meeting_id)
        session.flush()


def delete_practice(session: Session, practice_id: int) -> None:
    """Delete a practice with its authors' and pairs' links and its files."""
    session.delete(_practice(session, practice_id))
    session.flush()


def get_practice(session: Session, practice_id: int) -> PracticeDetail:
    practice = _practice(session, practice_id)
    data = PracticeInput(
        practice.title, tuple(a.person_id for a in practice.authors), practice.organisation_id,
        practice.year, practice.form_id, practice.mentee_category, practice.description,
        practice.results, tuple(sorted(p.pair_id for p in practice.pairs)), practice.status,
        practice.decided_on, practice.meeting_id,
    )
    files = tuple(FileRow(f.id, f.name, f.size, f.sha256, f.added_on) for f in practice.files)
    return PracticeDetail(practice.id, data, files, practice.row_version)


def practice_history(session: Session, practice_id: int) -> list[changelog.HistoryEntry]:
    """A practice's changes with its authors, pairs and files, oldest first."""
    files = set(session.scalars(select(PracticeFile.id).where(
        PracticeFile.practice_id == practice_id)))
    dialect = dialect_name(session)
    logged = select(ChangeLog.record_id).where(
        ChangeLog.table_name == "practice_files",
        or_(json_member_is(dialect, ChangeLog.new_values, "practice_id", practice_id),
            json_member_is(dialect, ChangeLog.old_values, "practice_id", practice_id)))
    files.update(session.scalars(logged))
    rows: list[changelog.HistoryEntry] = []
    for table in ("practices", "practice_authors", "practice_pairs"):
        rows += changelog.history(session, table, practice_id)
    for file_id in sorted(files):
        rows += changelog.history(session, "practice_files", file_id)
    return sorted(rows, key=lambda e: e.id)


# choices of the form --------------------------------------------------------------------------
def meeting_choices(session: Session) -> list[tuple[int, str]]:
    """(id, «12.03.2025 — the first line of the agenda») of the active's meetings, newest
    first."""
    stmt = select(Meeting.id, Meeting.meeting_date, Meeting.agenda).order_by(
        Meeting.meeting_date.desc(), Meeting.id.desc())
    out = []
    for mid, day, agenda in session.execute(stmt):
        text = clean(next((line for line in agenda.splitlines() if line.strip()), ""))
        out.append((mid, f"{fmt_date(day)} — {text[:80]}{'…' if len(text) > 80 else ''}"))
    return out


def author_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """«Фамилия Имя Отчество — ОО» of the people, in the order of ids (working or not)."""
    stmt = (select(Person.id, Person.last_name, Person.first_name, Person.middle_name,
                   Organisation.short_name)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(Person.id.in_(list(ids))))
    found = {pid: fio(last, first, middle or "") + (f" — {org}" if org else "")
             for pid, last, first, middle, org in session.execute(stmt)} if ids else {}
    return {pid: found[pid] for pid in ids if pid in found}


def pair_choices(session: Session, people: Sequence[int] = (),
                 only: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """(id, «Иванова А.И. → Петров П.П., Сидорова С.С. (01.09.2024 – 31.05.2025)») of the pairs
    (or of the pairs only), those of the people given (as mentor or mentee) first, then newest
    first."""
    wanted = set(people)
    choices = sorted(pair_lines(session, only),
                     key=lambda c: (wanted.isdisjoint(c.people), -c.start.toordinal(),
                                    c.id))
    return [(c.id, c.label) for c in choices]


# the results of the linked pairs --------------------------------------------------------------
@dataclass(frozen=True)
class PairResult:
    """What a linked pair's work gave by the date: the programme's plan, the monitorings, the
    questionnaires, the mentees' deficits found by the pair's end and those overcome on
    re-diagnosis (services/recognitions.py's rule), and the change of their self-assessment
    scores (services/diagnostics.py)."""

    pair_id: int
    mentor: str
    mentees: tuple[str, ...]
    form: str
    start: date
    end: date
    status: str
    plan_done: int
    plan_total: int
    monitorings: int
    latest_monitoring: date | None
    students_passed: str  # «ОГЭ: 92,0 %», «» when not measured
    olympiad_participants: int | None
    dynamics: str
    satisfaction_mentor: float | None
    satisfaction_mentee: float | None
    deficits_found: int
    deficits_overcome: int
    score_before: float | None  # the mentees' mean area score, earlier self-assessment
    score_after: float | None  # and the latest one

    def facts(self) -> tuple[tuple[str, str], ...]:
        """(what, figures) as the collection and the window show them."""
        out = [("Программа", f"{fmt_date(self.start)} – {fmt_date(self.end)}, "
                             f"{status_of_pair(self.status)}")]
        if self.plan_total:
            out.append(("План программы", f"выполнено мероприятий: {self.plan_done} из "
                                          f"{self.plan_total}"))
        if self.monitorings:
            parts = [p for p in (
                self.students_passed and f"успешно прошли {self.students_passed}",
                self.olympiad_participants is not None
                and f"участников олимпиад — {self.olympiad_participants}",
                self.dynamics and _dynamics(self.dynamics),
            ) if p]
            out.append((f"Мониторинг на {fmt_date(self.latest_monitoring)}",
                        "; ".join(parts) or "записан без показателей"))
        said = [f"{who} — {fmt_number(v)}" for who, v in (
            ("наставник", self.satisfaction_mentor), ("наставляемые", self.satisfaction_mentee))
            if v is not None]
        if said:
            out.append(("Удовлетворённость (из 10)", ", ".join(said)))
        if self.deficits_found:
            out.append(("Повторная диагностика", f"дефицитов наставляемых выявлено "
                        f"{self.deficits_found}, преодолено {self.deficits_overcome}"))
        if self.score_before is not None and self.score_after is not None:
            out.append(("Самодиагностика наставляемых", f"средний балл "
                        f"{fmt_number(self.score_before)} → {fmt_number(self.score_after)}"))
        return tuple(out)

    def lines(self) -> tuple[str, ...]:
        return tuple(f"{what}: {figures}" for what, figures in self.facts())


def _dynamics(text: str) -> str:
    """«динамика: стабильные результаты»; «динамика отсутствует» as it is."""
    said = _lower_first(text)
    return said if fold(said).startswith("динамик") else f"динамика: {said}"


def _lower_first(text: str) -> str:
    """«Стабильные результаты» → «стабильные результаты» (an abbreviation «ВПР …» stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def status_of_pair(code: str) -> str:
    try:
        return PairStatus(code).label
    except ValueError:
        return code


def pair_results(session: Session, practice_id: int, on: date | None = None
                 ) -> tuple[PairResult, ...]:
    """The figures of a practice's linked pairs begun by the date (today when not given), what
    was recorded by the date, oldest programme first — computed by the services of the pairs,
    the diagnostics and recognition."""
    on = on or date.today()
    pairs = session.scalars(
        select(Pair).join(PracticePair, PracticePair.pair_id == Pair.id)
        .where(PracticePair.practice_id == practice_id, Pair.start_date <= on,
               Pair.status != PairStatus.PLANNED.value)
        .order_by(Pair.start_date, Pair.id)).all()
    lines: dict[int, dict[int, PairLine]] = {}
    out = []
    for pair in pairs:
        if pair.mentor_id not in lines:
            record = mentoring_record(session, pair.mentor_id, on)
            lines[pair.mentor_id] = {x.pair_id: x for x in record.pairs} if record else {}
        line = lines[pair.mentor_id].get(pair.id)
        out.append(_pair_result(session, pair, line, on))
    return tuple(out)


def _pair_result(session: Session, pair: Pair, line: PairLine | None, on: date) -> PairResult:
    monitorings = [m for m in list_monitorings(session, pair.id) if m.monitoring_date <= on]
    latest = monitorings[-1] if monitorings else None
    progress = plan_progress(session, pair.id)
    mentees = [m.person_id for m in pair.mentees]
    before, after = _scores(session, mentees)
    passed = ""
    if latest is not None and latest.students_passed_percent is not None:
        passed = fmt_percent(latest.students_passed_percent)
        if latest.exam_kind:
            passed = f"{latest.exam_kind}: {passed}"
    end = pair.ended_on or pair.end_date
    found = session.scalar(select(func.count(Deficit.id)).where(
        Deficit.person_id.in_(mentees), Deficit.found_on <= min(end, on))) if mentees else 0
    mentor, form = pair.mentor, pair.form
    return PairResult(
        pair.id, short_fio(mentor.last_name, mentor.first_name, mentor.middle_name),
        tuple(sorted((short_fio(m.person.last_name, m.person.first_name, m.person.middle_name)
                      for m in pair.mentees), key=ru_sort_key)),
        form.name, pair.start_date, end, pair.status, progress.done, progress.total,
        len(monitorings), latest.monitoring_date if latest else None, passed,
        latest.olympiad_participants if latest else None,
        latest.progress_dynamics if latest else "", *_satisfaction(session, pair.id, on),
        int(found or 0), line.deficits_overcome if line is not None else 0, before, after,
    )


def _satisfaction(session: Session, pair_id: int, on: date
                  ) -> tuple[float | None, float | None]:
    """The mean scores of the mentor's and the mentees' questionnaires answered by the date."""
    means = []
    for role in (Respondent.MENTOR.value, Respondent.MENTEE.value):
        mean = session.scalar(select(func.avg(Satisfaction.score)).where(
            Satisfaction.pair_id == pair_id, Satisfaction.respondent == role,
            Satisfaction.answered_on <= on))
        means.append(float(mean) if mean is not None else None)
    return means[0], means[1]


def _scores(session: Session, mentee_ids: Sequence[int]) -> tuple[float | None, float | None]:
    """The mentees' mean area score of the self-assessment before the latest and of the latest
    (of those who took two), from their diagnostic pictures."""
    before: list[float] = []
    after: list[float] = []
    for person_id in mentee_ids:
        seen = person_picture(session, person_id)
        pairs = [(a.previous, a.mean) for a in seen.areas
                 if a.previous is not None and a.mean is not None]
        if pairs:
            before.append(sum(p for p, _m in pairs) / len(pairs))
            after.append(sum(m for _p, m in pairs) / len(pairs))
    if not before:
        return None, None
    return sum(before) / len(before), sum(after) / len(after)
