"""Russian typography for every printed document, PDF and DOCX: one set of rules in one place.

`typeset` turns plain text into typeset text: nested quotes «…„…“», a dash «—» with a no-break
space before it where Russian wants a dash (never a hyphen), an en dash in number ranges
(«1–10», never broken after it), no-break spaces that keep «№ 12», «100,0 %», «1992 г.»,
«18 лет», «15 сентября», «30 000», initials («Е.В. Тихомирова», «Семёнова А.П.»), «г. Заречный»
and a one-letter word with what follows on one line, and phone numbers whole.
`hyphenate` adds soft hyphens at the syllables where Russian allows a word to be broken (pyphen's
Russian patterns, at least two letters on each side), so a line is broken inside a word only
with a visible hyphen; e-mails, addresses, numbers, dates and abbreviations get none.

Typeset text may hold three characters that are not printed as they are: NBHY (a hyphen that
must not break: phone numbers), WJ (word joiner after an en dash of a range) and SHY (soft
hyphen). The writers render them: `for_pdf` for reportlab, the DOCX writer as Word elements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

NBSP = "\u00a0"
SHY = "\u00ad"
NBHY = "\u2011"
WJ = "\u2060"
EN_DASH = "\u2013"
EM_DASH = "\u2014"

_LETTER = "А-Яа-яЁё"
_OPENING_CONTEXT = frozenset(" \u00a0\t\n([{«„\"/—–-")

_MONTHS = ("января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|"
           "декабря")
_UNITS = (r"%|‰|г\.|гг\.|лет\b|года?\b|ч\.|час(?:а|ов)?\b|чел\.|руб\.|тыс\.|млн\b|млрд\b|"
          r"мм\b|см\b|пт\b|п\.\s?п\.|дн(?:ей|я)?\b|мес\.|баллов|балла?\b|анкет\b|шт\.")

# (pattern, replacement), applied in this order; each is idempotent.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # a spaced hyphen or dash between words is a dash, tied to the word before it
    (re.compile(r"(?<=\S)[ \u00a0]+[-–—][ \u00a0]+(?=\S)"), f"{NBSP}{EM_DASH} "),
    # a hyphen or en dash opening a line is a dash
    (re.compile(r"(?m)^([ \t]*)[-–](?=[ \u00a0])"), rf"\1{EM_DASH}"),
    # a number range: an en dash, joined to what follows
    (re.compile(rf"(?<![\w.,\-–{NBHY}])(\d+(?:[.,]\d+)?)[-–]{WJ}?(\d+)(?![\w\-–{NBHY}])"),
     rf"\1{EN_DASH}{WJ}\2"),
    (re.compile(r"№[ \u00a0]*(?=\S)"), f"№{NBSP}"),
    (re.compile(r"§[ \u00a0]*(?=\d)"), f"§{NBSP}"),
    (re.compile(rf"(?<=\d)[ \u00a0]+(?=(?:{_UNITS}))"), NBSP),
    (re.compile(rf"(?<![\d.])(\d{{1,2}})[ \u00a0]+(?=(?:{_MONTHS})\b)"), rf"\1{NBSP}"),
    # thousands: «30 000», «1 234 567»
    (re.compile(r"(?<![\d,.])(\d{1,3})[ \u00a0](?=\d{3}(?!\d))"), rf"\1{NBSP}"),
    # initials before a surname: «Е.В. Тихомирова», «Е. В. Тихомирова»
    (re.compile(rf"(?<![{_LETTER}])([А-ЯЁ]\.)[ \u00a0]+(?=[А-ЯЁ]\.)"), rf"\1{NBSP}"),
    (re.compile(rf"(?<![{_LETTER}])([А-ЯЁ]\.)[ \u00a0]+(?=[А-ЯЁ][{_LETTER}])"), rf"\1{NBSP}"),
    # a surname before initials: «Семёнова А.П.»
    (re.compile(rf"(?<=[а-яё])[ \u00a0]+(?=[А-ЯЁ]\.(?:[ \u00a0]?[А-ЯЁ]\.)?(?![{_LETTER}]))"),
     NBSP),
    # abbreviations that belong to the next word: «г. Заречный», «им. Астафьева», «т. е.»
    (re.compile(rf"(?<![{_LETTER}])(г|ул|д|пос|им|ст|п|пп|рис|табл|гл|т|см|ср)\.[ \u00a0]+"
                rf"(?=[{_LETTER}\d])"), rf"\1.{NBSP}"),
    # a one-letter word stays with the next one: «в объёме», «и методических»
    (re.compile(rf"(?<![{_LETTER}\w.\-{NBHY}])([вкоусияаВКОУСИЯА])[ ](?=\S)"), rf"\1{NBSP}"),
)
# a telephone number: «+7 929 441-99-08», «8 (38245) 2-14-07», «2-14-07»
_PHONE = re.compile(r"(?:\+7|\b8)[ \u00a0]?\(?\d{3,5}\)?[ \u00a0]?\d{1,3}[-‑ \u00a0]?\d{2}"
                    r"[-‑ \u00a0]?\d{2}\b|\b\d{1,3}-\d{2}-\d{2}\b")


def quotes(text: str) -> str:
    """Guillemets outside, „German“ quotes inside: «МБДОУ «Сад «Теремок»»» → «МБДОУ «Сад
    „Теремок“»». Straight and English quotes are read as opening or closing by what stands
    before them; an unmatched closing guillemet is left as it is."""
    if not any(ch in text for ch in "«»\"„“”"):
        return text
    out: list[str] = []
    depth = 0
    previous = " "
    for ch in text:
        if ch in "«»\"„“”":
            opening = ch in "«„" or (ch in "\"“”" and previous in _OPENING_CONTEXT)
            if ch == "»":
                opening = False
            if opening:
                depth += 1
                out.append("«" if depth == 1 else "„")
            elif depth == 0:
                out.append(ch if ch == "»" else "»")
            else:
                out.append("»" if depth == 1 else "“")
                depth -= 1
        else:
            out.append(ch)
        previous = ch
    return "".join(out)


def _phone(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", NBSP).replace("-", NBHY)


@lru_cache(maxsize=65536)
def typeset(text: str) -> str:
    """Plain text to typeset text (idempotent): quotes, dashes, no-break spaces, phones."""
    if not text:
        return text
    result = quotes(text)
    result = _PHONE.sub(_phone, result)
    for pattern, replacement in _RULES:
        result = pattern.sub(replacement, result)
    return result


# hyphenation ------------------------------------------------------------------------------
_MIN_WORD = 5
_UNHYPHENATED = re.compile(r"@|://|www\.|\.ru\b|\.рф\b", re.IGNORECASE)
_RUN = re.compile(rf"[{_LETTER}]{{{_MIN_WORD},}}")
_COMPOUND = re.compile(rf"(?<=[{_LETTER}]{{2}})-(?=[{_LETTER}]{{2}})")
_TOKEN = re.compile(r"[^ \n\t]+")
# the spaces a line may break at (str.split() would also split at a no-break space)
_BREAKING_SPACE = re.compile(r"[ \n\t]+")


@lru_cache(maxsize=1)
def _dictionary() -> object:
    import pyphen

    return pyphen.Pyphen(lang="ru_RU", left=2, right=2)


@lru_cache(maxsize=262144)
def _syllables(run: str) -> str:
    """One run of letters with soft hyphens where it may be broken (none in abbreviations)."""
    if run.isupper():
        return run
    return str(_dictionary().inserted(run, hyphen=SHY))  # type: ignore[attr-defined]


def _hyphenate_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if _UNHYPHENATED.search(token) or SHY in token:
        return token
    token = _RUN.sub(lambda run: _syllables(run.group(0)), token)
    return _COMPOUND.sub("-" + SHY, token)


@lru_cache(maxsize=65536)
def hyphenate(text: str) -> str:
    """Soft hyphens at the Russian syllables of words of five letters or more (typeset text)."""
    if not text or not _RUN.search(text):
        return text
    return _TOKEN.sub(_hyphenate_token, text)


def hyphenate_to_fit(text: str, fits: Callable[[str], bool]) -> str:
    """Soft hyphens only in the words that do not fit a line as they are (typeset text): a
    table cell is not justified, so a word that fits goes to the next line whole — a name
    reads «Людмила», never «Люд-|мила» — and only a word wider than its column is broken, at a
    syllable, with a hyphen."""
    if not text or not _RUN.search(text):
        return text
    return _TOKEN.sub(lambda m: m.group(0) if fits(m.group(0)) else _hyphenate_token(m), text)


def pdf_chars(text: str) -> str:
    """Typeset text as reportlab prints it: reportlab breaks lines only at spaces and soft
    hyphens here, so a no-break hyphen is a plain hyphen and the joiner goes (the font has
    neither)."""
    return text.replace(NBHY, "-").replace(WJ, "")


def for_pdf(text: str) -> str:
    """Running text as reportlab prints it: typeset, every long word hyphenated."""
    return pdf_chars(hyphenate(typeset(text)))


def plain(text: str) -> str:
    """Typeset text back to what a reader copies: no soft hyphens or joiners, plain hyphens."""
    return text.replace(SHY, "").replace(WJ, "").replace(NBHY, "-")


# pieces a table column must hold ---------------------------------------------------------
def pieces(text: str) -> list[list[str]]:
    """The unbreakable pieces of a text, each as its syllables: a line breaks only at a space
    or a soft hyphen, so a column must hold the widest syllable run (plus a hyphen) and the
    widest unbreakable word (an e-mail, a date, «18 лет»)."""
    prepared = hyphenate(typeset(text)).replace(NBHY, "-").replace(WJ, "")
    return [word.split(SHY) for word in _BREAKING_SPACE.split(prepared) if word]
