"""Russian names of every table and column in the exchange workbook, and their closed lists."""

from __future__ import annotations

from desktop_app.model import enums
from desktop_app.model.enums import RuEnum

# 1: one sheet per table. 2: a table longer than a sheet continues on sheets «… (2)», «… (3)»,
# counted in the «Листов» column of «Сведения». A book with no continuation is still written as 1
# (older programs read it); the program reads both.
FORMAT_VERSION = 2
SINGLE_SHEET_VERSION = 1
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
INFO_SHEET = "Сведения"
INFO_TITLE = "Книга обмена Методактива"
# change_log is the local history of one database: not carried (an import writes its own).
# session_area_scores is derived from the answers: recomputed on import, never carried.
# collection_rounds and round_files are the centre's own rounds, bound to the files it sent and
# signed with its secrets: another database cannot take their returns, so they stay local.
SKIPPED_TABLES = {"alembic_version", "change_log", "session_area_scores", "collection_rounds",
                  "round_files"}
# A record's count of its saves (row_version: a form saved over another seat's newer save is
# refused, services/record_versions.py) belongs to the database it was saved in, not to the
# data: never carried; a copy or a merge starts the records it adds at 1.
VERSIONED_TABLES = ("organisations", "people", "pairs", "active_members", "meetings",
                    "roadmap_items", "practices")
# Derived columns, recomputed on import (people: the search key and the Russian sort key), and
# the records' versions.
DERIVED_COLUMNS = {("people", "search_key"), ("people", "sort_key")} | {
    (table, "row_version") for table in VERSIONED_TABLES}
# A database with rows here is not new: the workbook is refused. Otherwise every carried table
# (the presets a new database ships with) is emptied and filled from the workbook.
REGISTRY_TABLES = ("organisations", "people")

SHEETS: dict[str, str] = {
    "ground_presets": "Перечни оснований", "grounds": "Основания включения",
    "indicator_plans": "Плановые показатели", "instruments": "Инструменты",
    "instrument_items": "Пункты инструментов", "meetings": "Заседания актива",
    "meeting_attendees": "Участники заседаний", "mentorship_forms": "Формы наставничества",
    "municipalities": "Муниципалитеты",
    "organisations": "Организации", "people": "Педагоги", "courses": "Курсы",
    "employments": "Места работы", "participations": "Участие в мероприятиях",
    "plan_templates": "Шаблоны планов", "plan_template_items": "Пункты шаблонов планов",
    "report_texts": "Тексты отчётов", "roadmap_items": "Дорожная карта",
    "settings": "Настройки", "active_members": "Методический актив",
    "active_member_directions": "Направления членов актива",
    "active_member_grounds": "Основания членов актива",
    "diagnostic_sessions": "Диагностики", "answers": "Ответы диагностик",
    "external_results": "Результаты внешней оценки", "deficits": "Дефициты",
    "pairs": "Наставнические пары", "pair_mentees": "Наставляемые пар",
    "pair_directions": "Направления пар", "programmes": "Программы наставничества",
    "plan_items": "Планы программ", "programme_deficits": "Дефициты программ",
    "monitorings": "Мониторинг пар", "satisfactions": "Удовлетворённость",
    "routes": "Маршруты (ИОМ)", "route_items": "Пункты маршрутов",
    "order_journal": "Журнал приказов",
    "awards": "Награды", "award_conditions": "Условия наград",
    "nominations": "Выдвижения к наградам",
    "practices": "Практики", "practice_authors": "Авторы практик",
    "practice_pairs": "Пары практик", "practice_files": "Файлы практик",
    "practice_file_parts": "Содержимое файлов практик",
}

COMMON: dict[str, str] = {
    "id": "Код записи", "person_id": "Код педагога", "organisation_id": "Код ОО",
    "member_id": "Код члена актива", "pair_id": "Код пары", "programme_id": "Код программы",
    "session_id": "Код диагностики", "item_id": "Код пункта инструмента",
    "deficit_id": "Код дефицита", "route_id": "Код маршрута", "meeting_id": "Код заседания",
    "instrument_id": "Код инструмента", "template_id": "Код шаблона", "preset_id": "Код перечня",
    "ground_id": "Код основания", "form_id": "Код формы наставничества",
    "mentor_id": "Код наставника", "nominated_by_org_id": "Код выдвинувшей ОО",
    "curator_id": "Код куратора (педагога)", "found_session_id": "Код диагностики выявления",
    "overcome_session_id": "Код диагностики преодоления",
    "last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество",
    "birth_date": "Дата рождения", "code": "Код", "name": "Наименование", "source": "Источник",
    "position": "Порядковый номер", "text": "Текст", "kind": "Вид", "level": "Уровень",
    "status": "Статус", "state": "Состояние", "title": "Название", "notes": "Примечание",
    "note": "Примечание", "area": "Область компетенций", "score": "Балл",
    "start_date": "Дата начала", "end_date": "Дата окончания", "deadline": "Срок",
    "responsible": "Ответственный", "report_form": "Форма отчёта", "activity": "Мероприятие",
    "done": "Выполнено", "done_on": "Дата выполнения", "result": "Результат",
    "phone": "Телефон", "email": "Эл. почта", "is_active": "Действует",
    "description": "Описание", "year": "Год", "value": "Значение", "direction": "Направление",
    "version": "Версия", "comment": "Комментарий", "section": "Раздел",
}

