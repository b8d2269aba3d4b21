"""The page «Наставничество» for the centre's site (seeds 000 §2.3, 002 §3, 003 road map): a
static folder — index.html and site.css, UTF-8, no script, no resource from outside — that the
methodist copies to the site as it is.

The page holds the composition of the active by the one public rule (services.active.public_list:
members who consented, public fields only), the pairs and groups running on the date by form of
mentorship, the practices in the bank with their authors (an author who did not consent is not
named: AUTHOR_HIDDEN), and the date. Every text from the database is escaped (html.escape).

The folder is written only when it is new, empty or holds a previous page of this program
(check_folder): files another program wrote are never overwritten or deleted.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app import __version__, paths
from desktop_app.model import MentorshipForm, Pair, PairMentee
from desktop_app.reports.annual_queries import count_if
from desktop_app.reports.lists import PUBLIC_NOTE, PUBLIC_TITLE
from desktop_app.services import active, practices, settings
from desktop_app.services.active import PublicRow
from desktop_app.services.indicators import pair_ran
from desktop_app.services.presets import own_municipality
from desktop_app.services.registry import plural
from desktop_app.textutil import fmt_date, quoted_names

PAGE, STYLE = "index.html", "site.css"
OWN_FILES = (PAGE, STYLE)
# Written at the head of each file of the page: a file of that name without it is not ours.
MARK = "metodaktiv-site-page"
# Files a file manager leaves in a folder by itself (Windows, macOS): neither ours nor refused,
# and never touched.
SYSTEM_LITTER = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
HEADING = "Наставничество"
SUBTITLE = "Наставники молодым специалистам"
AUTHOR_HIDDEN = "Автор не дал согласия на публикацию своих данных"
PEOPLE_HEADERS = ("Фамилия, имя, отчество", "Место работы", "Должность",
                  "Курируемая предметная область (предмет)", "Контактная информация (e-mail)")
FORM_HEADERS = ("Форма наставничества", "Пар", "Групп", "Наставляемых")
EMPTY = "—"
NUM_CLASS = ' class="num"'
CELL_CLASS = {0: ' class="fio"', 4: ' class="email"'}  # the people table's first and last


class SiteRefused(Exception):
    """The folder cannot take the page; the message says why, in Russian."""


@dataclass(frozen=True)
class FormCount:
    """Pairs (one mentee) and groups (several) of one form running on the date."""

    form: str
    pairs: int
    groups: int
    mentees: int


@dataclass(frozen=True)
class PracticeEntry:
    """A practice of the bank as the page shows it: authors by the public rule."""

    title: str
    authors_label: str  # «Автор», «Авторы», or "" when the text says it all
    authors: str
    organisation: str
    form: str
    year: int
    description: str


@dataclass(frozen=True)
class SitePage:
    """Everything the page shows, read from the database on one date."""

    on: date
    authority: str
    centre_name: str
    centre_short: str
    place: str
    municipality: str
    members: tuple[PublicRow, ...]
    forms: tuple[FormCount, ...]
    practices: tuple[PracticeEntry, ...]


# reading -----------------------------------------------------------------------------------
def forms_on(session: Session, on: date) -> list[FormCount]:
    """Pairs and groups running on the date (services.indicators.pair_ran, the rule of the
    annual report and the indicators), by form of mentorship in the forms' order."""
    mentees = (select(PairMentee.pair_id, func.count().label("n"))
               .group_by(PairMentee.pair_id).subquery())
    n = func.coalesce(mentees.c.n, 0)
    stmt = (
        select(MentorshipForm.name, MentorshipForm.position, count_if(n <= 1),
               count_if(n > 1), func.coalesce(func.sum(n), 0))
        .join(Pair, Pair.form_id == MentorshipForm.id)
        .outerjoin(mentees, mentees.c.pair_id == Pair.id)
        .where(pair_ran(on, on)).group_by(MentorshipForm.id)
        .order_by(MentorshipForm.position, MentorshipForm.name)
    )
    return [FormCount(name, int(p), int(g), int(m)) for name, _, p, g, m in session.execute(stmt)]


