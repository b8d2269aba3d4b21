"""The page «Наставничество» for the centre's site (metodaktiv site --out DIR): made from the
demo database and opened in a real headless Chromium (Playwright driving Debian's chromium) as a
visitor sees it — on a desktop and on a phone —, with no personal data of a person who did not
consent anywhere in the folder, and only the page's own files written."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.model import ActiveMember, MentorshipForm, Organisation, Pair, PairMentee, Person
from desktop_app.model.enums import PracticeStatus
from desktop_app.reports import build
from desktop_app.reports.docmodel import Table
from desktop_app.reports.params import ReportParams
from desktop_app.reports.site import (
    AUTHOR_HIDDEN,
    MARK,
    OWN_FILES,
    authors_text,
    forms_on,
)
from desktop_app.services import active, practices
from desktop_app.store.database import Database, open_database
from desktop_app.textutil import fio

ON = date(2026, 11, 1)  # the demo's «today» (demo.base.REFERENCE)
ON_TEXT = "01.11.2026"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="нет Chromium (пакет Debian chromium): страница не открывается в "
                             "браузере; CI ставит его в .ci/run")

HIDDEN = ("Засекреченная", "Пелагея", "Ильинична")  # a member and an author, no consent
HIDDEN_PHONE, HIDDEN_EMAIL, HIDDEN_BORN = "+7 913 555-12-34", "zasekr@example.ru", date(1979, 4, 13)
PUBLIC_AUTHOR = ("Ясенева", "Олеся", "Игоревна")  # an author who consented, not in the active
GROUP_FORM = "Групповое наставничество"
EVIL_TITLE = "<script>alert('x')</script> Практика «Я & мы»"


@dataclass(frozen=True)
class Demo:
    path: Path
    out: Path
    hidden_id: int


def _person(session: Any, names: tuple[str, str, str], org: Organisation, consent: bool,
            phone: str = "", email: str = "", born: date = date(1985, 6, 1)) -> Person:
    person = Person(last_name=names[0], first_name=names[1], middle_name=names[2],
                    search_key=names[0].lower(), birth_date=born, organisation=org,
                    position="учитель", phone=phone, email=email, consent_publish=consent,
                    ped_experience_start=date(2005, 9, 1))
    session.add(person)
    session.flush()
    return person


def _prepare(path: Path) -> int:
    """The demo plus: a member who did not consent, authoring a practice in the bank with an
    author who did; a practice only the non-consenting one wrote; a rejected practice; a group
    of two mentees running on the date. Returns the non-consenting person's id."""
    db = open_database(path)
    try:
        with db.sessions.begin() as s:
            org = s.scalars(select(Organisation).order_by(Organisation.id)).first()
            assert org is not None
            hidden = _person(s, HIDDEN, org, False, HIDDEN_PHONE, HIDDEN_EMAIL, HIDDEN_BORN)
            s.add(ActiveMember(person_id=hidden.id, status="included",
                               included_on=date(2025, 9, 1), subject_area="история"))
            author = _person(s, PUBLIC_AUTHOR, org, True, "+7 900 000-00-01", "yaseneva@mail.ru")
            form = s.scalars(select(MentorshipForm.id).order_by(MentorshipForm.position)).first()
            for title, authors, status in (
                    ("Клуб молодого педагога", (author.id, hidden.id), "включена в банк"),
                    (EVIL_TITLE, (hidden.id,), "включена в банк"),
                    ("Отклонённая практика", (author.id,), "отклонена")):
                practices.add_practice(s, practices.PracticeInput(
                    title=title, author_ids=authors, organisation_id=org.id, year=2026,
                    form_id=form, description="Первый абзац.\nВторой абзац.", status=status,
                    decided_on=date(2026, 10, 15)))
            _group(s, org)
            return hidden.id
    finally:
        db.dispose()


def _group(session: Any, org: Organisation) -> None:
    form_id = session.scalar(select(MentorshipForm.id).where(MentorshipForm.name == GROUP_FORM))
    mentor, *mentees = (_person(session, (f"Групповой{i}", "Пётр", "Ильич"), org, False)
                        for i in range(3))
    pair = Pair(mentor_id=mentor.id, form_id=form_id, start_date=date(2026, 9, 1),
                end_date=date(2027, 5, 31), status="active")
    session.add(pair)
    session.flush()
    session.add_all(PairMentee(pair_id=pair.id, person_id=m.id) for m in mentees)