COLUMNS: dict[str, dict[str, str]] = {
    "ground_presets": {"requirement": "Требование (category — категория, ped_education — "
                                      "педагогическое образование)",
                       "min_experience_years": "Минимальный стаж, лет"},
    "grounds": {"number": "Номер основания", "mandatory": "Обязательное"},
    "indicator_plans": {"code": "Код показателя", "value": "Плановое значение"},
    "instruments": {"scale_min": "Наименьший балл", "scale_max": "Наибольший балл"},
    "instrument_items": {"labour_function": "Трудовая функция"},
    "meetings": {"meeting_date": "Дата заседания", "agenda": "Повестка", "decisions": "Решения"},
    "mentorship_forms": {"builtin": "Встроенная", "position": "Порядок в списке"},
    "municipalities": {"oktmo": "Код ОКТМО", "is_own": "Муниципалитет этой базы"},
    "organisations": {
        "municipality_id": "Код муниципалитета",
        "short_name": "Краткое наименование", "full_name": "Полное наименование",
        "kind": "Тип организации", "is_low_results": "ШНОР",
        "is_difficult_conditions": "Сложные условия",
        "mentoring_act_date": "Дата Положения о наставничестве",
        "mentoring_act_number": "Номер акта о наставничестве",
        "mentoring_programme_date": "Дата программы наставничества",
        "head_name": "Руководитель", "address": "Адрес", "deactivated_on": "Дата закрытия",
    },
    "people": {
        "education_level": "Уровень образования", "education_year": "Год окончания",
        "education_specialty": "Специальность по диплому",
        "education_institution": "Учебное заведение",
        "education_pedagogical": "Педагогическое образование", "position": "Должность",
        "category": "Квалификационная категория", "category_date": "Дата присвоения категории",
        "ped_experience_start": "Начало педагогического стажа", "subject": "Предмет",
        "is_manager": "Управленческие кадры", "methodical_experience": "Опыт методической работы",
        "achievements": "Профессиональные достижения",
        "consent_publish": "Согласие на публикацию", "consent_date": "Дата согласия",
        "left_on": "Дата выбытия",
    },
    "courses": {"provider": "Организация, проводившая курсы", "hours": "Часов",
                "end_date": "Дата окончания", "in_federal_registry": "В федеральном реестре"},
    "employments": {"position": "Должность"},
    "participations": {"event_date": "Дата"},
    "plan_templates": {"name": "Название шаблона"},
    "plan_template_items": {"offset_days": "Смещение от начала, дней"},
    "report_texts": {"kind": "Вид документа"},
    "order_journal": {"kind": "Вид приказа", "number": "Номер приказа", "date": "Дата приказа",
                      "created": "Зарегистрирован"},
    "roadmap_items": {"stage": "Этап", "deadline_text": "Срок (текстом)"},
    "settings": {"key": "Параметр"},
    "active_members": {
        "subject_area": "Предметная область", "role": "Роль",
        "nominated_by_body": "Выдвинут органом", "request_date": "Дата заявки",
        "submitted_on": "Дата представления", "diagnosed_on": "Дата диагностики",
        "included_order_number": "Номер приказа о включении", "included_on": "Дата включения",
        "excluded_on": "Дата исключения", "exclusion_reason": "Причина исключения",
        "ineligible_reason": "Причина несоответствия",
    },
    "diagnostic_sessions": {"session_date": "Дата диагностики", "procedure": "Процедура"},
    "external_results": {"block": "Блок", "percent": "Процент"},
    "deficits": {"found_on": "Дата выявления", "overcome_on": "Дата преодоления"},
    "pairs": {
        "model_element": "Элемент модели", "mentee_category": "Категория наставляемого",
        "end_reason": "Причина прекращения", "ended_on": "Дата прекращения",
        "order_number": "Номер приказа", "order_date": "Дата приказа",
        "updated_at": "Изменено (ГГГГ-ММ-ДД чч:мм:сс)",
    },
    "programmes": {"goal": "Цель", "tasks": "Задачи", "difficulties": "Затруднения",
                   "expected_results": "Ожидаемые результаты"},
    "monitorings": {
        "monitoring_date": "Дата мониторинга",
        "students_passed_percent": "Доля обучающихся, сдавших, %", "exam_kind": "Вид аттестации",
        "olympiad_participants": "Участников олимпиад", "progress_dynamics": "Динамика",
        "mentee_activity": "Активность наставляемого", "influence": "Влияние", "risks": "Риски",
    },
    "satisfactions": {"respondent": "Кто отвечал", "answered_on": "Дата ответа"},
    "awards": {"basis": "Основание (нормативный акт)",
               "candidates": "Кто рассматривается", "once": "Вручается однократно"},
    "award_conditions": {"award_id": "Код награды", "condition": "Условие",
                         "value": "Пороговое значение",
                         "near": "Допуск для «почти соответствует»"},
    "nominations": {"award": "Награда (код)", "nominated_on": "Дата выдвижения"},
    "practices": {"mentee_category": "Категория наставляемых", "results": "Результаты",
                  "decided_on": "Дата решения"},
    "practice_authors": {"practice_id": "Код практики", "position": "Порядок автора"},
    "practice_pairs": {"practice_id": "Код практики"},
    "practice_files": {"practice_id": "Код практики", "name": "Имя файла",
                       "size": "Размер, байт", "sha256": "Контрольная сумма (SHA-256)",
                       "added_on": "Дата прикрепления"},
    "practice_file_parts": {"file_id": "Код файла", "part": "Номер части",
                            "data": "Содержимое (base64)"},
    "route_items": {"deficit_text": "Дефицит (текст)", "task": "Задача",
                    "activity": "Вид мероприятия", "form": "Форма",
                    "planned_result": "Планируемый результат"},
}