def authors_text(names: Sequence[str], shown: Sequence[bool]) -> tuple[str, str]:
    """The authors line as (label, text): those who consented by name, the others only counted,
    never named (no name, no initials, no ОО of their own)."""
    public = [name for name, ok in zip(names, shown, strict=True) if ok]
    hidden = len(names) - len(public)
    label = "Авторы" if len(names) > 1 else "Автор"
    if not hidden:
        return label, ", ".join(public)
    if not public:
        if hidden == 1:
            return "", AUTHOR_HIDDEN
        return "", f"Авторы ({hidden}) не дали согласия на публикацию своих данных"
    verb = "не дал" if hidden % 10 == 1 and hidden % 100 != 11 else "не дали"
    rest = f"ещё {plural(hidden, 'автор', 'автора', 'авторов')} {verb}"
    return label, f"{', '.join(public)}; {rest} согласия на публикацию своих данных"


def bank_practices(session: Session) -> list[PracticeEntry]:
    """The practices in the bank (services.practices.in_bank: newest year first, then by title);
    an author is named only when the public rule allows it (services.active.publishable)."""
    found = practices.in_bank(session)
    allowed = active.publishable(session, (pid for p in found for pid in p.author_ids))
    return [
        PracticeEntry(p.title, *authors_text(p.authors, [pid in allowed for pid in p.author_ids]),
                      p.organisation, p.form, p.year, p.description)
        for p in found
    ]


def collect(session: Session, on: date | None = None) -> SitePage:
    """What the page shows on the date (today by default)."""
    on = on or date.today()
    values = settings.get_all(session)
    return SitePage(
        on=on,
        authority=values.get("authority", ""),
        centre_name=values.get("centre_name", ""),
        centre_short=values.get("centre_short", ""),
        place=values.get("place", ""),
        municipality=own_municipality(session),
        members=tuple(active.public_list(session, on)),
        forms=tuple(forms_on(session, on)),
        practices=tuple(bank_practices(session)),
    )


# rendering ---------------------------------------------------------------------------------
def esc(value: object) -> str:
    """Text for HTML: every <, >, &, quote escaped."""
    return html.escape(str(value), quote=True)


def _members_html(members: Sequence[PublicRow]) -> str:
    if not members:
        return ('<p class="empty">Сведения о членах актива, давших согласие на публикацию, '
                "пока не размещены.</p>")
    rows = []
    for m in members:
        cells = (m.fio, m.place_of_work, m.position, m.subject_area, m.email)
        tds = "".join(
            f'<td{CELL_CLASS.get(i, "")} data-label="{esc(head)}">{esc(value or EMPTY)}</td>'
            for i, (head, value) in enumerate(zip(PEOPLE_HEADERS, cells, strict=True)))
        rows.append(f"<tr>{tds}</tr>")
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in PEOPLE_HEADERS)
    return (f'<table class="people">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + f"\n</tbody>\n</table>\n<p class=\"note\">{esc(PUBLIC_NOTE)}</p>")


def _forms_html(forms: Sequence[FormCount], on: date) -> str:
    if not forms:
        return f'<p class="empty">На {fmt_date(on)} наставнических пар и групп нет.</p>'
    most = max(f.pairs + f.groups for f in forms)
    rows = []
    for f in forms:
        share = round(100 * (f.pairs + f.groups) / most)
        rows.append(
            f'<tr><td>{esc(f.form)}<span class="bar" style="width: {share}%"></span></td>'
            f'<td class="num">{f.pairs}</td><td class="num">{f.groups}</td>'
            f'<td class="num">{f.mentees}</td></tr>')
    totals = (sum(f.pairs for f in forms), sum(f.groups for f in forms),
              sum(f.mentees for f in forms))
    head = "".join(f'<th scope="col"{NUM_CLASS if i else ""}>{esc(h)}</th>'
                   for i, h in enumerate(FORM_HEADERS))
    foot = "".join(f'<td class="num">{n}</td>' for n in totals)
    return (f"<p>Работают на {fmt_date(on)}: пар — {totals[0]}, групп — {totals[1]} "
            "(группа — наставник с несколькими наставляемыми).</p>\n"
            f'<table class="forms">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(rows) + f"\n</tbody>\n<tfoot><tr><td>Итого</td>{foot}</tr></tfoot>\n"
            "</table>")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(part)}</p>" for part in text.splitlines() if part.strip())


def _label(text: str) -> str:
    return f"<b>{esc(text)}:</b> " if text else ""


