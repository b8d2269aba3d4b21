"""Russian typography of the documents: quotes, dashes, no-break spaces, hyphenation, pieces."""

from __future__ import annotations

import pytest

from desktop_app.reports.typography import (
    NBHY,
    NBSP,
    SHY,
    WJ,
    for_pdf,
    hyphenate,
    pieces,
    plain,
    quotes,
    typeset,
)


def show(text: str) -> str:
    """No-break spaces as «~», joiners dropped, no-break hyphens as plain ones (readable)."""
    return text.replace(NBSP, "~").replace(WJ, "").replace(NBHY, "-")


@pytest.mark.parametrize(("given", "expected"), [
    ("МБДОУ «Детский сад № 24 «Теремок»»", "МБДОУ «Детский сад № 24 „Теремок“»"),
    ("«Школа «Лидер» и «Сад «Ромашка»»»", "«Школа „Лидер“ и „Сад „Ромашка““»"),
    ('"Учитель - учитель"', "«Учитель - учитель»"),
    ("ООО “Вектор”", "ООО «Вектор»"),
    ("МБОУ «СОШ № 1»", "МБОУ «СОШ № 1»"),
    ("лишняя » кавычка", "лишняя » кавычка"),
])
def test_nested_quotes(given: str, expected: str) -> None:
    assert quotes(given) == expected
    assert quotes(expected) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("программа - в 17 (56,7 %)", "программа~— в~17 (56,7~%)"),
    ("наставничества – в 17", "наставничества~— в~17"),
    ("- первый пункт", "— первый пункт"),
    ("на 2021-2024 гг.", "на 2021–2024~гг."),
    ("молодой специалист (0-3 года)", "молодой специалист (0–3~года)"),
    ("стаж 18 лет, 1992 г., 100,0 %", "стаж 18~лет, 1992~г., 100,0~%"),
    ("приказ № 58-од", "приказ №~58-од"),
    ("Е.В. Тихомирова", "Е.В.~Тихомирова"),
    ("Е. В. Тихомирова", "Е.~В.~Тихомирова"),
    ("Семёнова А.П., методист", "Семёнова~А.П., методист"),
    ("8 (38245) 2-14-07", "8~(38245)~2-14-07"),
    ("+7 929 441-99-08", "+7~929~441-99-08"),
    ("15 сентября 2025 г.", "15~сентября 2025~г."),
    ("30 000 педагогов", "30~000 педагогов"),
    ("г. Заречный", "г.~Заречный"),
    ("ГОСТ Р 7.0.97-2016", "ГОСТ Р 7.0.97-2016"),
    ("user1-2@mail.ru", "user1-2@mail.ru"),
    ("15.09.2025", "15.09.2025"),
])
def test_typeset(given: str, expected: str) -> None:
    result = typeset(given)
    assert show(result) == expected
    assert typeset(result) == result  # idempotent


def test_phone_hyphens_do_not_break_and_ranges_join() -> None:
    assert NBHY in typeset("2-14-07")
    assert typeset("1-10") == f"1–{WJ}10"
    assert plain(typeset("8 (38245) 2-14-07")) == "8\u00a0(38245)\u00a02-14-07"


def test_hyphenation_at_syllables_only() -> None:
    text = hyphenate(typeset("Детско-юношеская спортивная школа"))
    assert text.replace(SHY, "·") == "Дет·ско-·юно·ше·ская спор·тив·ная шко·ла"
    # no one-letter syllable at a line's end or start, ё and й kept with their syllable
    assert hyphenate("Ёлочка") == f"Ёлоч{SHY}ка"
    assert hyphenate("майка") == f"май{SHY}ка"
    for word in ("общеобразовательное", "квалификационная", "Берёзкина", "объединение"):
        parts = hyphenate(word).split(SHY)
        assert "".join(parts) == word
        assert all(len(part) >= 2 for part in parts), parts


@pytest.mark.parametrize("token", [
    "alekseeva.ne@bk.ru", "https://imc-zarechny.ru/nastavnichestvo", "МБДОУ", "ЦНППМ",
    "15.09.2025", "2-14-07",
])
def test_no_hyphens_in_addresses_numbers_abbreviations(token: str) -> None:
    assert SHY not in hyphenate(typeset(token))


def test_pieces_are_what_a_line_cannot_break() -> None:
    found = pieces("Детско-юношеская alekseeva.ne@bk.ru стаж 18 лет, № 12")
    assert ["alekseeva.ne@bk.ru"] in found
    assert ["18\u00a0лет,"] in found
    assert ["№\u00a012"] in found
    assert ["Дет", "ско-", "юно", "ше", "ская"] in found


def test_for_pdf_has_no_characters_the_font_lacks() -> None:
    text = for_pdf("8 (38245) 2-14-07, 2021-2024 гг.")
    assert NBHY not in text and WJ not in text
    assert "2-14-07" in text and "2021–2024" in text
