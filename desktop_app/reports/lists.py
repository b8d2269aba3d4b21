"""Lists: the candidate form of seed 004 (Приложение) and the public composition list (000 §2.3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model import ActiveMember, Course, Person
from desktop_app.model.enums import Category, CourseKind, EducationLevel
from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import (
    Block,
    Document,
    Footnotes,
    Heading,
    PageBreak,
    Para,
    Table,
)
from desktop_app.reports.params import ReportParams
from desktop_app.reports.personal import label
from desktop_app.services.active import public_list as public_list_rows
from desktop_app.services.indicators import years_before
from desktop_app.services.pairs import years_text
from desktop_app.services.presets import grounds_reference, own_municipality
from desktop_app.textutil import fio, fmt_date, years_between

EMPTY = "—"
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
# The «№ п/п» column when the form writes its own numbers (one table per candidate).
NUMBER_HEADER, NUMBER_WIDTH = "№ п/п", 7
CATEGORY_TEXT = {
    Category.NONE.value: "без квалификационной категории",
    Category.CONFORMITY.value: "соответствие занимаемой должности",
    Category.FIRST.value: "первая квалификационная категория",
    Category.HIGHEST.value: "высшая квалификационная категория",
    Category.METHODIST.value: "квалификационная категория «педагог-методист»",
    Category.MENTOR.value: "квалификационная категория «педагог-наставник»",
    Category.UNKNOWN.value: "квалификационная категория: не указано",
}
PUBLIC_TITLE = "Списочный состав муниципального методического актива"
PUBLIC_HEADERS = ("Фамилия, имя, отчество", "Место работы", "Должность",
                  "Курируемая предметная область (предмет)", "Контактная информация (e-mail)")
PUBLIC_NOTE = ("Сведения размещаются с согласия членов муниципального методического актива с "
               "соблюдением законодательства о персональных данных.")


def _of(municipality: str) -> str:
    """« Заречного муниципального округа» after a name, or nothing."""
    return f" {municipality}" if municipality else ""


def candidate_headers(municipality: str) -> tuple[str, ...]:
    """The form's column heads; the first and the last name the municipality's active."""
    first = f"Ф.И.О. кандидата в муниципальный методический актив{_of(municipality)}"
    last = f"Основание для включения в муниципальный методический актив{_of(municipality)}\u00b3"
    return (first, *CANDIDATE_HEADERS[1:-1], last)


def candidate_footnotes(session: Session, on: date) -> tuple[tuple[str, str], ...]:
    """The three footnotes: the date format, the three years of courses (with their dates),
    and the act and point of the grounds in force."""
    reference = grounds_reference(session)
    municipality = own_municipality(session)
    grounds = (f"В соответствии с {reference}." if reference else
               "В соответствии с Положением о муниципальном методическом активе"
               f"{_of(municipality)}.")
    return (
        ("1", "Дата рождения оформляется в формате дд.мм.гггг."),
        ("2", "Информация о прохождении повышения квалификации за три года, предшествующие дате "
              f"подготовки документа (с {fmt_date(years_before(on, 3))} по {fmt_date(on)}); "
              "профессиональная переподготовка указывается независимо от года окончания."),
        ("3", grounds),
    )


def education_text(person: Person) -> str:
    """Level, year, specialty, institution; a value not given is said «не указано», never
    guessed (a level of «не указано» is not printed as «высшее»)."""
    level = person.education_level
    parts = ["уровень образования: не указано" if level == EducationLevel.UNKNOWN.value
             else label(EducationLevel, level)]
    if person.education_year:
        parts.append(f"{person.education_year} г.")
    if person.education_specialty:
        parts.append(f"специальность «{person.education_specialty}»")
    parts.append(person.education_institution)
    if person.education_pedagogical is None:
        parts.append("педагогическое образование: не указано")
    elif not person.education_pedagogical:
        parts.append("образование непедагогическое")
    return ", ".join(p for p in parts if p) or EMPTY


def _quoted(title: str) -> str:
    title = title.strip()
    return title if title.startswith("«") and title.endswith("»") else f"«{title}»"


def course_text(course: Course) -> str:
    """«Title», provider, hours, end date; retraining named as such."""
    kind = "" if course.kind == CourseKind.QUALIFICATION.value else \
        "Профессиональная переподготовка "
    hours = f"{course.hours} ч." if course.hours else ""
    end = fmt_date(course.end_date) if course.end_date else "дата окончания не указана"
    registry = "программа из федерального реестра" if course.in_federal_registry else ""
    parts = [f"{kind}{_quoted(course.title)}", course.provider, hours, end, registry]
    return ", ".join(p for p in parts if p)


def job_text(person: Person, orgs: dict[int, tuple[str, str]], on: date) -> str:
    """Where and as whom the person works, category, experience on the date, subject."""
    org = orgs.get(person.organisation_id or 0, ("", ""))
    category = CATEGORY_TEXT.get(person.category, label(Category, person.category))
    if person.ped_experience_start:
        experience = ("стаж педагогической работы "
                      f"{years_text(years_between(person.ped_experience_start, on))}")
    else:
        experience = "стаж педагогической работы не указан"
    subject = (f"преподаваемый предмет (направление работы): {person.subject}"
               if person.subject else "")
    parts = [org[1] or org[0] or "место работы не указано", person.position, category,
             experience, subject]
    return ", ".join(p for p in parts if p)


def candidate_row(member: ActiveMember, person: Person, courses: list[Course],
                  grounds: list[tuple[int, str]], orgs: dict[int, tuple[str, str]],
                  on: date) -> tuple[str, ...]:
    """One row of the form, in the columns of seed 004 (Приложение); an empty cell shows «—»."""
    return (
        fio(person.last_name, person.first_name, person.middle_name),
        fmt_date(person.birth_date) or EMPTY,
        education_text(person),
        "\n".join(course_text(c) for c in courses) or EMPTY,
        job_text(person, orgs, on),
        person.methodical_experience.strip() or EMPTY,
        "\n".join(p for p in (person.phone, person.email) if p) or EMPTY,
        person.achievements.strip() or EMPTY,
        "\n".join(f"{number}) {text}" for number, text in grounds) or "не указано",
    )


def candidate_rows(session: Session, on: date) -> list[tuple[str, ...]]:
    """The rows of every candidate not yet included, by ФИО."""
    members, courses, grounds = queries.candidate_inputs(session, on)
    orgs = queries.org_names(session)
    return [candidate_row(m, p, courses.get(p.id, []), grounds.get(m.id, []), orgs, on)
            for m, p in members]


def _one_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    return Table(headers=headers, rows=tuple(rows), widths=CANDIDATE_WIDTHS,
                 align=("left", "center"), size=10, head_size=9, empty_rows=0 if rows else 3)


def _page_per_candidate(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[Block]:
    """A table of its own for each candidate, each after the first on a new page; the form
    numbers the rows itself so that the numbers run on from page to page."""
    blocks: list[Block] = []
    for number, row in enumerate(rows, start=1):
        if number > 1:
            blocks.append(PageBreak())
        blocks.append(Table(
            headers=(NUMBER_HEADER, *headers), rows=((f"{number}.", *row),),
            widths=(NUMBER_WIDTH, *CANDIDATE_WIDTHS), numbered=False,
            align=("center", "left", "center"), size=10, head_size=9,
        ))
    return blocks


def candidates(session: Session, params: ReportParams) -> Document:
    """The candidate form (landscape): the candidates one after another in one table, or each
    on a page of its own when asked; three blank numbered rows when there is no candidate."""
    on = params.day
    municipality = own_municipality(session)
    rows = candidate_rows(session, on)
    headers = candidate_headers(municipality)
    blocks: list[Block] = [
        Para(f"Приложение к Положению о муниципальном методическом активе{_of(municipality)}",
             align="left", indent=False, left_indent_mm=190),
        Heading(CANDIDATES_TITLE),
    ]
    if params.page_per_candidate and len(rows) > 1:
        blocks += _page_per_candidate(headers, rows)
    else:
        blocks.append(_one_table(headers, rows))
    blocks += layout.approval_blocks(layout.letterhead(session), on)
    blocks.append(Footnotes(candidate_footnotes(session, on)))
    return Document(CANDIDATES_TITLE, tuple(blocks), landscape=True,
                    margins_mm=layout.page_margins(session))


def public_list(session: Session, params: ReportParams) -> Document:
    """The public list on the date: ФИО, place of work, position, subject area, e-mail of the
    members who consented to publication; said in words when nobody has."""
    on = params.day
    title = f"{PUBLIC_TITLE}{_of(own_municipality(session))}"
    members = queries.active_members(session, on=on)
    consenting = public_list_rows(session, on)  # the one public rule (services/active.py)
    head = layout.letterhead(session)
    blocks: list[Block] = [
        *layout.issuer_blocks(head),
        Heading(title),
        Para(f"по состоянию на {fmt_date(on)}", align="center", indent=False, space_after=6),
    ]
    if consenting:
        blocks.append(Table(
            headers=PUBLIC_HEADERS,
            rows=tuple((m.fio, m.place_of_work or EMPTY, m.position or EMPTY,
                        m.subject_area or EMPTY, m.email or EMPTY) for m in consenting),
            widths=(30, 28, 24, 26, 30),
        ))
        blocks.append(Para(PUBLIC_NOTE, size=layout.SMALL_PT, indent=False, space_before=6))
    elif members:
        blocks.append(Para(
            "Согласие на размещение сведений на сайте не дал ни один член муниципального "
            f"методического актива (всего членов: {len(members)})."))
    else:
        blocks.append(Para(
            f"На {fmt_date(on)} в составе муниципального методического актива нет ни одного "
            "члена."))
    blocks += layout.approval_blocks(head, on)
    return Document(title, tuple(blocks), margins_mm=layout.page_margins(session))