@pytest.fixture
def demo(base: Path, tmp_path: Path) -> Demo:
    """The small demo prepared and its page written by the command."""
    hidden_id = _prepare(base)
    out = tmp_path / "сайт" / "наставничество"
    out.parent.mkdir()
    assert main(["--db", str(base), "site", "--out", str(out), "--date", ON_TEXT]) == 0
    return Demo(base, out, hidden_id)


@contextmanager
def _reading(path: Path) -> Iterator[Any]:
    db = open_database(path)
    try:
        with db.sessions() as session:
            yield session
    finally:
        db.dispose()


def _bank_titles(path: Path) -> list[str]:
    """The titles of the practices included in the bank, read in plain SQL."""
    con = sqlite3.connect(path)
    try:
        return [t for (t,) in con.execute("SELECT title FROM practices WHERE status = ?",
                                          (PracticeStatus.INCLUDED.value,))]
    finally:
        con.close()


def _running_by_form(path: Path) -> dict[str, tuple[int, int, int]]:
    """Pairs, groups and mentees running on ON by form, counted here in plain SQL."""
    day = ON.isoformat()
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT f.name, (SELECT count(*) FROM pair_mentees m WHERE m.pair_id = p.id) "
            "FROM pairs p JOIN mentorship_forms f ON f.id = p.form_id WHERE p.status <> "
            "'planned' AND p.start_date <= ? AND coalesce(p.ended_on, p.end_date) >= ?",
            (day, day)).fetchall()
    finally:
        con.close()
    counts: dict[str, list[int]] = {}
    for form, n in rows:
        c = counts.setdefault(form, [0, 0, 0])
        c[0 if n <= 1 else 1] += 1
        c[2] += n
    return {form: (c[0], c[1], c[2]) for form, c in counts.items()}


# the browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("нет Chromium (пакет Debian chromium): CI ставит его в .ci/run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _open(browser: Any, folder: Path, **context: Any) -> tuple[Any, list[str]]:
    """The page opened with scripts off, as a visitor's browser shows it; the addresses it
    asked for."""
    page = browser.new_context(java_script_enabled=False, **context).new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto((folder / "index.html").as_uri())
    return page, asked


@needs_chromium
def test_visitor_sees_the_page(demo: Demo, browser: Any) -> None:
    page, asked = _open(browser, demo.out, viewport={"width": 1280, "height": 900})
    assert page.title() == "Наставничество — МКУ «ИМЦ»"
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "Наставничество"
    assert f"Сведения обновлены {ON_TEXT}" in page.locator("header").inner_text()
    assert "Информационно-методический центр" in page.locator("header").inner_text()
    # only the folder's own files were asked for, and the style sheet applied
    assert asked and all(url.startswith("file://") for url in asked), asked
    assert {url.rsplit("/", 1)[-1] for url in asked} == set(OWN_FILES)
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(29, 92, 150)"
    # the active: the consenting members on the date, by the one public rule
    shown = page.locator("#active td.fio").all_inner_texts()
    with _reading(demo.path) as session:
        expected = [r.fio for r in active.public_list(session, ON)]
    assert shown == expected and len(shown) >= 2
    assert fio(*HIDDEN) not in page.locator("body").inner_text()
    assert page.locator("#active td.fio").first.is_visible()


@needs_chromium
def test_visitor_sees_pairs_and_groups_by_form(demo: Demo, browser: Any) -> None:
    page, _ = _open(browser, demo.out)
    rows = page.locator("#pairs table.forms tbody tr")
    seen = {}
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        seen[cells[0].strip()] = tuple(int(c) for c in cells[1:])
    expected = _running_by_form(demo.path)
    assert seen == expected
    assert expected[GROUP_FORM][1] >= 1  # the group counted as a group, not a pair
    total = page.locator("#pairs tfoot td").all_inner_texts()
    assert total == ["Итого", *(str(sum(v[k] for v in expected.values())) for k in range(3))]


