"""The bank of best practices in the demo: practices of its mentors for the collections of the
last two years, with the three outcomes of the active's review — included in the bank and
rejected at a meeting of the active, a practice reviewed and awaiting its decision, others just
proposed — linked to their authors' pairs (the monitoring and re-diagnosis figures show), one
with a co-author of another ОО and two with a file attached. Run after every other builder, so
the draws of the rest of the demo stay as they were."""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from datetime import date, timedelta

from desktop_app import model
from desktop_app.demo.base import REFERENCE, Demo, Row
from desktop_app.model.enums import PracticeStatus
from desktop_app.services.practice_files import PART_BYTES

P = PracticeStatus
# title, description, results, the form's name begins with, the outcome in each year
PRACTICES: tuple[tuple[str, str, str, str], ...] = (
    ("«Школа молодого педагога»: сопровождение в первый год работы",
     "Наставник и молодой специалист работают по персонализированной программе: "
     "совместное планирование уроков, взаимопосещение, разбор затруднений раз в две недели.\n"
     "Практика опирается на дорожную карту адаптации и чек-лист первого года работы.",
     "Молодые специалисты закрыли затруднения в проектировании урока и в работе с "
     "родителями; все участники продолжают работать в профессии.",
     "Традиционное"),
    ("Педагогическая мастерская «Урок-исследование»",
     "Группа наставляемых под руководством наставника разрабатывает и проводит уроки "
     "исследовательского типа, затем анализирует их в формате открытой рефлексии.",
     "Разработан банк из двенадцати сценариев уроков; наставляемые провели открытые уроки "
     "на муниципальном уровне.",
     "Групповое"),
    ("Цифровой наставник: реверсивное наставничество в ИКТ",
     "Молодой педагог помогает опытному коллеге освоить цифровые образовательные ресурсы, "
     "опытный педагог — методику построения урока.",
     "Оба участника применяют цифровые сервисы на уроках; снизились затруднения в цифровой "
     "компетентности по повторной диагностике.",
     "Реверсивное"),
    ("Кейс-клуб «Трудная ситуация на уроке»",
     "Наставляемые приносят ситуации из своей практики, наставник ведёт разбор по "
     "алгоритму: описание — анализ — варианты решения — выбор.",
     "Сформирован сборник из двадцати разобранных кейсов, используемый в ОО муниципалитета.",
     "Ситуационное"),
    ("Наставничество в школе с низкими образовательными результатами",
     "Муниципальный наставник из другой ОО сопровождает педагогов ШНОР: диагностика "
     "дефицитов, индивидуальные маршруты, совместный анализ результатов ВПР.",
     "Доля обучающихся, успешно выполнивших ВПР, выросла; педагоги ШНОР прошли повторную "
     "диагностику с меньшим числом дефицитов.",
     "Традиционное"),
    ("Краткосрочная программа подготовки к конкурсу профессионального мастерства",
     "Наставник готовит участника конкурса: самопрезентация, открытый урок, мастер-класс; "
     "три пробных выступления перед коллегами.",
     "Наставляемый стал призёром муниципального этапа конкурса.",
     "Краткосрочное"),
    ("Сетевое наставничество «Детский сад — школа»",
     "Педагоги дошкольной и общеобразовательной организаций обмениваются опытом по "
     "преемственности: совместные занятия и методические встречи.",
     "Проведено шесть совместных мероприятий; разработана памятка для педагогов.",
     "Сетевое"),
)
# the mentees' category a practice is about, where its text names one
CATEGORY = {0: "young", 4: "low_results", 5: "new_duties"}
# the outcome of each practice of a year's collection
OUTCOMES = {
    2025: (P.INCLUDED, P.INCLUDED, P.REJECTED, P.INCLUDED),
    2026: (P.INCLUDED, P.REVIEWED, P.PROPOSED),
}
# practices of a collection, by the school year whose pairs they show
SCHOOL_YEAR = {2025: 2024, 2026: 2025}
FILES = {
    0: ("Описание практики.txt", "Описание практики наставничества"),
    1: ("Сценарии уроков.txt", "Сценарии уроков-исследований"),
}


