"""How documents word a professional deficit and the task against it.

A self-assessment item is a first-person statement («Формирую у обучающихся …»); a document
names the deficit in the third person («испытывает затруднения в формировании …») and the task
in the infinitive («Освоить приёмы …»). The wording of an item comes from its instrument file
(fields «deficit» and «task», read when a document or a route is drafted, never stored in the
schema); an item without them — a user's own instrument — gets a rule-based wording: its
first-person verbs turned into the third person by a table, the rest of the statement unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.model import Instrument, InstrumentItem
from desktop_app.model.enums import CompetenceArea
from desktop_app.services.diagnostics import AREA_TITLE, EXTERNAL_TITLE
from desktop_app.services.instruments import ItemWording, item_wordings

GENITIVE = {
    "subject": "предметных", "methodical": "методических",
    "psychological": "психолого-педагогических", "communicative": "коммуникативных",
    "digital": "цифровых",
}
# The task the first drafting rule wrote for an item deficit: «Освоить умение: знаю …».
LEGACY_TASK_PREFIX = "Освоить умение: "
_AREA_PREFIX = AREA_TITLE.split("«")[0]
_EXTERNAL_PREFIX = EXTERNAL_TITLE.split("{")[0]

# First-person present forms that open self-assessment statements → the third person.
VERBS: dict[str, str] = {
    "адаптирую": "адаптирует", "анализирую": "анализирует", "веду": "ведёт",
    "взаимодействую": "взаимодействует", "включаю": "включает", "владею": "владеет",
    "внедряю": "внедряет", "воспитываю": "воспитывает", "вовлекаю": "вовлекает",
    "выбираю": "выбирает", "выявляю": "выявляет", "вижу": "видит", "выполняю": "выполняет",
    "выстраиваю": "выстраивает", "выступаю": "выступает", "готовлю": "готовит", "даю": "даёт",
    "делюсь": "делится", "диагностирую": "диагностирует", "достигаю": "достигает",
    "знаю": "знает", "изучаю": "изучает", "использую": "использует", "конструирую":
    "конструирует", "консультирую": "консультирует", "контролирую": "контролирует",
    "координирую": "координирует", "корректирую": "корректирует", "могу": "может",
    "моделирую": "моделирует", "мотивирую": "мотивирует", "нахожу": "находит",
    "обеспечиваю": "обеспечивает", "обновляю": "обновляет", "обобщаю": "обобщает",
    "обучаю": "обучает", "общаюсь": "общается", "объясняю": "объясняет",
    "оказываю": "оказывает", "определяю": "определяет", "организую": "организует",
    "ориентируюсь": "ориентируется", "осуществляю": "осуществляет", "отбираю": "отбирает",
    "отслеживаю": "отслеживает", "оформляю": "оформляет", "оцениваю": "оценивает",
    "планирую": "планирует", "подбираю": "подбирает", "поддерживаю": "поддерживает",
    "пользуюсь": "пользуется", "помогаю": "помогает", "понимаю": "понимает",
    "предупреждаю": "предупреждает", "привлекаю": "привлекает", "применяю": "применяет",
    "провожу": "проводит", "проектирую": "проектирует", "публикую": "публикует",
    "работаю": "работает", "развиваю": "развивает", "разрабатываю": "разрабатывает",
    "разрешаю": "разрешает", "распространяю": "распространяет", "реализую": "реализует",
    "регулирую": "регулирует", "решаю": "решает", "создаю": "создаёт",
    "соблюдаю": "соблюдает", "сопровождаю": "сопровождает", "составляю": "составляет",
    "сотрудничаю": "сотрудничает", "ставлю": "ставит", "стремлюсь": "стремится",
    "транслирую": "транслирует", "умею": "умеет", "учитываю": "учитывает",
    "участвую": "участвует", "учусь": "учится", "формирую": "формирует",
}
# Verbs after which «недостаточно» reads better than «не в полной мере».
_KNOWING = {"знаю", "владею", "понимаю"}
# Endings of a first-person verb guessed at the very start of a statement only (elsewhere
# «рабочую», «информационную» would be taken for verbs): -ирую, -изую, -ьзую, -ствую, -аю, -яю,
# -ею, and their reflexive forms.
_GUESSED = (("ирую", "ирует"), ("изую", "изует"), ("ьзую", "ьзует"), ("ствую", "ствует"),
            ("аю", "ает"), ("яю", "яет"), ("ею", "еет"))
_WORD = re.compile(r"^([«(„\"]*)([А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*)(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Phrase:
    """A deficit in the third person (a predicate, «испытывает …», or a clause) and the task
    against it (an infinitive with a capital, «Освоить …»)."""

    deficit: str
    task: str


def sentence(text: str) -> str:
    """The text with a capital first letter (an abbreviation stays as it is)."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The first letter in lower case unless the first word is an abbreviation («ИКТ-…»)."""
    text = text.strip()
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _clean(statement: str) -> str:
    return " ".join(statement.split()).rstrip(".;").strip()


def _verb(word: str, guess: bool) -> str | None:
    """The third person of a first-person verb, keeping a capital; None if it is not one."""
    lower = word.lower()
    found = VERBS.get(lower)
    if found is None and guess:
        stem, reflexive = (lower[:-2], True) if lower.endswith(("юсь", "усь")) else (lower, False)
        for ending, third in _GUESSED:
            if stem.endswith(ending) and len(stem) > len(ending) + 1:
                found = stem[: -len(ending)] + third + ("ся" if reflexive else "")
                break
    if found is None:
        return None
    return sentence(found) if word[:1].isupper() else found


