"""Closed lists of the seeds: stored as short codes, shown by their Russian labels."""

from __future__ import annotations

from enum import StrEnum


class RuEnum(StrEnum):
    """A string enum whose members carry a Russian label."""

    @property
    def label(self) -> str:
        return LABELS[type(self).__name__][self.value]

    @classmethod
    def from_label(cls, text: str) -> RuEnum | None:
        wanted = text.strip().lower().replace("ё", "е")
        for member in cls:
            if member.label.lower().replace("ё", "е") == wanted or member.value == wanted:
                return member
        return None

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class OrgKind(RuEnum):
    GENERAL = "general"
    PRESCHOOL = "preschool"
    ADDITIONAL = "additional"
    OTHER = "other"
    UNKNOWN = "unknown"  # a blank on a form: not guessed, shown «не указано»


class Category(RuEnum):
    NONE = "none"
    CONFORMITY = "conformity"
    FIRST = "first"
    HIGHEST = "highest"
    METHODIST = "methodist"
    MENTOR = "mentor"
    UNKNOWN = "unknown"  # not given (a blank is not «без категории», which is an answer)


class EducationLevel(RuEnum):
    HIGHER = "higher"
    MASTER = "master"
    SPECIALIST = "specialist"
    BACHELOR = "bachelor"
    SECONDARY_PROF = "secondary_prof"
    OTHER = "other"
    UNKNOWN = "unknown"  # not given: never guessed as «высшее»


class ActiveStatus(RuEnum):
    CANDIDATE = "candidate"
    SUBMITTED = "submitted"
    DIAGNOSED = "diagnosed"
    INCLUDED = "included"
    EXCLUDED = "excluded"


class ActiveRole(RuEnum):
    COORDINATOR = "coordinator"
    GMO_HEAD = "gmo_head"
    MEMBER = "member"
    METHODIST = "methodist"
    CURATOR = "curator"
    UNKNOWN = "unknown"


class ActiveDirection(RuEnum):
    """The five directions of activity of seed 004 §2.1."""

    REFLEXIVE = "reflexive"
    TECHNOLOGICAL = "technological"
    ORGANISATIONAL = "organisational"
    COORDINATING = "coordinating"
    EXPERT = "expert"


class ModelElement(RuEnum):
    ADAPTATION = "adaptation"
    TRAINING = "training"
    SUPPORT = "support"
    UNKNOWN = "unknown"


class MenteeCategory(RuEnum):
    YOUNG = "young"
    NEW_DUTIES = "new_duties"
    TRANSFER = "transfer"
    LOW_RESULTS = "low_results"
    UNKNOWN = "unknown"


class PairDirection(RuEnum):
    """The questions pairs are matched on, seed 000 §5.4."""

    SUBJECT = "subject"
    METHODS = "methods"
    UPBRINGING = "upbringing"
    LESSONS = "lessons"
    PSYCHOLOGY = "psychology"
    PARENTS = "parents"
    ADDITIONAL_EDU = "additional_edu"


class PairLevel(RuEnum):
    ORGANISATION = "organisation"
    MUNICIPAL = "municipal"
    UNKNOWN = "unknown"