@needs_chromium
def test_visitor_sees_practices_with_authors(demo: Demo, browser: Any) -> None:
    page, _ = _open(browser, demo.out)
    titles = page.locator("#practices article h3").all_inner_texts()
    in_bank = _bank_titles(demo.path)  # the demo's own and this test's, not the rejected one
    assert {EVIL_TITLE, "Клуб молодого педагога"} <= set(in_bank)
    assert sorted(titles) == sorted(in_bank)
    club = page.locator("#practices article", has_text="Клуб молодого педагога")
    authors = club.locator(".authors").inner_text()
    assert fio(*PUBLIC_AUTHOR) in authors
    assert authors.startswith("Авторы: ")
    assert "ещё 1 автор не дал согласия на публикацию своих данных" in authors
    evil = page.locator("#practices article", has_text="alert")
    assert evil.locator(".authors").inner_text() == AUTHOR_HIDDEN
    assert page.locator("script").count() == 0  # the title is text, not a script
    assert club.locator("p", has_text="Второй абзац.").count() == 1


@needs_chromium
def test_page_fits_a_phone(demo: Demo, browser: Any) -> None:
    page, _ = _open(browser, demo.out, viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True, device_scale_factor=2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"горизонтальная прокрутка: ширина страницы {width} px"
    assert page.evaluate("window.innerWidth") == 390  # the viewport meta honoured
    # the active reads as cards: a member's name on its own line, above the place of work
    name = page.locator("#active td.fio").first.bounding_box()
    place = page.locator("#active td[data-label='Место работы']").first.bounding_box()
    assert name is not None and place is not None and place["y"] > name["y"]


@needs_chromium
def test_dump_dom_of_plain_chromium(demo: Demo, tmp_path: Path) -> None:
    """The same page through `chromium --headless --dump-dom`, without Playwright."""
    import subprocess

    assert CHROMIUM is not None
    result = subprocess.run(
        [CHROMIUM, "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", (demo.out / "index.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    assert "<h1>Наставничество</h1>" in result.stdout
    assert "Клуб молодого педагога" in result.stdout and HIDDEN[0] not in result.stdout


# the folder ----------------------------------------------------------------------------------
def test_no_personal_data_of_non_consenting_people_in_the_folder(demo: Demo) -> None:
    with _reading(demo.path) as session:
        shown = {r.fio for r in active.public_list(session, ON)} | {fio(*PUBLIC_AUTHOR)}
        quiet = session.execute(select(Person.last_name, Person.first_name, Person.middle_name,
                                       Person.phone, Person.email, Person.birth_date)
                                .where(Person.consent_publish.is_(False))).all()
    assert len(quiet) > 5
    texts = {p.name: p.read_text(encoding="utf-8") for p in demo.out.iterdir()}
    for last, first, middle, phone, email, born in quiet:
        assert fio(last, first, middle) not in shown
        for name, text in texts.items():
            assert fio(last, first, middle) not in text, (name, last)
            assert f"{last} {first[:1]}." not in text, (name, last)
            for secret in (phone, email):
                assert not secret or secret not in text, (name, secret)
            assert born.strftime("%d.%m.%Y") not in text and born.isoformat() not in text
    for name, text in texts.items():
        assert HIDDEN[0] not in text and HIDDEN_PHONE not in text, name
        assert HIDDEN_EMAIL not in text and "13.04.1979" not in text, name


def test_only_the_page_is_written_and_nothing_external(demo: Demo) -> None:
    assert sorted(p.name for p in demo.out.iterdir()) == sorted(OWN_FILES)
    assert sorted(p.name for p in demo.out.parent.iterdir()) == ["наставничество"]
    for path in demo.out.iterdir():
        text = path.read_text(encoding="utf-8")  # UTF-8
        assert MARK in text[:200]
        for word in ("http:", "https:", "//", "@import", "<script", "@font-face", "url("):
            assert word not in text.replace("<!--", "").replace("-->", ""), (path.name, word)
    page = (demo.out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and '<meta charset="utf-8">' in page
    assert 'name="viewport"' in page and 'href="site.css"' in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_page_rewritten_in_its_own_folder(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    before = (demo.out / "index.html").read_text(encoding="utf-8")
    (demo.out / "Thumbs.db").write_bytes(b"\0")  # a file manager's own, left alone
    assert main(["--db", str(demo.path), "site", "--out", str(demo.out), "--date",
                 "01.10.2026"]) == 0
    after = (demo.out / "index.html").read_text(encoding="utf-8")
    assert "Сведения обновлены <time datetime=\"2026-10-01\">01.10.2026" in after != before
    assert (demo.out / "Thumbs.db").read_bytes() == b"\0"
    assert "записана в папку" in capsys.readouterr().out


@pytest.mark.parametrize("foreign", ["index.html", "заметки.txt", "картинки/"])
def test_folder_with_other_files_refused_untouched(base: Path, tmp_path: Path, foreign: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    out.mkdir()
    target = out / foreign.rstrip("/")
    if foreign.endswith("/"):
        target.mkdir()
    else:
        target.write_text("чужое", encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", str(base), "site", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"«{target.name}»" in err and "записанные не этой программой" in err
    assert "чужие файлы программа не перезаписывает и не удаляет" in err
    assert [p.name for p in out.iterdir()] == [target.name]
    if not foreign.endswith("/"):
        assert target.read_text(encoding="utf-8") == "чужое"


def test_file_or_missing_parent_refused(base: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "page"
    a_file.write_text("x", encoding="utf-8")
    assert main(["--db", str(base), "site", "--out", str(a_file)]) == 1
    assert "это файл, а для страницы сайта нужна папка" in capsys.readouterr().err
    assert a_file.read_text(encoding="utf-8") == "x"
    nowhere = tmp_path / "нет" / "page"
    assert main(["--db", str(base), "site", "--out", str(nowhere)]) == 1
    assert "не существует" in capsys.readouterr().err and not nowhere.parent.exists()


def test_placeholder_requisites_refused(db: Database, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = db.path
    db.dispose()
    out = tmp_path / "site"
    assert main(["--db", str(path), "site", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "не заполнены реквизиты центра" in err and "settings set centre_name" in err
    assert not out.exists()


# the rule and the wording --------------------------------------------------------------------
def test_printed_public_list_and_page_use_the_one_rule(demo: Demo) -> None:
    with _reading(demo.path) as session:
        rows = active.public_list(session, ON)
        document = build(session, "public-list", ReportParams(on=ON))
        forms = forms_on(session, ON)
    table = next(b for b in document.blocks if isinstance(b, Table))
    assert [r[0] for r in table.rows] == [r.fio for r in rows]
    assert [r[1] for r in table.rows] == [r.place_of_work or "—" for r in rows]
    assert fio(*HIDDEN) not in {r.fio for r in rows}
    page = (demo.out / "index.html").read_text(encoding="utf-8")
    for row in rows:
        assert row.fio in page and (not row.email or row.email in page)
    assert {f.form: (f.pairs, f.groups, f.mentees) for f in forms} == _running_by_form(demo.path)


def test_authors_who_did_not_consent_are_only_counted() -> None:
    assert authors_text(["А Б В"], [True]) == ("Автор", "А Б В")
    assert authors_text(["А", "Б"], [True, True]) == ("Авторы", "А, Б")
    assert authors_text(["А Б В"], [False]) == ("", AUTHOR_HIDDEN)
    assert authors_text(["А", "Б", "В"], [False, False, False]) == (
        "", "Авторы (3) не дали согласия на публикацию своих данных")
    assert authors_text(["А", "Б", "В"], [True, False, False]) == (
        "Авторы", "А; ещё 2 автора не дали согласия на публикацию своих данных")
    many = authors_text(["А", *"БВГДЕЖ"], [True] + [False] * 6)[1]
    assert many == "А; ещё 6 авторов не дали согласия на публикацию своих данных"


# the window ----------------------------------------------------------------------------------
def test_documents_menu_writes_the_page(qtbot, demo: Demo, tmp_path: Path,  # type: ignore[no-untyped-def]
                                        monkeypatch: pytest.MonkeyPatch,
                                        no_blocking_message_boxes: list[tuple[str, str]]) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui import site_dialog
    from desktop_app.ui.main_window import MainWindow

    folder = tmp_path / "из окна"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window = MainWindow(open_database(demo.path))
    qtbot.addWidget(window)
    window.docs_menu.aboutToShow.emit()
    action = next(a for a in window.docs_menu.actions() if a.text() == site_dialog.MENU_TITLE)
    action.trigger()
    assert sorted(p.name for p in folder.iterdir()) == sorted(OWN_FILES)
    kind, text = no_blocking_message_boxes[-1]
    assert kind == "information" and "Страница сайта записана" in text
    (folder / "чужой.txt").write_text("x", encoding="utf-8")
    assert site_dialog.publish_site(window) is None
    kind, text = no_blocking_message_boxes[-1]
    assert kind == "warning" and "«чужой.txt»" in text
