"""The values of the registry's forms and the refusals that name their fields.

Holds the input dataclasses of a person (PersonInput, with its CourseInput) and of an
organisation (OrganisationInput) — every field of the forms, as entered — the Russian labels of
those fields (PERSON_LABELS, ORG_LABELS), the refusal of one value (FieldError, built by
person_error and org_error) and the exception of a refused change (Refused). Nothing here
checks a value nor touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from functools import cache
from typing import Any, TypeVar

from desktop_app.model.enums import Category, CourseKind, EducationLevel, OrgKind

Input = TypeVar("Input")

PERSON_LABELS: dict[str, str] = {
    "last_name": "Фамилия",
    "first_name": "Имя",
    "middle_name": "Отчество",
    "birth_date": "Дата рождения",
    "education_level": "Уровень образования",
    "education_year": "Год получения образования",
    "education_specialty": "Специальность",
    "education_institution": "Образовательная организация (образование)",
    "education_pedagogical": "Педагогическое образование",
    "courses": "Повышение квалификации",
    "organisation_id": "Место работы (ОО)",
    "position": "Должность",
    "category": "Квалификационная категория",
    "category_date": "Дата присвоения категории",
    "ped_experience_start": "Начало педагогического стажа",
    "subject": "Предмет / направление работы",
    "is_manager": "Управленческие кадры",
    "methodical_experience": "Опыт методической работы",
    "phone": "Мобильный телефон",
    "email": "E-mail",
    "achievements": "Профессиональные достижения",
    "ground_numbers": "Основание для включения в ММА",
    "consent_publish": "Согласие на публикацию",
    "consent_date": "Дата согласия",
    "notes": "Примечание",
    "is_active": "Работает",
    "left_on": "Дата выбытия",
    "moved_on": "Дата перевода (приёма)",
}

ORG_LABELS: dict[str, str] = {
    "short_name": "Краткое наименование",
    "full_name": "Полное наименование",
    "kind": "Тип организации",
    "mentoring_act_date": "Дата акта об утверждении Положения о наставничестве",
    "mentoring_act_number": "Номер акта об утверждении Положения о наставничестве",
    "mentoring_programme_date": "Дата программы развития наставничества",
    "curator_id": "Куратор наставничества",
    "head_name": "Руководитель",
    "address": "Адрес",
    "phone": "Телефон",
    "email": "E-mail",
    "is_active": "Действует",
    "deactivated_on": "Дата закрытия",
    "municipality_id": "Муниципалитет",
}


@dataclass(frozen=True)
class FieldError:
    """One refused value: the field's code, its Russian label and a full Russian message."""

    field: str
    label_ru: str
    message: str


class Refused(ValueError):
    """A refused change: nothing was saved; errors name the fields (may be empty for a rule)."""

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])

    @classmethod
    def from_errors(cls, errors: list[FieldError]) -> Refused:
        return cls("\n".join(e.message for e in errors), errors)


@dataclass(frozen=True)
class CourseInput:
    """A qualification course or retraining as entered on the form."""

    title: str
    kind: str = CourseKind.QUALIFICATION.value
    provider: str = ""
    hours: int | None = None
    end_date: date | None = None
    in_federal_registry: bool = False


@dataclass(frozen=True)
class PersonInput:
    """Every field of the candidate form of seed 004 (Приложение) and of the Person record."""

    last_name: str
    first_name: str
    middle_name: str = ""
    birth_date: date | None = None
    education_level: str = EducationLevel.UNKNOWN.value
    education_year: int | None = None
    education_specialty: str = ""
    education_institution: str = ""
    education_pedagogical: bool | None = None  # None: «не указано»
    courses: tuple[CourseInput, ...] = ()
    organisation_id: int | None = None
    position: str = ""
    category: str = Category.UNKNOWN.value
    category_date: date | None = None
    ped_experience_start: date | None = None
    subject: str = ""
    is_manager: bool = False
    methodical_experience: str = ""
    phone: str = ""
    email: str = ""
    achievements: str = ""
    ground_numbers: tuple[int, ...] = field(default=())
    consent_publish: bool = False
    consent_date: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class OrganisationInput:
    """Every field of an organisation (PRODUCT.md, Реестр → Организации)."""

    short_name: str
    full_name: str = ""
    kind: str = OrgKind.UNKNOWN.value
    is_low_results: bool = False
    is_difficult_conditions: bool = False
    mentoring_act_date: date | None = None
    mentoring_act_number: str = ""
    mentoring_programme_date: date | None = None
    curator_id: int | None = None
    head_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    # None: a new ОО is of the database's own municipality, a known one keeps its own
    municipality_id: int | None = None


def person_error(name: str, reason: str) -> FieldError:
    label = PERSON_LABELS.get(name, name)
    return FieldError(name, label, f"«{label}»: {reason}.")


def org_error(name: str, reason: str) -> FieldError:
    label = ORG_LABELS.get(name, name)
    return FieldError(name, label, f"«{label}»: {reason}.")


def input_of(cls: type[Input], values: Mapping[str, Any]) -> Input:
    """The input dataclass of the values of its fields (other keys left), as cls(**those) makes
    it — a field not given takes its default, a required one missing raises TypeError — but
    without running the frozen __init__, where it only sets the fields (30 000 people of an
    import: 0,15 s through __init__, 0,08 s here; tests/test_validation.py holds the two
    equal)."""
    kind: type = cls
    shape = _shape(kind)
    given = {name: values[name] for name in (shape[0] if shape else _names(kind))
             if name in values}
    if shape is None or not shape[2] <= given.keys():
        return cls(**given)  # __init__ does more than set the fields, or says what is missing
    made = object.__new__(cls)
    made.__dict__.update(shape[1])
    made.__dict__.update(given)
    return made


@cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@cache
def _shape(cls: type) -> tuple[tuple[str, ...], dict[str, Any], frozenset[str]] | None:
    """(the fields, the defaults of those that have one, the names of those that have none) of
    a dataclass whose __init__ only sets its fields: no __post_init__, no default_factory, no
    __slots__, every field in __init__; None for any other."""
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        return None
    found = fields(cls)
    if any(f.default_factory is not MISSING or not f.init for f in found):
        return None
    defaults = {f.name: f.default for f in found if f.default is not MISSING}
    return _names(cls), defaults, frozenset(f.name for f in found if f.default is MISSING)