def build_practices(demo: Demo) -> None:
    """The practices of the collections of 2025 and 2026 with their authors, pairs, decisions
    and files; none when the demo has no pairs or no meetings."""
    pairs = [p for p in demo.tables[model.Pair] if p["status"] in ("active", "completed")]
    meetings = demo.tables[model.Meeting]
    if not pairs or not meetings:
        return
    by_year: dict[int, list[Row]] = defaultdict(list)
    for pair in pairs:
        school_year = pair["start_date"].year if pair["start_date"].month >= 9 else \
            pair["start_date"].year - 1
        by_year[school_year].append(pair)
    number = 0
    used: set[int] = set()
    for year, outcomes in OUTCOMES.items():
        # the pairs of the school year before, else any (a small demo has few): every year's
        # collection has its practices
        candidates = ([p for p in by_year.get(SCHOOL_YEAR[year], []) if p["mentor_id"] not in used]
                      or [p for p in pairs if p["mentor_id"] not in used] or pairs)
        meeting = _decision_meeting(meetings, year)
        for status in outcomes:
            if not candidates or number >= len(PRACTICES):
                return
            fitting = [p for p in candidates if p["mentee_category"] == CATEGORY.get(number)]
            pair = demo.rng.choice(fitting or candidates)
            used.add(pair["mentor_id"])
            candidates = [p for p in candidates if p["mentor_id"] not in used] or candidates
            _practice(demo, number, year, status, pair, meeting)
            number += 1


def _decision_meeting(meetings: list[Row], year: int) -> Row | None:
    """The last meeting of the year before the demo's «today» (the collection is decided at
    the year's end)."""
    held = [m for m in meetings if m["meeting_date"].year == year
            and m["meeting_date"] < REFERENCE]
    return max(held, key=lambda m: m["meeting_date"]) if held else None


def _person(demo: Demo, person_id: int) -> Row:
    return next(p for p in demo.people if p["id"] == person_id)


def _practice(demo: Demo, number: int, year: int, status: PracticeStatus, pair: Row,
              meeting: Row | None) -> None:
    title, description, results, form = PRACTICES[number]
    mentor = _person(demo, pair["mentor_id"])
    decided = status is not P.PROPOSED and meeting is not None
    form_id = next((i for name, i in demo.forms.items() if name.startswith(form)),
                   pair["form_id"])
    practice = demo.add(model.Practice, {
        "id": None, "title": title, "organisation_id": mentor["organisation_id"],
        "form_id": form_id, "mentee_category": pair["mentee_category"],
        "description": description, "results": results, "year": year,
        "status": status.value if decided else P.PROPOSED.value,
        "decided_on": meeting["meeting_date"] if decided and meeting else None,
        "meeting_id": meeting["id"] if decided and meeting else None,
    })
    authors = [mentor["id"]]
    if number == 1:  # a co-author of another ОО
        others = [p for p in demo.people if p["is_active"] and p["id"] != mentor["id"]
                  and p["organisation_id"] != mentor["organisation_id"]
                  and p["_kind"] == mentor["_kind"]]
        if others:
            authors.append(demo.rng.choice(others)["id"])
    for position, person_id in enumerate(authors, start=1):
        demo.add(model.PracticeAuthor, {"practice_id": practice["id"], "person_id": person_id,
                                        "position": position})
    for other in sorted(p["id"] for p in demo.tables[model.Pair]
                        if p["mentor_id"] == mentor["id"] and p["status"] in ("active",
                                                                              "completed")):
        demo.add(model.PracticePair, {"practice_id": practice["id"], "pair_id": other})
    if number in FILES:
        _file(demo, practice, *FILES[number], year)


def _file(demo: Demo, practice: Row, name: str, heading: str, year: int) -> None:
    """A small text file: the practice's title, description and results."""
    text = f"{heading}\n\n{practice['title']}\n\n{practice['description']}\n\n" \
           f"{practice['results']}\n"
    content = text.encode("utf-8")
    row = demo.add(model.PracticeFile, {
        "id": None, "practice_id": practice["id"], "name": name, "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "added_on": min(date(year, 10, 1), REFERENCE - timedelta(days=1)),
    })
    for part, start in enumerate(range(0, len(content), PART_BYTES), start=1):
        demo.add(model.PracticeFilePart, {
            "file_id": row["id"], "part": part,
            "data": base64.b64encode(content[start:start + PART_BYTES]).decode("ascii")})