class PairStatus(RuEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class Respondent(RuEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class ParticipationKind(RuEnum):
    MASTER_CLASS = "master_class"
    OPEN_LESSON = "open_lesson"
    TALK = "talk"
    PUBLICATION = "publication"
    CONTEST = "contest"
    INNOVATION = "innovation"
    EXPERIMENT = "experiment"

    @property
    def shares_experience(self) -> bool:
        """Counts for indicator 2 (обобщение, представление и распространение опыта)."""
        return self in _SHARING

    @property
    def is_innovation(self) -> bool:
        """Counts for indicator 4 (инновационная и экспериментальная деятельность)."""
        return self in (ParticipationKind.INNOVATION, ParticipationKind.EXPERIMENT)


class EventLevel(RuEnum):
    ORGANISATION = "organisation"
    MUNICIPAL = "municipal"
    REGIONAL = "regional"
    FEDERAL = "federal"
    INTERNATIONAL = "international"


class CompetenceArea(RuEnum):
    SUBJECT = "subject"
    METHODICAL = "methodical"
    PSYCHOLOGICAL = "psychological"
    COMMUNICATIVE = "communicative"
    DIGITAL = "digital"


class SessionKind(RuEnum):
    SELF = "self"
    EXTERNAL = "external"


class DeficitState(RuEnum):
    FOUND = "found"
    IN_WORK = "in_work"
    OVERCOME = "overcome"


class RouteActivity(RuEnum):
    COURSES = "courses"
    INTERNSHIP = "internship"
    MMO = "mmo"
    SELF_EDUCATION = "self_education"
    MENTORING = "mentoring"


class RouteState(RuEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"


class RoadmapStatus(RuEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class CourseKind(RuEnum):
    QUALIFICATION = "qualification"
    RETRAINING = "retraining"


class AwardLevel(RuEnum):
    """Whose award it is: the state's, a ministry's, the region's or the municipality's."""

    FEDERAL = "federal"
    DEPARTMENTAL = "departmental"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"


class AwardCandidates(RuEnum):
    """Who is considered for an award: the mentors, or everyone of the pairs (the mentees too)."""

    MENTORS = "mentors"
    PARTICIPANTS = "participants"


class AwardMeasure(RuEnum):
    """What a condition of an award measures (services/recognitions.py computes each); a
    condition «min_…» asks for at least its value, «max_…» for at most."""

    MIN_YEARS_MENTORING = "min_years_mentoring"
    MIN_MENTEES = "min_mentees"
    MIN_COMPLETED_PROGRAMMES = "min_completed_programmes"
    MIN_DEFICITS_OVERCOME = "min_deficits_overcome"
    MIN_STAYED_YOUNG_SPECIALISTS = "min_stayed_young_specialists"
    MIN_PARTICIPATIONS = "min_participations"
    MIN_CONTESTS = "min_contests"
    MIN_PED_EXPERIENCE_YEARS = "min_ped_experience_years"
    MAX_PED_EXPERIENCE_YEARS = "max_ped_experience_years"
    MAX_AGE = "max_age"
    MIN_COMPLETED_AS_MENTEE = "min_completed_as_mentee"

    @property
    def is_max(self) -> bool:
        """An upper bound (age, experience): the figure may not exceed the value."""
        return self.value.startswith("max_")


class NominationResult(RuEnum):
    NOMINATED = "nominated"
    AWARDED = "awarded"
    REFUSED = "refused"


class PracticeStatus(RuEnum):
    """The way of a practice into the bank: the active reviews it and decides."""

    PROPOSED = "proposed"
    REVIEWED = "reviewed"
    INCLUDED = "included"
    REJECTED = "rejected"


_SHARING = (
    ParticipationKind.MASTER_CLASS,
    ParticipationKind.OPEN_LESSON,
    ParticipationKind.TALK,
    ParticipationKind.PUBLICATION,
    ParticipationKind.CONTEST,
)

LABELS: dict[str, dict[str, str]] = {
    "OrgKind": {
        "general": "общеобразовательная",
        "preschool": "дошкольная",
        "additional": "дополнительного образования",
        "other": "иная",
        "unknown": "не указано",
    },
    "Category": {
        "none": "без категории",
        "conformity": "соответствие занимаемой должности",
        "first": "первая",
        "highest": "высшая",
        "methodist": "педагог-методист",
        "mentor": "педагог-наставник",
        "unknown": "не указано",
    },
    "EducationLevel": {
        "higher": "высшее",
        "master": "высшее — магистратура",
        "specialist": "высшее — специалитет",
        "bachelor": "высшее — бакалавриат",
        "secondary_prof": "среднее профессиональное",
        "other": "иное",
        "unknown": "не указано",
    },
    "ActiveStatus": {
        "candidate": "кандидат",
        "submitted": "представлен",
        "diagnosed": "прошёл диагностику",
        "included": "включён",
        "excluded": "исключён",
    },
    "ActiveRole": {
        "coordinator": "координатор",
        "gmo_head": "руководитель ГМО/ММО",
        "member": "член актива",
        "methodist": "муниципальный методист",
        "curator": "куратор наставничества в ОО",
        "unknown": "не указано",
    },
    "ActiveDirection": {
        "reflexive": "рефлексивно-диагностическое",
        "technological": "технологическое",
        "organisational": "организационно-методическое",
        "coordinating": "координирующее",
        "expert": "экспертное",
    },
    "ModelElement": {
        "adaptation": "адаптация",
        "training": "обучение",
        "support": "сопровождение",
        "unknown": "не указано",
    },
    "MenteeCategory": {
        "young": "молодой специалист (0–3 года)",
        "new_duties": "освоение новых обязанностей, технологий, подготовка к конкурсу",
        "transfer": "переход в другую ОО",
        "low_results": "педагог ШНОР",
        "unknown": "не указано",
    },
    "PairDirection": {
        "subject": "предметное содержание",
        "methods": "методика обучения и преподавания",
        "upbringing": "воспитательная деятельность",
        "lessons": "организация урочной и внеурочной деятельности",
        "psychology": "психолого-педагогическое сопровождение",
        "parents": "работа с родителями",
        "additional_edu": "связь с системой дополнительного образования",
    },
    "PairLevel": {
        "organisation": "внутри ОО",
        "municipal": "муниципальный",
        "unknown": "не указано",
    },
    "PairStatus": {
        "planned": "планируется",
        "active": "действует",
        "completed": "завершена",
        "ended_early": "прекращена досрочно",
    },
    "Respondent": {"mentor": "наставник", "mentee": "наставляемый"},
    "ParticipationKind": {
        "master_class": "мастер-класс",
        "open_lesson": "открытый урок (занятие)",
        "talk": "выступление",
        "publication": "публикация",
        "contest": "конкурс профессионального мастерства",
        "innovation": "инновационная деятельность",
        "experiment": "экспериментальная деятельность",
    },
    "EventLevel": {
        "organisation": "уровень ОО",
        "municipal": "муниципальный",
        "regional": "региональный",
        "federal": "федеральный",
        "international": "международный",
    },
    "CompetenceArea": {
        "subject": "предметные",
        "methodical": "методические",
        "psychological": "психолого-педагогические",
        "communicative": "коммуникативные",
        "digital": "цифровые",
    },
    "SessionKind": {"self": "самодиагностика", "external": "внешняя оценка"},
    "DeficitState": {"found": "выявлен", "in_work": "в работе", "overcome": "преодолён"},
    "RouteActivity": {
        "courses": "курсы",
        "internship": "стажировка",
        "mmo": "ММО",
        "self_education": "самообразование",
        "mentoring": "наставничество",
    },
    "RouteState": {"draft": "проект", "active": "реализуется", "completed": "завершён"},
    "RoadmapStatus": {
        "planned": "запланировано",
        "in_progress": "выполняется",
        "done": "выполнено",
        "cancelled": "отменено",
    },
    "CourseKind": {
        "qualification": "повышение квалификации",
        "retraining": "профессиональная переподготовка",
    },
    "AwardLevel": {
        "federal": "государственная награда",
        "departmental": "ведомственная награда",
        "regional": "региональный уровень",
        "municipal": "муниципальный уровень",
    },
    "AwardCandidates": {
        "mentors": "наставники",
        "participants": "наставники и наставляемые",
    },
    "AwardMeasure": {
        "min_years_mentoring": "учебных лет наставнической деятельности, не менее",
        "min_mentees": "наставляемых, не менее",
        "min_completed_programmes": "завершённых программ наставничества, не менее",
        "min_deficits_overcome": "дефицитов наставляемых, преодолённых по повторной "
                                 "диагностике, не менее",
        "min_stayed_young_specialists": "молодых специалистов, продолжающих работать после "
                                        "наставничества, не менее",
        "min_participations": "участий в распространении опыта, не менее",
        "min_contests": "участий в конкурсах профессионального мастерства, не менее",
        "min_ped_experience_years": "лет педагогического стажа, не менее",
        "max_ped_experience_years": "лет педагогического стажа, не более",
        "max_age": "возраст (полных лет), не более",
        "min_completed_as_mentee": "завершённых программ в роли наставляемого, не менее",
    },
    "NominationResult": {
        "nominated": "выдвинут",
        "awarded": "награждён",
        "refused": "отказано",
    },
    "PracticeStatus": {
        "proposed": "предложена",
        "reviewed": "рассмотрена активом",
        "included": "включена в банк",
        "rejected": "отклонена",
    },
}