def _practice_html(p: PracticeEntry) -> str:
    meta = [part for part in (p.organisation, p.form,
                              f"{p.year} г." if p.year else "") if part]
    lines = [f"<article class=\"practice\">\n<h3>{esc(p.title)}</h3>",
             f'<p class="authors">{_label(p.authors_label)}{esc(p.authors or EMPTY)}</p>']
    if meta:
        lines.append(f'<p class="meta">{esc(" · ".join(meta))}</p>')
    lines += [_paragraphs(p.description), "</article>"]
    return "\n".join(line for line in lines if line)


def _practices_html(entries: Sequence[PracticeEntry]) -> str:
    if not entries:
        return '<p class="empty">Практики в банк пока не включены.</p>'
    return "\n".join(_practice_html(p) for p in entries)


def _requisites_html(page: SitePage) -> str:
    lines = [f'<p class="authority">{esc(page.authority)}</p>' if page.authority else "",
             f'<p class="centre">{esc(page.centre_name)}</p>' if page.centre_name else ""]
    return "\n".join(line for line in lines if line)


def _footer_html(page: SitePage) -> str:
    where = ", ".join(part for part in (page.centre_name, page.place) if part)
    lines = [f"<p>{esc(where)}</p>" if where else "",
             f"<p>Сведения по состоянию на {fmt_date(page.on)}.</p>"]
    return "\n".join(line for line in lines if line)


def render(page: SitePage) -> dict[str, bytes]:
    """The page's files, name → bytes (UTF-8)."""
    template = Template(paths.resource("site", "page.html").read_text(encoding="utf-8"))
    centre = page.centre_short or page.centre_name
    municipality = f" {page.municipality}" if page.municipality else ""
    values: dict[str, Any] = {
        "generator_note": "страница записана программой; папку перезаписывает команда site",
        "generator": esc(f"Методактив {__version__}"),
        "title": esc(f"{HEADING} — {centre}" if centre else HEADING),
        "requisites": _requisites_html(page),
        "heading": esc(HEADING),
        "subtitle": esc(SUBTITLE),
        "updated_iso": page.on.isoformat(),
        "updated": fmt_date(page.on),
        "active_heading": esc(f"{PUBLIC_TITLE}{municipality}"),
        "active": _members_html(page.members),
        "pairs": _forms_html(page.forms, page.on),
        "practices": _practices_html(page.practices),
        "footer": _footer_html(page),
    }
    return {
        PAGE: template.substitute(values).encode("utf-8"),
        STYLE: paths.resource("site", STYLE).read_bytes(),
    }


# the folder --------------------------------------------------------------------------------
def _own(entry: Path) -> bool:
    """A file of a previous page: one of OWN_FILES, a plain file, marked at its head."""
    if entry.name not in OWN_FILES or entry.is_symlink() or not entry.is_file():
        return False
    with entry.open("rb") as stream:
        return MARK.encode() in stream.read(512)


def check_folder(out: Path) -> None:
    """SiteRefused unless the folder can take the page: it is missing (its parent exists), or
    holds nothing but a previous page of this program (and a file manager's own files)."""
    if out.exists() and not out.is_dir():
        raise SiteRefused(f"«{out}» — это файл, а для страницы сайта нужна папка: укажите "
                          "новую папку или папку с прежней страницей.")
    if not out.exists():
        if not out.parent.is_dir():
            raise SiteRefused(f"Папка «{out.parent}» не существует.")
        return
    foreign = sorted(e.name for e in out.iterdir()
                     if e.name.lower() not in SYSTEM_LITTER and not _own(e))
    if foreign:
        raise SiteRefused(
            f"В папке «{out}» есть файлы, записанные не этой программой: "
            f"{quoted_names(foreign)}. "
            "Страница сайта пишется в новую или пустую папку либо в папку с прежней страницей; "
            "чужие файлы программа не перезаписывает и не удаляет — укажите другую папку.")


def write_site(session: Session, out: Path, on: date | None = None) -> list[Path]:
    """Write the page for the date into the folder (created when missing) and return its files;
    SiteRefused, before anything is written, for a folder that cannot take it."""
    check_folder(out)
    files = render(collect(session, on))
    out.mkdir(exist_ok=True)
    written = []
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written
