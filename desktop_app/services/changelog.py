"""The change log: the rows the bulk writers (imports, merges) insert, update and delete, with
where they came from, and the history. The recording of every ORM insert, update and delete in
a service session is store.changelog_hooks (re-exported here)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import PurePath
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.orm import Session

from desktop_app.model import (
    ActiveMember,
    Award,
    Base,
    ChangeLog,
    Course,
    Employment,
    MentorshipForm,
    Monitoring,
    Municipality,
    Nomination,
    Organisation,
    PairMentee,
    Participation,
    Person,
    PlanItem,
    Programme,
    enums,
)
from desktop_app.store.bulk import insert_rows
from desktop_app.store.changelog_hooks import (
    ENABLED_KEY,
    HIDDEN_COLUMNS,
    PENDING_KEY,
    SOURCE_KEY,
    _jsonable,
    attach,
    to_json,
)
from desktop_app.store.dialect import dialect_name, folded, json_member_is
from desktop_app.textutil import fmt_date, short_fio

__all__ = ["ACTIONS", "BULK_CHUNK", "COLUMN_LABELS", "ENABLED_KEY", "ENUM_COLUMNS",
           "EXCHANGE_SOURCE", "HIDDEN_COLUMNS", "IMPORT_SOURCE", "MERGE_SOURCE", "PENDING_KEY",
           "SOURCE_KEY", "TABLE_LABELS", "BulkLog", "FieldChange", "HistoryEntry", "attach",
           "entity_tables", "file_source", "history", "latest", "logged", "pair_history",
           "person_history", "set_source"]

# Where the entries of a bulk writer come from: «Импорт из Excel: Форма_СОШ1.xlsx».
IMPORT_SOURCE = "Импорт из Excel"
EXCHANGE_SOURCE = "Обмен"
MERGE_SOURCE = "Объединение"
BULK_CHUNK = 5000  # log entries written per executemany
ACTIONS = {"insert": "Добавление", "update": "Изменение", "delete": "Удаление"}

TABLE_LABELS = {
    "organisations": "Организации", "people": "Педагоги", "courses": "Курсы",
    "employments": "Места работы", "participations": "Участие в мероприятиях",
    "active_members": "Методический актив", "active_member_grounds": "Основания включения",
    "active_member_directions": "Направления деятельности", "meetings": "Заседания актива",
    "meeting_attendees": "Участники заседаний", "pairs": "Наставнические пары",
    "pair_mentees": "Наставляемые", "pair_directions": "Направления пары",
    "programmes": "Программы наставничества", "plan_items": "План программы",
    "monitorings": "Мониторинг", "settings": "Настройки", "indicator_plans": "Плановые показатели",
    "roadmap_items": "Дорожная карта", "mentorship_forms": "Формы наставничества",
    "diagnostic_sessions": "Диагностика", "deficits": "Дефициты", "routes": "Маршруты",
    "report_texts": "Тексты отчётов", "order_journal": "Журнал приказов",
    "municipalities": "Муниципалитеты", "awards": "Награды", "award_conditions": "Условия наград",
    "nominations": "Выдвижения к наградам", "practices": "Практики",
    "practice_authors": "Авторы практик", "practice_pairs": "Пары практик",
    "practice_files": "Файлы практик",
}

COLUMN_LABELS = {
    "last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество",
    "birth_date": "Дата рождения", "education_level": "Образование",
    "education_year": "Год окончания", "education_specialty": "Специальность",
    "education_institution": "Учебное заведение", "education_pedagogical": "Педагогическое",
    "organisation_id": "Организация", "position": "Должность", "category": "Категория",
    "category_date": "Дата категории", "ped_experience_start": "Начало педстажа",
    "subject": "Предмет", "is_manager": "Руководитель",
    "methodical_experience": "Методический опыт",
    "phone": "Телефон", "email": "Эл. почта", "achievements": "Достижения",
    "consent_publish": "Согласие на публикацию", "consent_date": "Дата согласия",
    "is_active": "Действует", "left_on": "Дата ухода", "notes": "Примечания",
    "short_name": "Краткое наименование", "full_name": "Полное наименование", "kind": "Вид",
    "is_low_results": "Низкие результаты", "is_difficult_conditions": "Сложные условия",
    "head_name": "Руководитель", "address": "Адрес", "person_id": "Педагог",
    "start_date": "Начало", "end_date": "Окончание", "status": "Статус", "role": "Роль",
    "subject_area": "Предметная область", "request_date": "Дата заявки",
    "submitted_on": "Дата представления", "diagnosed_on": "Дата диагностики",
    "included_order_number": "Номер приказа о включении", "included_on": "Дата включения",
    "excluded_on": "Дата исключения", "exclusion_reason": "Причина исключения",
    "mentor_id": "Наставник", "form_id": "Форма наставничества", "model_element": "Элемент модели",
    "mentee_category": "Категория наставляемых", "level": "Уровень", "end_reason": "Причина",
    "ended_on": "Дата завершения", "order_number": "Номер приказа", "order_date": "Дата приказа",
    "pair_id": "Пара", "direction": "Направление", "goal": "Цель", "tasks": "Задачи",
    "activity": "Мероприятие", "deadline": "Срок", "responsible": "Ответственный",
    "done": "Выполнено", "done_on": "Дата выполнения", "title": "Название", "hours": "Часы",
    "key": "Параметр", "value": "Значение", "year": "Год", "code": "Код",
    "event_date": "Дата", "result": "Результат", "monitoring_date": "Дата мониторинга",
    "number": "Номер", "date": "Дата", "created": "Зарегистрирован",
    "name": "Наименование", "oktmo": "Код ОКТМО", "is_own": "Муниципалитет этой базы",
    "municipality_id": "Муниципалитет", "award": "Награда", "award_id": "Награда",
    "nominated_on": "Дата выдвижения", "note": "Примечание", "condition": "Условие",
    "near": "Допуск «почти»", "basis": "Основание", "candidates": "Кто рассматривается",
    "once": "Вручается однократно", "description": "Описание",
    "results": "Результаты", "decided_on": "Дата решения", "meeting_id": "Заседание актива",
    "practice_id": "Практика", "size": "Размер, байт", "sha256": "Контрольная сумма (SHA-256)",
    "added_on": "Дата прикрепления",
}

ENUM_COLUMNS: dict[tuple[str, str], type[enums.RuEnum]] = {
    ("organisations", "kind"): enums.OrgKind, ("people", "category"): enums.Category,
    ("people", "education_level"): enums.EducationLevel,
    ("active_members", "status"): enums.ActiveStatus, ("active_members", "role"): enums.ActiveRole,
    ("active_member_directions", "direction"): enums.ActiveDirection,
    ("pairs", "model_element"): enums.ModelElement,
    ("pairs", "mentee_category"): enums.MenteeCategory, ("pairs", "level"): enums.PairLevel,
    ("pairs", "status"): enums.PairStatus, ("pair_directions", "direction"): enums.PairDirection,
    ("participations", "kind"): enums.ParticipationKind,
    ("participations", "level"): enums.EventLevel, ("courses", "kind"): enums.CourseKind,
    ("roadmap_items", "status"): enums.RoadmapStatus,
    ("nominations", "result"): enums.NominationResult,
    ("award_conditions", "condition"): enums.AwardMeasure,
    ("awards", "level"): enums.AwardLevel, ("awards", "candidates"): enums.AwardCandidates,
    ("practices", "status"): enums.PracticeStatus,
    ("practices", "mentee_category"): enums.MenteeCategory,
}


@dataclass(frozen=True)
class FieldChange:
    column: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    changed_at: datetime
    table: str
    table_label: str
    record_id: int
    action: str
    action_label: str
    changes: tuple[FieldChange, ...]
    source: str = ""

    @property
    def summary(self) -> str:
        """«Фамилия: Иванов → Петров; Телефон: … » for a one-line view."""
        return "; ".join(_change_text(c, self.action) for c in self.changes)


def _change_text(change: FieldChange, action: str) -> str:
    if action == "insert":
        return f"{change.label}: {change.new}"
    if action == "delete":
        return f"{change.label}: {change.old}"
    return f"{change.label}: {change.old} → {change.new}"


# bulk writers ------------------------------------------------------------------------------
def file_source(kind: str, path: str | PurePath) -> str:
    """«Импорт из Excel: Форма_СОШ1.xlsx» — the kind of bulk change and the file name only."""
    name = PurePath(path).name
    return f"{kind}: {name}" if name else kind


def set_source(session: Session, source: str) -> None:
    """Every entry this session writes from now on (ORM or bulk) names this source."""
    session.info[SOURCE_KEY] = source


def logged(table: Table | str) -> bool:
    """Whether the bulk writers log the rows of this table (the tables the journal knows)."""
    return (table if isinstance(table, str) else table.name) in TABLE_LABELS


def _row_id(table: Table, row: Mapping[str, Any]) -> int:
    """The integer key of a row (the first integer primary-key column), as _record_id."""
    return _key_of(_key_names(table), row)


@cache
def _key_names(table: Table) -> tuple[str, ...]:
    """The table's primary-key columns (read once: SQLAlchemy builds the collection anew at
    each reading, and a bulk write logs hundreds of thousands of rows)."""
    return tuple(c.name for c in table.primary_key.columns)


def _key_of(names: tuple[str, ...], row: Mapping[str, Any]) -> int:
    for name in names:
        value = row.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _row_keys(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Primary-key columns of a table without a plain «id», as _key_values."""
    keys = _key_names(table)
    if keys == ("id",):
        return {}
    return {key: _jsonable(row.get(key)) for key in keys}


