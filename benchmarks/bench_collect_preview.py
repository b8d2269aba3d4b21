"""The preview of one school's returned round file: 150 teachers, checked before it goes in.

The municipal demo (seed 1) with its largest school topped up to 150 working teachers; a round
started; that school's file filled as a school would (openpyxl: categories, phones and a
position changed, two teachers added, one leaving, a participation added, one row deleted).
Timed, median of --runs runs each, in the same run:
- baseline: openpyxl read_only reading every cell of every sheet of the returned file;
- preview: review_return — the file opened safely, its hidden sheet checked, every data sheet
  read with the forms' reader, compared with what was sent and with the database now, and the
  apply run in a transaction that is rolled back (goal ≤ 1 s);
- for information: applying it (apply_return, with the backup before) on a copy.
Run: /work/venv/bin/python benchmarks/bench_collect_preview.py [--runs 5] [--teachers 150]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from desktop_app.demo import write_demo  # noqa: E402
from desktop_app.exchange.rounds.apply import apply_return  # noqa: E402
from desktop_app.exchange.rounds.preview import review_return  # noqa: E402
from desktop_app.exchange.rounds.write import start_round  # noqa: E402
from desktop_app.model import Person  # noqa: E402
from desktop_app.services import registry  # noqa: E402
from desktop_app.services.validation import PersonInput  # noqa: E402
from desktop_app.store.database import Database, open_database  # noqa: E402

GOAL = 1.0  # seconds for one school's preview
LAST = ["Орлова", "Зайцева", "Соколова", "Лебедева", "Козлова", "Новикова", "Морозова",
        "Волкова", "Егорова", "Павлова", "Семёнова", "Голубева", "Виноградова", "Богданова"]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана"]
MIDDLE = ["Ивановна", "Петровна", "Сергеевна", "Андреевна", "Олеговна", "Алексеевна"]


def top_up(db: Database, teachers: int) -> int:
    """The largest school of the demo with working teachers added up to `teachers`; its id."""
    with db.sessions.begin() as s:
        org_id, have = s.execute(
            select(Person.organisation_id, func.count(Person.id)).where(Person.is_active)
            .group_by(Person.organisation_id).order_by(func.count(Person.id).desc())).first()
        for n in range(teachers - have):
            registry.add_person(s, PersonInput(
                last_name=LAST[n % len(LAST)], first_name=FIRST[n // len(LAST) % len(FIRST)],
                middle_name=MIDDLE[n % len(MIDDLE)],
                birth_date=date(1965, 1, 1) + timedelta(days=97 * n),
                organisation_id=org_id, position="учитель", category="first",
                ped_experience_start=date(1965, 1, 1) + timedelta(days=97 * n + 365 * 23),
                education_level="higher", education_pedagogical=True, subject="история"))
    return int(org_id)


def fill(path: Path, on: date) -> Path:
    """The school's changes, typed with openpyxl; the returned file."""
    wb = openpyxl.load_workbook(path)
    people = wb["Педагоги"]
    titles = [str(c.value).removesuffix(" *") for c in people[1]]
    col = {t: i + 1 for i, t in enumerate(titles)}
    last = max(r for r in range(2, people.max_row + 1)
               if people.cell(row=r, column=col["Код записи"]).value)
    for r in range(2, 8):
        people.cell(row=r, column=col["Квалификационная категория"], value="высшая")
        people.cell(row=r, column=col["Телефон"], value=f"8 913 555 0{r} 0{r}")
    people.cell(row=8, column=col["Должность"], value="заместитель директора")
    people.cell(row=9, column=col["Работает"], value="нет")
    people.cell(row=9, column=col["Дата выбытия"], value=on - timedelta(days=3))
    people.delete_rows(10)
    last -= 1
    for n, (fam, name) in enumerate((("Тестова", "Вера"), ("Пробная", "Нина")), start=1):
        values = {"Фамилия": fam, "Имя": name, "Отчество": "Ивановна",
                  "Дата рождения": date(1990 + n, 3, 4), "ОО": people.cell(row=2, column=col[
                      "ОО"]).value, "Должность": "учитель", "Квалификационная категория":
                  "без категории"}
        for title, value in values.items():
            people.cell(row=last + n, column=col[title], value=value)
    parts = wb["Участие в мероприятиях"]
    ptitles = [str(c.value).removesuffix(" *") for c in parts[1]]
    prow = 2 + sum(1 for r in range(2, parts.max_row + 1) if parts.cell(row=r, column=1).value)
    for title, value in {"Фамилия": "Тестова", "Имя": "Вера", "Отчество": "Ивановна",
                         "Дата рождения": date(1991, 3, 4), "Вид участия": "мастер-класс",
                         "Название мероприятия": "Мастер-класс", "Уровень": "муниципальный",
                         "Дата": on}.items():
        parts.cell(row=prow, column=ptitles.index(title) + 1, value=value)
    out = path.with_name("возврат.xlsx")
    wb.save(out)
    return out


def read_all(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return cells


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--teachers", type=int, default=150)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-collect-preview-"))
    os.environ["METODAKTIV_HOME"] = str(folder / "home")
    base = folder / "centre.sqlite"
    write_demo(base, "municipality", seed=1)
    db = open_database(base)
    on = date.today()
    try:
        org_id = top_up(db, args.teachers)
        started = start_round(db, on, folder / "round")
        sent = next(f for f in started.files if f.org_id == org_id)
        returned = fill(sent.path, on)
        cells = read_all(returned)
        baseline = median_time(lambda: read_all(returned), args.runs)
        review = review_return(db, returned)
        preview = median_time(lambda: review_return(db, returned), args.runs)
    finally:
        db.dispose()
    copy = folder / "copy.sqlite"
    shutil.copy(base, copy)
    db = open_database(copy)
    try:
        begun = time.perf_counter()
        result = apply_return(db, returned)
        applying = time.perf_counter() - begun
    finally:
        db.dispose()
    print(f"Файл школы «{sent.org_name}»: педагогов {sent.people}, пар {sent.pairs}, участий "
          f"{sent.participations}; в возвращённом файле ячеек {cells}")
    print(f"  изменений {len(review.changes)}, не подтверждено {len(review.unconfirmed)}, "
          f"отказано {len(review.errors)}; применение: {result.message}")
    print(f"openpyxl read_only, все ячейки файла (база сравнения): {baseline * 1000:.0f} мс")
    ratio = preview / baseline if baseline else float("inf")
    verdict = "цель достигнута" if preview <= GOAL else "ЦЕЛЬ НЕ ДОСТИГНУТА"
    print(f"просмотр (review_return, с пробным применением): {preview * 1000:.0f} мс — "
          f"{ratio:.1f}× базы; цель ≤ {GOAL:.0f} с: {verdict}")
    print(f"применение (apply_return, с резервной копией): {applying * 1000:.0f} мс")
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if preview <= GOAL and not review.errors else 1


if __name__ == "__main__":
    sys.exit(main())
