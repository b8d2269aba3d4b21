"""The seven blank forms (organisations, people, active, pairs, participations, diagnostics,
practices)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass

from desktop_app.model import enums
from desktop_app.model.enums import RuEnum


@dataclass(frozen=True)
class Field:
    """One column of a form: its record key, Russian header, type and the note shown in Excel.

    type: text, date, bool, int, float, enum (a closed list), org (an ОО of the database),
    form (a form of mentorship of the database), enums (several values of a closed list).
    """

    key: str
    title: str
    type: str = "text"
    note: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: builtins.type[RuEnum] | None = None  # «type» alone is the field above
    past: bool = True
    width: int = 18
    low: int | None = None
    high: int | None = None
    unknown: bool = False  # a yes/no that may also be «не указано» (stored as unknown)


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


def _fio(prefix: str = "", who: str = "") -> tuple[Field, ...]:
    suffix = f" {who}" if who else ""
    return (
        Field(f"{prefix}last_name", f"Фамилия{suffix}", required=True,
              note="Фамилия полностью, как в паспорте. ФИО можно дать и одним столбцом «ФИО».",
              aliases=(f"фамилия{suffix}",), width=16),
        Field(f"{prefix}first_name", f"Имя{suffix}", required=True, note="Имя полностью.",
              width=14),
        Field(f"{prefix}middle_name", f"Отчество{suffix}", note="Отчество (если есть).",
              width=16),
        Field(f"{prefix}birth_date", f"Дата рождения{suffix}", "date", required=True,
              note="дд.мм.гггг. По ФИО и дате рождения педагог находится в реестре.",
              aliases=(f"д.р.{suffix}", f"дата рожд.{suffix}", f"др{suffix}"), width=13),
    )


def _yes_no(key: str, title: str, note: str, **kw: object) -> Field:
    choices = "«да», «нет» или «не указано»" if kw.get("unknown") else "«да» или «нет»"
    return Field(key, title, "bool", note=f"{note} Выберите {choices}.", width=12, **kw)  # type: ignore[arg-type]


# a blank cell is not a guess: a new record gets «не указано», a known one keeps its value
_BLANK_NOTE = "Пусто — «не указано» (у известной записи остаётся прежнее значение)."

ORGANISATIONS = Kind("organisations", "Организации", (
    Field("short_name", "Краткое наименование", required=True, width=24,
          note="Как ОО называют в списках, например «МБОУ СОШ № 1». По нему (или по полному "
               "наименованию) ОО находится в базе.", aliases=("краткое название", "оо")),
    Field("full_name", "Полное наименование", width=40, note="Полное наименование по уставу.",
          aliases=("полное название", "наименование")),
    Field("kind", "Тип организации", "enum", enum=enums.OrgKind, width=22,
          note=f"Выберите из списка. {_BLANK_NOTE}",
          aliases=("тип оо", "вид оо", "вид организации")),
    _yes_no("is_low_results", "ШНОР", "Школа с низкими образовательными результатами.",
            aliases=("низкие результаты",)),
    _yes_no("is_difficult_conditions", "Сложные условия",
            "Школа, функционирующая в сложных социальных условиях."),
    Field("mentoring_act_date", "Дата Положения о наставничестве", "date", width=14,
          note="Дата локального акта об утверждении Положения о наставничестве, дд.мм.гггг."),
    Field("mentoring_act_number", "Номер акта о наставничестве", width=12,
          note="Номер приказа (локального акта)."),
    Field("mentoring_programme_date", "Дата программы наставничества", "date", width=14,
          note="Дата программы развития наставничества, дд.мм.гггг."),
    Field("head_name", "Руководитель", width=24, note="ФИО руководителя ОО.",
          aliases=("директор", "заведующий")),
    Field("address", "Адрес", width=30, note="Почтовый адрес."),
    Field("phone", "Телефон", width=18, note="+7 (XXX) XXX-XX-XX или 8 XXX XXX XX XX."),
    Field("email", "Эл. почта", width=22, note="Адрес электронной почты.",
          aliases=("e-mail", "email", "электронная почта")),
    _yes_no("is_active", "Действует",
            "Работает ли ОО. «нет» — ОО закрыта (реорганизована): нужна «Дата закрытия». "
            "Пусто — «да», а если указана дата закрытия — «нет». «да» у закрытой ОО — снова "
            "действует.", aliases=("действующая",)),
    Field("deactivated_on", "Дата закрытия", "date", width=14,
          note="дд.мм.гггг. С этого дня ОО не действует: в показателях на более поздние даты "
               "её нет, на более ранние — есть. Не заполняется, если ОО действует.",
          aliases=("дата ликвидации",)),
), note="Одна строка — одна образовательная организация.")

PEOPLE = Kind("people", "Педагоги", (
    *_fio(),
    Field("organisation", "ОО", "org", required=True, width=24,
          note="Место работы: краткое наименование ОО из списка.",
          aliases=("место работы", "организация", "образовательная организация",
                   "место работы (оо)")),
    Field("position", "Должность", width=20, note="Должность по месту работы."),
    Field("category", "Квалификационная категория", "enum", enum=enums.Category, width=22,
          note="Выберите из списка («без категории» — категории нет). " + _BLANK_NOTE,
          aliases=("категория",)),
    Field("category_date", "Дата присвоения категории", "date", width=14, note="дд.мм.гггг."),
    Field("ped_experience_start", "Начало педагогического стажа", "date", width=14,
          note="Дата, с которой идёт педагогический стаж, дд.мм.гггг.",
          aliases=("начало педстажа", "дата начала педагогического стажа")),
    Field("subject", "Предмет", width=20, note="Предмет или направление работы.",
          aliases=("предмет / направление работы", "преподаваемый предмет")),
    _yes_no("is_manager", "Управленческие кадры", "Руководитель или заместитель руководителя."),
    Field("education_level", "Уровень образования", "enum", enum=enums.EducationLevel, width=22,
          note=f"Выберите из списка. {_BLANK_NOTE}", aliases=("образование",)),
    Field("education_year", "Год окончания", "int", width=10, past=True,
          note="Год получения образования, четыре цифры.",
          aliases=("год получения образования",)),
    Field("education_specialty", "Специальность по диплому", width=22, note="Как в дипломе.",
          aliases=("специальность",)),
    Field("education_institution", "Учебное заведение", width=24,
          note="Какую организацию окончил(а).",
          aliases=("образовательная организация (образование)",)),
    _yes_no("education_pedagogical", "Педагогическое образование",
            f"Образование педагогическое? {_BLANK_NOTE}", unknown=True),
    Field("methodical_experience", "Опыт методической работы", width=30,
          note="Кратко: руководство МО, экспертиза, выступления."),
    Field("phone", "Телефон", width=18, note="+7 (XXX) XXX-XX-XX или 8 XXX XXX XX XX.",
          aliases=("мобильный телефон",)),
    Field("email", "Эл. почта", width=22, note="Адрес электронной почты.",
          aliases=("e-mail", "email", "электронная почта")),
    Field("achievements", "Профессиональные достижения", width=30, note="Конкурсы, награды."),
    _yes_no("consent_publish", "Согласие на публикацию",
            "Согласие на публикацию сведений на сайте."),
    Field("consent_date", "Дата согласия", "date", width=14, note="дд.мм.гггг."),
    Field("notes", "Примечание", width=24, note="Любые пояснения.", aliases=("примечания",)),
    # the state and the place of work over time, last (the older columns keep their places)
    Field("moved_on", "Дата перевода (приёма)", "date", width=14,
          note="дд.мм.гггг. С какого дня педагог работает в ОО этой строки. Обязательна, если "
               "в реестре педагог работает в другой ОО (перевод): прежнее место работы "
               "закрывается этим днём, новое открывается им же, история мест работы "
               "сохраняется. У нового педагога — дата приёма (можно не указывать).",
          aliases=("дата перевода", "дата перехода", "дата приема", "дата приема на работу",
                   "работает в оо с")),
    _yes_no("is_active", "Работает",
            "Работает ли педагог. «нет» — уволен, выбыл: нужна «Дата выбытия». Пусто — «да», "
            "а если указана дата выбытия — «нет». «да» у выбывшего — снова работает.",
            aliases=("действует", "работает в оо")),
    Field("left_on", "Дата выбытия", "date", width=14,
          note="дд.мм.гггг. С этого дня педагог не работает: в показателях на более поздние "
               "даты его нет. Не раньше начала педагогического стажа и начала работы в ОО.",
          aliases=("дата увольнения",)),
), note="Одна строка — один педагог. Уже известный педагог (то же ФИО и дата рождения) "
        "обновляется, а не добавляется второй раз.")

ACTIVE = Kind("active", "Методический актив", (
    *_fio(),
    Field("status", "Статус", "enum", enum=enums.ActiveStatus, width=18, required=True,
          note="Выберите из списка: кандидат, представлен, …"),
    Field("role", "Роль", "enum", enum=enums.ActiveRole, width=22,
          note="Выберите из списка. Пусто — у нового члена актива «не указано»."),
    Field("directions", "Направления деятельности", "enums", enum=enums.ActiveDirection, width=30,
          note="Одно или несколько направлений через «;»: " + "; ".join(
              d.label for d in enums.ActiveDirection)),
    Field("subject_area", "Предметная область", width=20, note="Предмет или область работы."),
    Field("nominated_by", "Выдвинут ОО", "org", width=24,
          note="ОО, выдвинувшая кандидата (из списка).", aliases=("выдвинула оо",)),
    Field("nominated_by_body", "Выдвинут органом", width=24,
          note="Орган, выдвинувший кандидата (МО, совет и т. п.)."),
    Field("request_date", "Дата заявки", "date", width=14, note="дд.мм.гггг."),
    Field("submitted_on", "Дата представления", "date", width=14, note="дд.мм.гггг."),
    Field("diagnosed_on", "Дата диагностики", "date", width=14, note="дд.мм.гггг."),
    Field("included_order_number", "Номер приказа о включении", width=14, note="Номер приказа."),
    Field("included_on", "Дата включения", "date", width=14, note="дд.мм.гггг."),
    Field("notes", "Примечание", width=24, note="Любые пояснения.", aliases=("примечания",)),
), note="Одна строка — один член (кандидат) актива. Педагог должен уже быть в реестре.")

_UNKNOWN_NOTE = "Пусто — у новой пары «не указано»."

PAIRS = Kind("pairs", "Наставнические пары", (
    Field("mentor", "ФИО наставника", required=True, width=28,
          note="Фамилия Имя Отчество наставника одной строкой.", aliases=("наставник",)),
    Field("mentor_birth_date", "Дата рождения наставника", "date", required=True, width=14,
          note="дд.мм.гггг. По ФИО и дате рождения наставник находится в реестре."),
    Field("mentee", "ФИО наставляемого", required=True, width=28,
          note="Фамилия Имя Отчество наставляемого. Для группы — по строке на каждого "
               "наставляемого с тем же наставником, формой и датой начала.",
          aliases=("наставляемый",)),
    Field("mentee_birth_date", "Дата рождения наставляемого", "date", required=True, width=14,
          note="дд.мм.гггг."),
    Field("form", "Форма наставничества", "form", required=True, width=30,
          note="Выберите из списка форм этой базы."),
    Field("model_element", "Элемент модели", "enum", enum=enums.ModelElement, width=16,
          note=f"Выберите из списка. {_UNKNOWN_NOTE}"),
    Field("mentee_category", "Категория наставляемого", "enum", enum=enums.MenteeCategory,
          width=26, note=f"Выберите из списка. {_UNKNOWN_NOTE}"),
    Field("level", "Уровень", "enum", enum=enums.PairLevel, width=16,
          note=f"Выберите из списка. {_UNKNOWN_NOTE}"),
    Field("start_date", "Дата начала", "date", required=True, width=14, past=False,
          note="дд.мм.гггг."),
    Field("end_date", "Дата окончания", "date", required=True, width=14, past=False,
          note="Плановая дата окончания программы, дд.мм.гггг., не раньше даты начала.",
          aliases=("дата окончания плановая", "плановая дата окончания")),
    Field("ended_on", "Дата завершения фактическая", "date", width=14,
          note="дд.мм.гггг. День, когда пара на самом деле закончила работу (завершена или "
               "прекращена досрочно): не раньше даты начала и не позже сегодняшнего дня. Пара "
               "учитывается в показателях по этот день. Пусто — пара работает или закончится "
               "в плановый день.",
          aliases=("фактическая дата завершения", "дата фактического завершения",
                   "дата прекращения")),
    Field("status", "Статус", "enum", enum=enums.PairStatus, width=16,
          note="Выберите из списка. Пусто — статус выводится по датам на день загрузки: есть "
               "фактическое завершение раньше планового — «прекращена досрочно», другое "
               "фактическое завершение или плановое окончание прошло — «завершена», начало "
               "наступило — «действует», иначе — «планируется»; отчёт о загрузке это называет."),
    Field("end_reason", "Причина", width=24,
          note="Причина досрочного прекращения: обязательна для «прекращена досрочно», при "
               "других статусах не заполняется.",
          aliases=("причина прекращения", "причина досрочного прекращения")),
    Field("order_number", "Номер приказа", width=12, note="Номер приказа о закреплении."),
    Field("order_date", "Дата приказа", "date", width=14, note="дд.мм.гггг."),
), note="Одна строка — наставник и один наставляемый.")

PARTICIPATIONS = Kind("participations", "Участие в мероприятиях", (
    *_fio(),
    Field("kind", "Вид участия", "enum", enum=enums.ParticipationKind, required=True, width=26,
          note="Выберите из списка.", aliases=("вид",)),
    Field("title", "Название мероприятия", width=34, note="Название мероприятия или публикации.",
          aliases=("мероприятие", "название")),
    Field("level", "Уровень", "enum", enum=enums.EventLevel, width=16, note="Выберите из списка."),
    Field("event_date", "Дата", "date", required=True, width=14, note="дд.мм.гггг.",
          aliases=("дата мероприятия", "дата участия")),
    Field("result", "Результат", width=20, note="Участник, призёр, победитель…"),
), note="Одна строка — одно участие педагога в мероприятии.")

PRACTICES = Kind("practices", "Практики наставничества", (
    Field("title", "Название практики", required=True, width=40,
          note="Название практики наставничества, как его напечатать в сборнике. По названию, "
               "ОО и году практика находится в базе при повторной загрузке.",
          aliases=("практика", "название")),
    Field("authors", "Авторы", required=True, width=36,
          note="Фамилия Имя Отчество каждого автора, через «;». Авторы должны быть в реестре; "
               "если в реестре два педагога с одним ФИО — добавьте дату рождения в скобках: "
               "«Иванова Анна Ивановна (12.03.1980)».",
          aliases=("автор", "авторы практики", "фио авторов", "автор (авторы)")),
    Field("organisation", "ОО", "org", required=True, width=24,
          note="ОО, представившая практику: краткое наименование из списка.",
          aliases=("организация", "образовательная организация")),
    Field("form", "Форма наставничества", "form", width=30,
          note="Выберите из списка форм этой базы. Пусто — «не указана»."),
    Field("mentee_category", "Категория наставляемых", "enum", enum=enums.MenteeCategory,
          width=26, note="Выберите из списка. Пусто — «не указано».",
          aliases=("категория наставляемого",)),
    Field("year", "Год", "int", required=True, width=8, low=2000, high=2100,
          note="Год, к сборнику которого относится практика, четыре цифры."),
    Field("description", "Краткое описание", width=50,
          note="Суть практики: цель, участники, формы работы.",
          aliases=("описание", "описание практики")),
    Field("results", "Результаты", width=50,
          note="Что дала практика: результаты наставляемых, наставников, ОО.",
          aliases=("результаты практики", "результат")),
    Field("files", "Файлы", width=30,
          note="Имена файлов, приложенных к практике (описание, презентация), через «;». "
               "Положите файлы рядом с этим файлом Excel (или укажите полный путь к ним) — "
               "при загрузке они копируются в базу.",
          aliases=("файлы практики", "приложения", "файл")),
), note="Одна строка — одна практика. Загруженная практика получает статус «предложена»; "
        "решение принимает методический актив.")

DIAGNOSTICS_BASE = (
    *_fio(),
    Field("session_date", "Дата диагностики", "date", required=True, width=14, note="дд.мм.гггг.",
          aliases=("дата",)),
    Field("session_kind", "Вид диагностики", "enum", enum=enums.SessionKind, width=18,
          note="Выберите из списка.", aliases=("вид",)),
)

KINDS: dict[str, Kind] = {
    k.code: k for k in (ORGANISATIONS, PEOPLE, ACTIVE, PAIRS, PARTICIPATIONS, PRACTICES)
}
KIND_CODES = ("organisations", "people", "active", "pairs", "participations", "diagnostics",
              "practices")
KIND_TITLES = {
    "organisations": "Организации", "people": "Педагоги", "active": "Методический актив",
    "pairs": "Наставнические пары", "participations": "Участие в мероприятиях",
    "diagnostics": "Диагностика", "practices": "Практики наставничества",
}
FIO_ALIASES = ("фио", "ф.и.о.", "фамилия имя отчество", "фамилия, имя, отчество", "педагог",
               "фио педагога")
