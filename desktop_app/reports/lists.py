"""Lists: the candidate form of seed 004 (Приложение) and the public composition list (000 §2.3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model import ActiveMember, Course, Person
from desktop_app.model.enums import Category, CourseKind, EducationLevel
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import Block, Document, Footnotes, Heading, Para, Table
from desktop_app.reports.params import ReportParams
from desktop_app.reports.personal import label
from desktop_app.services.pairs import years_text
from desktop_app.textutil import fio, fmt_date, years_between

CANDIDATES_TITLE = (
    "Форма предоставления информации о кандидатах в состав муниципального методического актива"
)
CANDIDATE_HEADERS = (
    "Ф.И.О. кандидата в муниципальный методический актив",
    "Дата рождения\u00b9",
    "Информация о полученном образовании (уровень образования, год получения, специальность, "
    "наименование образовательной организации)",
    "Информация о повышении квалификации\u00b2 / профессиональной переподготовке",
    "Информация об основном месте работы (наименование образовательной организации, должность, "
    "квалификационная категория, стаж педагогической работы, преподаваемый предмет/направление "
    "работы)",
    "Информация о наличии опыта методической работы (опыт наставничества, деятельности в "
    "методических объединениях, ассоциациях, сообществах и других)",
    "Контактные данные (мобильный телефон, e-mail)",
    "Профессиональные достижения (при наличии)",
    "Основание для включения в муниципальный методический актив\u00b3",
)
# Wider where the text is longest (education, courses, work, grounds), so rows stay short.
CANDIDATE_WIDTHS = (20, 14, 30, 34, 34, 28, 24, 22, 40)
CANDIDATE_FOOTNOTES = (
    ("1", "Дата рождения оформляется в формате дд.мм.гггг."),
    ("2", "Информация о прохождении повышения квалификации за три года, предшествующие дате "
          "подготовки документа."),
    ("3", "В соответствии с пунктом 3 Положения о муниципальном методическом активе."),
)
PUBLIC_TITLE = "Списочный состав муниципального методического актива"


def education_text(person: Person) -> str:
    parts = [label(EducationLevel, person.education_level)]
    if person.education_year:
        parts.append(f"{person.education_year} г.")
    parts += [person.education_specialty, person.education_institution]
    if not person.education_pedagogical:
        parts.append("непедагогическое")
    return ", ".join(p for p in parts if p)


def course_text(course: Course) -> str:
    kind = "" if course.kind == CourseKind.QUALIFICATION.value else "Переподготовка: "
    hours = f"{course.hours} ч." if course.hours else ""
    parts = [f"{kind}{course.title}", course.provider, hours, fmt_date(course.end_date)]
    return ", ".join(p for p in parts if p)


def job_text(person: Person, orgs: dict[int, tuple[str, str]], on: date) -> str:
    org = orgs.get(person.organisation_id or 0, ("", ""))
    parts = [org[1] or org[0], person.position, label(Category, person.category)]
    if person.ped_experience_start:
        parts.append(f"стаж {years_text(years_between(person.ped_experience_start, on))}")
    parts.append(person.subject)
    return ", ".join(p for p in parts if p)


def candidate_row(member: ActiveMember, person: Person, courses: list[Course],
                  grounds: list[tuple[int, str]], orgs: dict[int, tuple[str, str]],
                  on: date) -> tuple[str, ...]:
    """One row of the form, in the columns of seed 004 (Приложение)."""
    return (
        fio(person.last_name, person.first_name, person.middle_name),
        fmt_date(person.birth_date),
        education_text(person),
        "\n".join(course_text(c) for c in courses),
        job_text(person, orgs, on),
        person.methodical_experience,
        "\n".join(p for p in (person.phone, person.email) if p),
        person.achievements,
        "\n".join(f"{number}) {text}" for number, text in grounds),
    )


def candidate_rows(session: Session, on: date) -> list[tuple[str, ...]]:
    """The rows of every candidate not yet included, by ФИО."""
    members, courses, grounds = queries.candidate_inputs(session, on)
    orgs = queries.org_names(session)
    return [candidate_row(m, p, courses.get(p.id, []), grounds.get(m.id, []), orgs, on)
            for m, p in members]


def candidates(session: Session, params: ReportParams) -> Document:
    """The candidate form (landscape); three blank numbered rows when there is no candidate."""
    rows = candidate_rows(session, params.day)
    blocks: list[Block] = [
        Para("Приложение к Положению о муниципальном методическом активе", align="left",
             indent=False, left_indent_mm=190),
        Heading(CANDIDATES_TITLE),
        Table(headers=CANDIDATE_HEADERS, rows=tuple(rows), widths=CANDIDATE_WIDTHS,
              align=("left", "center"), size=10, head_size=9, empty_rows=0 if rows else 3),
        Footnotes(CANDIDATE_FOOTNOTES),
    ]
    return Document(CANDIDATES_TITLE, tuple(blocks), landscape=True,
                    margins_mm=layout.page_margins(session))


def public_list(session: Session, params: ReportParams) -> Document:
    """The public list: ФИО, place of work, position, subject area, e-mail; consenting only."""
    members = queries.active_members(session, consenting_only=True)
    blocks: list[Block] = [
        *layout.issuer_blocks(layout.letterhead(session)),
        Heading(PUBLIC_TITLE),
        Para(f"по состоянию на {fmt_date(params.day)}", align="center", indent=False,
             space_after=6),
        Table(
            headers=("Фамилия, имя, отчество", "Место работы", "Должность",
                     "Курируемая предметная область (предмет)", "E-mail"),
            rows=tuple((m.fio, m.organisation, m.position, m.subject_area, m.email)
                       for m in members),
            widths=(30, 28, 24, 26, 30),
        ),
        Para("Сведения размещаются с согласия членов муниципального методического актива с "
             "соблюдением законодательства о персональных данных.", size=layout.SMALL_PT,
             indent=False, space_before=6),
    ]
    return Document(PUBLIC_TITLE, tuple(blocks), margins_mm=layout.page_margins(session))