PLAIN = (str, int, float, bool)  # values JSON takes as they are


def _shown_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name != "id" and c.name not in HIDDEN_COLUMNS]


def _row_values(names: list[str], row: Mapping[str, Any]) -> dict[str, Any]:
    """The filled columns of a row, as _all_values (the hot loop of a 30 000-row import)."""
    return {name: value if type(value) in PLAIN else _jsonable(value)
            for name in names if (value := row.get(name)) is not None and value != ""}


class BulkLog:
    """The entries of one bulk write, in the ORM path's format, written set-based."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.enabled = bool(session.info.get(ENABLED_KEY))
        self.source = str(session.info.get(SOURCE_KEY, ""))
        self.at = datetime.now().replace(microsecond=0)
        self.entries: list[dict[str, Any]] = []

    def wants(self, table: Table) -> bool:
        """Whether rows of this table are logged (a writer keeps them for the log only then)."""
        return self.enabled and logged(table)

    def _add(self, table: Table, record_id: int, action: str, old: dict[str, Any],
             new: dict[str, Any]) -> None:
        self.entries.append({
            "changed_at": self.at, "table_name": table.name, "record_id": record_id,
            "action": action,
            "old_values": to_json(old) if old else "",
            "new_values": to_json(new) if new else "",
            "source": self.source,
        })

    def inserted(self, table: Table, rows: Iterable[Mapping[str, Any]],
                 ids: Sequence[int] | None = None) -> None:
        """Rows just inserted; ids: their new ids when the rows do not hold them."""
        if not self.wants(table):
            return
        if ids is not None:
            rows = list(rows)
            if len(ids) != len(rows):
                raise ValueError(f"{table.name}: {len(rows)} rows inserted, {len(ids)} ids")
        names = _shown_columns(table)
        keys = _key_names(table)
        plain_id = keys == ("id",)
        for n, row in enumerate(rows):
            values = _row_values(names, row)
            if not plain_id:
                values = {**_row_keys(table, row), **values}
            record_id = ids[n] if ids is not None else _key_of(keys, row)
            self._add(table, record_id, "insert", {}, values)

    def updated(self, table: Table, pairs: Iterable[tuple[Mapping[str, Any],
                                                          Mapping[str, Any]]]) -> None:
        """(row before, values written) of rows just updated: only changed columns logged."""
        if not self.wants(table):
            return
        for before, after in pairs:
            old: dict[str, Any] = {}
            new: dict[str, Any] = {}
            for column in table.columns:
                name = column.name
                if name in HIDDEN_COLUMNS or name not in after or name == "id":
                    continue
                was, now = _jsonable(before.get(name)), _jsonable(after[name])
                if was != now:
                    old[name], new[name] = was, now
            if old or new:
                keys = _row_keys(table, before)
                self._add(table, _row_id(table, before), "update", {**keys, **old},
                          {**keys, **new})

    def deleted(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        """Rows about to be deleted, as they are now."""
        if not self.wants(table):
            return
        names = _shown_columns(table)
        for row in rows:
            values = {**_row_keys(table, row), **_row_values(names, row)}
            self._add(table, _row_id(table, row), "delete", values, {})

    def write(self) -> int:
        """Write the entries gathered (in the session's transaction); returns how many."""
        entries, self.entries = self.entries, []
        table = cast(Table, ChangeLog.__table__)  # Core insert: no ORM events for the log
        connection = self.session.connection()
        for start in range(0, len(entries), BULK_CHUNK):
            insert_rows(connection, table, entries[start:start + BULK_CHUNK])
        return len(entries)


# reading -----------------------------------------------------------------------------------
def _display(table: str, column: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    kind = ENUM_COLUMNS.get((table, column))
    if kind is not None and isinstance(value, str):
        member = kind.from_label(value)
        return member.label if member is not None else value
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return fmt_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _loads(text: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# A logged reference is shown by the name of what it points to, with its number.
REFERENCES: dict[str, str] = {
    "organisation_id": "organisations", "nominated_by_org_id": "organisations",
    "person_id": "people", "mentor_id": "people", "curator_id": "people",
    "form_id": "mentorship_forms", "municipality_id": "municipalities",
}
Names = dict[tuple[str, int | str], str]


def _reference_names(session: Session, rows: list[ChangeLog]) -> Names:
    """Names of the organisations, people and forms the logged values refer to (one query each)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        for values in (_loads(row.old_values), _loads(row.new_values)):
            for column, target in REFERENCES.items():
                if isinstance(values.get(column), int):
                    wanted.setdefault(target, set()).add(values[column])
    names: Names = {}
    if wanted.get("organisations"):
        stmt = select(Organisation.id, Organisation.short_name).where(
            Organisation.id.in_(sorted(wanted["organisations"])))
        names.update({("organisations", i): n for i, n in session.execute(stmt)})
    if wanted.get("people"):
        people = select(Person.id, Person.last_name, Person.first_name, Person.middle_name).where(
            Person.id.in_(sorted(wanted["people"])))
        names.update({("people", i): short_fio(a, b, c) for i, a, b, c in session.execute(people)})
    if wanted.get("mentorship_forms"):
        stmt = select(MentorshipForm.id, MentorshipForm.name).where(
            MentorshipForm.id.in_(sorted(wanted["mentorship_forms"])))
        names.update({("mentorship_forms", i): n for i, n in session.execute(stmt)})
    if wanted.get("municipalities"):
        stmt = select(Municipality.id, Municipality.name).where(
            Municipality.id.in_(sorted(wanted["municipalities"])))
        names.update({("municipalities", i): n for i, n in session.execute(stmt)})
    if any(row.table_name == "nominations" for row in rows):  # an award by its name
        names.update({("awards", c): n for c, n in session.execute(select(Award.code,
                                                                          Award.name))})
    return names


def _shown(table: str, column: str, value: Any, names: Names) -> str:
    target = REFERENCES.get(column)
    if target is not None and isinstance(value, int) and (target, value) in names:
        return f"{names[(target, value)]} (№ {value})"
    if (table, column) == ("nominations", "award") and ("awards", value) in names:
        return names[("awards", value)]
    return _display(table, column, value)


def _entries(session: Session, rows: list[ChangeLog]) -> list[HistoryEntry]:
    names = _reference_names(session, rows)
    return [_to_entry(row, names) for row in rows]


def _to_entry(row: ChangeLog, names: Names) -> HistoryEntry:
    old, new = _loads(row.old_values), _loads(row.new_values)
    columns = [c for c in dict.fromkeys([*old, *new]) if c not in HIDDEN_COLUMNS]
    table = row.table_name
    changes = tuple(
        FieldChange(c, COLUMN_LABELS.get(c, c), _shown(table, c, old.get(c), names),
                    _shown(table, c, new.get(c), names))
        for c in columns
    )
    return HistoryEntry(
        row.id, row.changed_at, row.table_name, TABLE_LABELS.get(row.table_name, row.table_name),
        row.record_id, row.action, ACTIONS.get(row.action, row.action), changes, row.source or "",
    )


def history(session: Session, table: str, record_id: int) -> list[HistoryEntry]:
    """Every change of one row, oldest first."""
    stmt = (
        select(ChangeLog)
        .where(ChangeLog.table_name == table, ChangeLog.record_id == record_id)
        .order_by(ChangeLog.id)
    )
    return _entries(session, list(session.scalars(stmt)))


def latest(session: Session, limit: int = 500, table: str | None = None,
           text: str = "") -> list[HistoryEntry]:
    """The latest changes, newest first, optionally of one table or containing a text (in the
    values or in the source: a file name finds what its import changed)."""
    stmt = select(ChangeLog).order_by(ChangeLog.id.desc()).limit(limit)
    if table:
        stmt = stmt.where(ChangeLog.table_name == table)
    if text.strip():
        needle = f"%{text.strip().lower().replace('ё', 'е')}%"
        dialect = dialect_name(session)
        stmt = stmt.where(or_(folded(dialect, ChangeLog.old_values).like(needle),
                              folded(dialect, ChangeLog.new_values).like(needle),
                              folded(dialect, ChangeLog.source).like(needle)))
    return _entries(session, list(session.scalars(stmt)))


def _mentions(session: Session, column: str, value: int) -> ColumnElement[bool]:
    """The logged old or new values hold column = value."""
    dialect = dialect_name(session)
    return or_(
        json_member_is(dialect, ChangeLog.new_values, column, value),
        json_member_is(dialect, ChangeLog.old_values, column, value),
    )


def _ids_by_column(session: Session, model: type[Base], column: str, value: int) -> set[int]:
    """Ids of rows of a table that belong (now or once, by the log) to a person or a pair."""
    table = model.__table__.name  # type: ignore[attr-defined]
    ids = set(session.scalars(select(model.id).where(getattr(model, column) == value)))  # type: ignore[attr-defined]
    logged = select(ChangeLog.record_id).where(
        ChangeLog.table_name == table, _mentions(session, column, value)
    )
    ids.update(session.scalars(logged))
    return ids


def _link_entries(session: Session, table: str, column: str, value: int) -> list[ChangeLog]:
    """Log rows of a link table (no own id) mentioning the person or pair in a column."""
    stmt = select(ChangeLog).where(ChangeLog.table_name == table,
                                   _mentions(session, column, value))
    return list(session.scalars(stmt))


def _collect(session: Session, wanted: dict[str, set[int]], extra: list[ChangeLog]) -> list[
        HistoryEntry]:
    rows: dict[int, ChangeLog] = {row.id: row for row in extra}
    for table, ids in wanted.items():
        if not ids:
            continue
        stmt = select(ChangeLog).where(ChangeLog.table_name == table,
                                       ChangeLog.record_id.in_(sorted(ids)))
        rows.update({row.id: row for row in session.scalars(stmt)})
    return _entries(session, [rows[key] for key in sorted(rows)])


def person_history(session: Session, person_id: int) -> list[HistoryEntry]:
    """A person's changes with their jobs, courses, participations, active and mentee rows,
    their nominations for awards and their authorship of practices."""
    wanted = {"people": {person_id}}
    for model in (Employment, Course, Participation, ActiveMember, Nomination):
        wanted[model.__tablename__] = _ids_by_column(session, model, "person_id", person_id)
    extra = _link_entries(session, PairMentee.__tablename__, "person_id", person_id)
    extra += _link_entries(session, "practice_authors", "person_id", person_id)
    return _collect(session, wanted, extra)


def pair_history(session: Session, pair_id: int) -> list[HistoryEntry]:
    """A pair's changes with its mentees, directions, programme, plan and monitoring."""
    programmes = _ids_by_column(session, Programme, "pair_id", pair_id)
    plan_ids: set[int] = set()
    for programme_id in programmes:
        plan_ids |= _ids_by_column(session, PlanItem, "programme_id", programme_id)
    wanted = {
        "pairs": {pair_id},
        "programmes": programmes,
        "plan_items": plan_ids,
        "monitorings": _ids_by_column(session, Monitoring, "pair_id", pair_id),
    }
    extra: list[ChangeLog] = []
    for table in ("pair_mentees", "pair_directions"):
        stmt = select(ChangeLog).where(ChangeLog.table_name == table,
                                       ChangeLog.record_id == pair_id)
        extra.extend(session.scalars(stmt))
    return _collect(session, wanted, extra)


def entity_tables() -> dict[str, str]:
    """Table name → Russian label, for a filter list."""
    return dict(TABLE_LABELS)