ENUMS: dict[tuple[str, str], type[RuEnum]] = {
    ("organisations", "kind"): enums.OrgKind,
    ("people", "education_level"): enums.EducationLevel,
    ("people", "category"): enums.Category,
    ("courses", "kind"): enums.CourseKind,
    ("participations", "kind"): enums.ParticipationKind,
    ("participations", "level"): enums.EventLevel,
    ("active_members", "status"): enums.ActiveStatus,
    ("active_members", "role"): enums.ActiveRole,
    ("active_member_directions", "direction"): enums.ActiveDirection,
    ("pairs", "model_element"): enums.ModelElement,
    ("pairs", "mentee_category"): enums.MenteeCategory,
    ("pairs", "level"): enums.PairLevel,
    ("pairs", "status"): enums.PairStatus,
    ("pair_directions", "direction"): enums.PairDirection,
    ("satisfactions", "respondent"): enums.Respondent,
    ("instruments", "kind"): enums.SessionKind,
    ("instrument_items", "area"): enums.CompetenceArea,
    ("diagnostic_sessions", "kind"): enums.SessionKind,
    ("external_results", "area"): enums.CompetenceArea,
    ("deficits", "area"): enums.CompetenceArea,
    ("deficits", "state"): enums.DeficitState,
    ("routes", "state"): enums.RouteState,
    ("route_items", "activity"): enums.RouteActivity,
    ("roadmap_items", "status"): enums.RoadmapStatus,
    ("awards", "level"): enums.AwardLevel,
    ("awards", "candidates"): enums.AwardCandidates,
    ("award_conditions", "condition"): enums.AwardMeasure,
    ("nominations", "result"): enums.NominationResult,
    ("practices", "mentee_category"): enums.MenteeCategory,
    ("practices", "status"): enums.PracticeStatus,
}


def sheet_title(table: str) -> str:
    return SHEETS[table]


def part_title(table: str, part: int) -> str:
    """The title of a table's sheet number part (1 — the table's own sheet, 2… — continuations
    «Ответы диагностик (2)»), shortened to Excel's 31 characters when the suffix needs room."""
    title = sheet_title(table)
    if part <= 1:
        return title
    suffix = f" ({part})"
    return title[:SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix


def column_title(table: str, column: str) -> str:
    title = COLUMNS.get(table, {}).get(column) or COMMON.get(column)
    if title is None:
        raise KeyError(f"{table}.{column}: нет русского заголовка")
    return title