def _is_adverb(word: str) -> bool:
    lower = word.lower()
    return lower not in VERBS and len(lower) > 4 and lower.endswith(("о", "ски", "чески"))


def third_person(statement: str) -> tuple[str, str] | None:
    """(the statement with its first-person verbs in the third person, its opening verb as
    written — "" when the statement does not open with one), or None when no first-person verb
    is found. A verb is recognised at the opening (after an optional «Я» or an adverb:
    «Объективно оцениваю …») by the table or by its ending, elsewhere by the table only."""
    parts = re.split(r"(\s+)", _clean(statement))
    if len(parts) > 2 and parts[0].lower() == "я":
        parts = parts[2:]
    words = parts[::2]
    if not words or not words[0]:
        return None
    first = 1 if len(words) > 1 and _is_adverb(words[0]) else 0
    opening = ""
    converted_any = False
    for index in range(0, len(parts), 2):
        match = _WORD.match(parts[index])
        if match is None:
            continue
        lead, word, tail = match.groups()
        converted = _verb(word, guess=index == 2 * first)
        if converted is not None:
            parts[index] = lead + converted + tail
            converted_any = True
            if index == 2 * first:
                opening = word
    return ("".join(parts), opening) if converted_any else None


def fallback_deficit(statement: str) -> str:
    """A deficit worded from a statement that has no wording of its own: «не в полной мере
    формирует …», «недостаточно владеет …»; a statement that is not first person (a topic,
    «Работа с родителями») becomes «испытывает затруднения по направлению «…»»."""
    text = _clean(statement)
    converted = third_person(text)
    phrase, opening = converted if converted is not None else (text, "")
    if not opening:
        return f"испытывает затруднения по направлению «{sentence(phrase)}»"
    degree = "недостаточно" if opening.lower() in _KNOWING else "не в полной мере"
    return f"{degree} {lower_first(phrase)}"


def generic_task(area: str | None) -> str:
    words = GENITIVE.get(area or "")
    return f"Преодолеть указанный дефицит {words} компетенций" if words else \
        "Преодолеть указанный профессиональный дефицит"


def area_phrase(area: str) -> Phrase:
    """A deficit area (the mean of the area at or below the threshold)."""
    found = CompetenceArea.from_label(area)
    label = found.label if found is not None else area
    words = GENITIVE.get(found.value if found is not None else area, label)
    return Phrase(
        f"недостаточно развиты {label} компетенции в целом "
        "(низкий средний балл самодиагностики по области)",
        f"Повысить уровень {words} компетенций (средний балл выше порога дефицита)",
    )


def external_phrase(area: str, block: str) -> Phrase:
    """A block of an external assessment below the threshold."""
    words = GENITIVE.get(area, area)
    return Phrase(f"низкий результат внешней оценки по блоку «{block}»",
                  f"Восполнить дефицит {words} компетенций, выявленный внешней оценкой")


def item_phrase(area: str, statement: str, wording: ItemWording | None) -> Phrase:
    """An item's deficit and task: the instrument's own wording, else the rule-based one."""
    deficit = wording.deficit if wording and wording.deficit else fallback_deficit(statement)
    task = wording.task if wording and wording.task else generic_task(area)
    return Phrase(deficit, task)


def legacy_task(statement: str) -> str:
    """The task the first drafting rule produced for an item: «Освоить умение: знаю …»."""
    text = statement.rstrip(".")
    return LEGACY_TASK_PREFIX + text[:1].lower() + text[1:]


def is_first_person(text: str) -> bool:
    return third_person(text) is not None


def kind_rank(item_id: int | None, title: str) -> int:
    """The order of a deficit within its area: the area as a whole, an external block, an
    item, anything else."""
    if item_id is not None:
        return 2
    if title.startswith(_AREA_PREFIX):
        return 0
    return 1 if title.startswith(_EXTERNAL_PREFIX) else 3


class Wordings:
    """Phrases of the deficits of one database: the items read once, their wording read once
    from the instrument files (shipped and the user's)."""

    def __init__(self, session: Session) -> None:
        files = item_wordings()
        rows = session.execute(
            select(InstrumentItem.id, InstrumentItem.area, InstrumentItem.text,
                   Instrument.code, Instrument.version, InstrumentItem.code)
            .join(Instrument, Instrument.id == InstrumentItem.instrument_id)
            .order_by(Instrument.id, InstrumentItem.position, InstrumentItem.id)
        )
        self._by_id: dict[int, Phrase] = {}
        self._by_text: dict[str, Phrase] = {}
        for item_id, area, text, code, version, item_code in rows:
            phrase = item_phrase(area, text, files.get((code, version, item_code)))
            self._by_id[item_id] = phrase
            self._by_text.setdefault(_clean(text), phrase)

    def of(self, area: str, item_id: int | None, title: str) -> Phrase:
        """The phrase of a deficit (its area, instrument item and stored title)."""
        if item_id is not None and item_id in self._by_id:
            return self._by_id[item_id]
        if title.startswith(_AREA_PREFIX):
            return area_phrase(area)
        if title.startswith(_EXTERNAL_PREFIX):
            return external_phrase(area, title[len(_EXTERNAL_PREFIX):].strip())
        known = self.of_statement(title)
        if known is not None:
            return known
        deficit = fallback_deficit(title) if is_first_person(title) else title.strip()
        return Phrase(deficit, generic_task(area))

    def of_statement(self, text: str) -> Phrase | None:
        """The phrase of an instrument statement given by its text (None if no item has it)."""
        return self._by_text.get(_clean(text))
