"""The blank form of practices (kinds.PRACTICES): each row a practice an ОО proposes, with its
authors found in the registry by ФИО (and the birth date in brackets where two people share
one), its ОО and form of mentorship found by name, and its files read from beside the form.

A row is matched to a practice of the database by its ОО, title (case, ё/е and spaces ignored)
and year: a known practice is updated (its status and the active's decision stay; its authors
become the row's; its files are added to), a new one is recorded «предложена». An unknown
author, an unknown ОО or form, a file that cannot be found or read refuses the row at its
column; the import is all or nothing (importer.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.exchange.forms_base import FormImport
from desktop_app.exchange.reader import SheetRows
from desktop_app.exchange.result import ADDED, CHANGED, UNCHANGED, SheetOutcome
from desktop_app.model import MentorshipForm, Person, Practice, PracticeFile
from desktop_app.model.enums import MenteeCategory, PracticeStatus
from desktop_app.services import practice_files, practices
from desktop_app.services.practices import PracticeError, PracticeInput
from desktop_app.textutil import clean, fmt_date, fold, person_key

# «Иванова Анна Ивановна (12.03.1980)» or «…, 12.03.1980»: the birth date that tells two apart
_BORN = re.compile(r"^(?P<name>.*?)[\s,]*\(?\s*(?P<day>\d{1,2})\.(?P<month>\d{1,2})\."
                   r"(?P<year>\d{4})\s*(?:г\.?\s*(?:р\.?)?)?\)?$")
_SEPARATORS = re.compile(r"[;\n]")
Candidate = tuple[int, date, int | None]  # person id, birth date, ОО


def split_list(text: str) -> list[str]:
    """The parts of a cell listing several values through «;» (or on lines of their own)."""
    return [clean(part) for part in _SEPARATORS.split(text or "") if clean(part)]


def parse_author(text: str) -> tuple[str, date | None]:
    """(ФИО, birth date or None) of an author as a form names one."""
    found = _BORN.match(text)
    if found is None:
        return clean(text), None
    try:
        born = date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return clean(text), None
    return clean(found["name"]), born


class PracticesImport(FormImport):
    """Practices by ОО, title and year; authors, ОО, form and files checked against the
    database and the disk before anything is written."""

    def __init__(self, session: Session, rows: SheetRows, outcome: SheetOutcome, today: date,
                 folder: Path | None = None, **kw: Any) -> None:
        super().__init__(session, rows, outcome, today, **kw)
        self.folder = folder or Path.cwd()

    def run(self) -> None:
        orgs = self.organisations()
        forms = {fold(n): i for i, n in self.session.execute(
            select(MentorshipForm.id, MentorshipForm.name))}
        people = self._people()
        keyed = []
        for number, values in self.rows.rows:
            resolved = self._resolve(number, values, orgs, forms, people)
            if resolved is not None:
                data, files = resolved
                key = (data.organisation_id, fold(data.title), data.year)
                keyed.append((key, number, {**values, "_data": data, "_files": files}))
        for _key, number, values in self.duplicates(keyed, "title", "практика"):
            self._apply(number, values["_data"], values["_files"])

    # the row's references ---------------------------------------------------------------
    def _people(self) -> dict[str, list[Candidate]]:
        found: dict[str, list[Candidate]] = {}
        stmt = select(Person.id, Person.search_key, Person.birth_date, Person.organisation_id)
        for pid, key, born, org in self.session.execute(stmt):
            found.setdefault(key, []).append((pid, born, org))
        return found

    def _resolve(self, number: int, values: dict[str, Any], orgs: dict[str, int],
                 forms: dict[str, int], people: dict[str, list[Candidate]]
                 ) -> tuple[PracticeInput, list[tuple[str, bytes]]] | None:
        before = len(self.outcome.errors)
        org = self.find_org(orgs, number, "organisation", values.get("organisation"))
        form = None
        if values.get("form"):
            form = forms.get(fold(values["form"]))
            if form is None:
                self.refuse(number, "form", values["form"], "такой формы наставничества нет "
                            "в базе: выберите её из списка")
        authors = self._authors(number, values.get("authors", ""), org, people)
        files = self._files(number, values.get("files", ""))
        if len(self.outcome.errors) > before or org is None:
            return None
        data = PracticeInput(
            title=values.get("title", ""), author_ids=tuple(authors), organisation_id=org,
            year=values.get("year"), form_id=form,
            mentee_category=values.get("mentee_category") or MenteeCategory.UNKNOWN.value,
            description=values.get("description", ""), results=values.get("results", ""))
        try:
            data = practices.checked(self.session, data)
        except PracticeError as exc:
            self.refuse(number, self._field_of(str(exc)), "", str(exc).rstrip("."))
            return None
        return data, files

    @staticmethod
    def _field_of(message: str) -> str:
        for prefix, key in (("Название", "title"), ("Год", "year"), ("Краткое", "description"),
                            ("Результаты", "results"), ("Авторы", "authors")):
            if message.startswith(prefix):
                return key
        return "title"

    def _authors(self, number: int, text: str, org: int | None,
                 people: dict[str, list[Candidate]]) -> list[int]:
        found: list[int] = []
        for part in split_list(text):
            name, born = parse_author(part)
            candidates = people.get(person_key(name), [])
            if born is not None:
                candidates = [c for c in candidates if c[1] == born]
            if len(candidates) > 1 and org is not None:
                mine = [c for c in candidates if c[2] == org]
                candidates = mine or candidates
            if len(candidates) == 1:
                found.append(candidates[0][0])
            elif not candidates:
                when = f", {fmt_date(born)} г. р.," if born else ""
                self.refuse(number, "authors", part, f"педагога «{name}»{when} нет в реестре: "
                            "проверьте ФИО или сначала загрузите педагога на листе «Педагоги»")
            else:
                self.refuse(number, "authors", part, (
                    f"в реестре {len(candidates)} педагога «{name}»: укажите дату рождения в "
                    f"скобках, например «{name} ({fmt_date(candidates[0][1])})»"))
        if not split_list(text):
            self.refuse(number, "authors", text, "не указан ни один автор")
        return found

    def _files(self, number: int, text: str) -> list[tuple[str, bytes]]:
        """(name, content) of each file the row names; a missing one is refused."""
        out: list[tuple[str, bytes]] = []
        for part in split_list(text):
            path = Path(part)
            if not path.is_absolute():
                path = self.folder / path
            problem = practice_files.source_problem(path)
            if problem is not None:
                self.refuse(number, "files", part, f"{problem} (файлы ищутся рядом с файлом "
                            f"Excel, в папке «{self.folder}»)")
                continue
            try:
                out.append((path.name, path.read_bytes()))
            except OSError as exc:
                self.refuse(number, "files", part, f"файл не прочитан: {exc.strerror or exc}")
        names = [n for n, _c in out]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.refuse(number, "files", text, f"два файла с именем «{name}»: переименуйте один")
        return out

    # writing --------------------------------------------------------------------------------
    def _apply(self, number: int, data: PracticeInput, files: list[tuple[str, bytes]]) -> None:
        known = self._known(data)
        if known is None:
            practice_id = practices.add_practice(self.session, data)
            action = ADDED
        else:
            before = practices.get_practice(self.session, known.id).data
            kept = replace(data, pair_ids=before.pair_ids, status=before.status,
                           decided_on=before.decided_on, meeting_id=before.meeting_id)
            practices.update_practice(self.session, known.id, kept)
            practice_id = known.id
            action = CHANGED if kept != before else UNCHANGED
        try:
            added = self._attach(practice_id, files)
        except PracticeError as exc:
            self.refuse(number, "files", "", str(exc).rstrip("."))
            return
        if action == UNCHANGED and added:
            action = CHANGED
        status = PracticeStatus(self.session.get(Practice, practice_id).status  # type: ignore[union-attr]
                                ).label
        self.act(number, action, f"«{data.title}» ({status})")

    def _known(self, data: PracticeInput) -> Practice | None:
        stmt = select(Practice).where(Practice.organisation_id == data.organisation_id,
                                      Practice.year == data.year)
        wanted = fold(data.title)
        return next((p for p in self.session.scalars(stmt) if fold(p.title) == wanted), None)

    def _attach(self, practice_id: int, files: list[tuple[str, bytes]]) -> int:
        """Keep the row's files in the practice; returns how many were new."""
        have = set(self.session.scalars(select(PracticeFile.name).where(
            PracticeFile.practice_id == practice_id)))
        for name, content in files:
            practice_files.store(self.session, practice_id, name, content, self.today,
                                 copy=False)
        return len({n for n, _c in files} - have)
