"""Validators of a person's and an organisation's fields (no database, no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop_app.services.validation import (
    CourseInput,
    OrganisationInput,
    PersonInput,
    clean_person,
    normalise_phone,
    parse_date_ru,
    validate_organisation,
    validate_person,
)

ON = date(2024, 9, 1)
GOOD = PersonInput(
    last_name="Фёдорова", first_name="Анна", middle_name="Петровна", birth_date=date(1985, 3, 15),
    education_year=2007, ped_experience_start=date(2007, 9, 1), category="first",
    phone="8 (913) 123-45-67", email="Anna@School.ru",
)


def fields(data: PersonInput) -> list[str]:
    return [e.field for e in validate_person(data, ON)]


def test_good_person_passes_and_is_normalised() -> None:
    data = clean_person(GOOD)
    assert validate_person(data, ON) == []
    assert data.phone == "+7 (913) 123-45-67"
    assert data.email == "anna@school.ru"



def test_cleaned_copy_equals_the_dataclass_replace_and_leaves_the_original() -> None:
    raw = replace(GOOD, last_name="  Фёдорова ", subject="математика  и\u00a0физика",
                  notes=" заметка ", courses=(CourseInput(" Курс ", provider="ИРО ", hours=36),))
    data = clean_person(raw)
    expected = replace(raw, last_name="Фёдорова", subject="математика и физика", notes="заметка",
                       phone="+7 (913) 123-45-67", email="anna@school.ru",
                       courses=(CourseInput("Курс", provider="ИРО", hours=36),))
    assert data == expected and hash(data) == hash(expected)
    assert raw.last_name == "  Фёдорова " and raw.phone == "8 (913) 123-45-67"
    with pytest.raises(AttributeError):
        data.phone = "x"  # type: ignore[misc]
    assert clean_person(data) is data  # nothing left to clean: the same object


def test_input_of_a_row_is_the_dataclass_its_init_makes() -> None:
    from dataclasses import FrozenInstanceError, dataclass, field

    from desktop_app.services.form_inputs import input_of

    row = {"last_name": "Фёдорова", "first_name": "Анна", "birth_date": date(1985, 3, 15),
           "organisation_id": 7, "search_key": "не поле", "is_active": True}
    made = input_of(PersonInput, row)
    expected = PersonInput(last_name="Фёдорова", first_name="Анна",
                           birth_date=date(1985, 3, 15), organisation_id=7)
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert made.courses == () and made.category == expected.category  # the defaults
    assert not hasattr(made, "search_key")  # a key that is no field is left
    with pytest.raises(FrozenInstanceError):
        made.last_name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError, match="first_name"):  # a required field missing: as __init__
        input_of(PersonInput, {"last_name": "Фёдорова"})
    org = input_of(OrganisationInput, {"short_name": "МБОУ СОШ № 1", "phone": "8"})
    assert org == OrganisationInput(short_name="МБОУ СОШ № 1", phone="8")

    @dataclass(frozen=True)
    class Counted:  # an __init__ that does more than set the fields: run as it is
        names: list[str] = field(default_factory=list)

        def __post_init__(self) -> None:
            object.__setattr__(self, "names", [*self.names, "проверено"])

    assert input_of(Counted, {}).names == ["проверено"]
    assert input_of(Counted, {"names": ["а"]}).names == ["а", "проверено"]

@pytest.mark.parametrize(
    "raw",
    ["+7 913 123 45 67", "8-913-123-45-67", "8(913)1234567", "+7(913)123-45-67", "79131234567"],
)
def test_phone_forms(raw: str) -> None:
    assert normalise_phone(raw) == "+7 (913) 123-45-67"


@pytest.mark.parametrize("raw", ["123-45-67", "+1 913 123 45 67", "8 913 123 45 6", "телефон"])
def test_bad_phones_refused_with_field_name(raw: str) -> None:
    errors = validate_person(replace(GOOD, phone=raw), ON)
    assert [e.field for e in errors] == ["phone"]
    assert "«Мобильный телефон»" in errors[0].message


@pytest.mark.parametrize("raw", ["anna@", "anna school.ru", "@mail.ru", "a@b"])
def test_bad_emails(raw: str) -> None:
    assert fields(replace(GOOD, email=raw)) == ["email"]


def test_cyrillic_domain_email_accepted() -> None:
    assert fields(replace(GOOD, email="директор@школа.рф")) == []


@pytest.mark.parametrize(
    ("born", "ok"),
    [(date(2006, 9, 1), True), (date(2006, 9, 2), False), (date(1944, 9, 1), True),
     (date(1943, 9, 1), False), (date(2030, 1, 1), False)],
)
def test_age_18_to_80(born: date, ok: bool) -> None:
    data = replace(GOOD, birth_date=born, education_year=None, ped_experience_start=None)
    assert (fields(data) == []) is ok


def test_missing_birth_date_and_names() -> None:
    errors = validate_person(replace(GOOD, last_name=" ", first_name="", birth_date=None), ON)
    assert [e.field for e in errors][:3] == ["last_name", "first_name", "birth_date"]
    assert errors[0].label_ru == "Фамилия"


@pytest.mark.parametrize("name", ["Салтыков-Щедрин", "Ёлкин", "Де Ла Круз"])
def test_good_names(name: str) -> None:
    assert fields(replace(GOOD, last_name=name)) == []


@pytest.mark.parametrize("name", ["Иванов2", "Иван0в", "Ивaнов", "-Иванов", "Иванов!"])
def test_bad_names(name: str) -> None:
    assert fields(replace(GOOD, last_name=name)) == ["last_name"]


def test_experience_cannot_start_before_16() -> None:
    data = replace(GOOD, ped_experience_start=date(2000, 9, 1))  # aged 15
    errors = validate_person(data, ON)
    assert [e.field for e in errors] == ["ped_experience_start"]
    assert "длиннее, чем позволяет возраст" in errors[0].message
    assert fields(replace(GOOD, ped_experience_start=date(2001, 3, 15))) == []


def test_future_dates_refused() -> None:
    assert fields(replace(GOOD, ped_experience_start=date(2025, 1, 1))) == [
        "ped_experience_start"
    ]
    assert fields(replace(GOOD, consent_date=date(2024, 9, 2))) == ["consent_date"]


def test_education_year_plausible() -> None:
    assert fields(replace(GOOD, education_year=1995)) == ["education_year"]  # aged 10
    assert fields(replace(GOOD, education_year=2025)) == ["education_year"]


def test_codes_checked() -> None:
    assert fields(replace(GOOD, category="вторая")) == ["category"]
    assert fields(replace(GOOD, education_level="x")) == ["education_level"]


def test_category_date_without_category() -> None:
    data = replace(GOOD, category="none", category_date=date(2020, 1, 1))
    assert fields(data) == ["category_date"]


def test_courses_checked() -> None:
    courses = (CourseInput(title=""), CourseInput(title="ФГОС", hours=0),
               CourseInput(title="ИКТ", end_date=date(2025, 1, 1)))
    errors = validate_person(replace(GOOD, courses=courses), ON)
    assert [e.field for e in errors] == ["courses"] * 3
    assert "курс 1" in errors[0].message and "курс 3" in errors[2].message


def test_ground_numbers_against_preset() -> None:
    data = replace(GOOD, ground_numbers=(1, 12))
    errors = validate_person(data, ON, allowed_grounds={1, 2, 3})
    assert [e.field for e in errors] == ["ground_numbers"]
    assert "12" in errors[0].message


def test_parse_date_ru() -> None:
    assert parse_date_ru("01.09.2024") == date(2024, 9, 1)
    assert parse_date_ru("31.02.2024") is None
    assert parse_date_ru("2024-09-01") == date(2024, 9, 1)


def test_organisation_checks() -> None:
    good = OrganisationInput(short_name="МБОУ СОШ № 1", mentoring_act_date=date(2023, 1, 10),
                             mentoring_act_number="15-о", phone="2-12-34")
    assert validate_organisation(replace(good, phone=""), ON) == []
    errors = validate_organisation(good, ON)
    assert [e.field for e in errors] == ["phone"]
    bad = OrganisationInput(short_name="", kind="школа", mentoring_act_number="3",
                            mentoring_programme_date=date(2030, 1, 1))
    assert [e.field for e in validate_organisation(bad, ON)] == [
        "short_name", "kind", "mentoring_programme_date", "mentoring_act_date"
    ]
