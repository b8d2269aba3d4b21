"""A person's places of work: the job history and the jobs corrected by hand.

Holds the rows of the history (JobRow, job_history: oldest first, the current one last) and the
hand corrections of it (JobInput: add an earlier job, correct one, delete one entered by
mistake) with their checks: the ОО exists, the dates are real and in order and not before
working age, no period overlaps another, and the current job (or the one closed by a leaving)
keeps its ОО and end — those change only by a move or a leaving (registry_people.py). Every
writing function validates first and raises Refused before touching anything, then flushes;
the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.model import Employment, Organisation, Person
from desktop_app.services.registry_organisations import _organisation
from desktop_app.services.registry_people import _person
from desktop_app.services.validation import (
    FieldError,
    Refused,
    future_problem,
    working_age_problem,
)
from desktop_app.textutil import clean, fmt_date


@dataclass(frozen=True)
class JobRow:
    organisation: str
    position: str
    start_date: date | None
    end_date: date | None
    id: int = 0
    organisation_id: int = 0

    @property
    def is_current(self) -> bool:
        return self.end_date is None


def job_history(session: Session, person_id: int) -> list[JobRow]:
    """Places of work, oldest first (by the end, the current one last)."""
    person = _person(session, person_id)
    return [JobRow(j.organisation.short_name, j.position, j.start_date, j.end_date, j.id,
                   j.organisation_id)
            for j in sorted(person.jobs, key=_job_order)]


def _job_order(job: Employment) -> tuple[date, date, int]:
    return (job.end_date or date.max, job.start_date or date.min, job.id or 0)


# places of work corrected by hand --------------------------------------------------------------
JOB_LABELS: dict[str, str] = {
    "organisation_id": "ОО", "position": "Должность", "start_date": "Начало",
    "end_date": "Окончание",
}
MOVE_HINT = "«Перевести в другую ОО…»"
LEAVE_HINT = "«Уволить / выбыл…»"
CURRENT_JOB_STAYS = ("Нынешнее место работы здесь не удаляется: оно закрывается переводом "
                     f"({MOVE_HINT}) или выбытием ({LEAVE_HINT}).")


@dataclass(frozen=True)
class JobInput:
    """A place of work as entered by hand; end_date None only for the current one."""

    organisation_id: int | None
    position: str = ""
    start_date: date | None = None
    end_date: date | None = None


def job_error(field: str, text: str) -> FieldError:
    label = JOB_LABELS[field]
    return FieldError(field, label, f"«{label}»: {text}.")


def _job(session: Session, job_id: int) -> Employment:
    job = session.get(Employment, job_id)
    if job is None:
        raise Refused(f"Место работы № {job_id} не найдено.")
    return job


def get_job_input(session: Session, job_id: int) -> JobInput:
    job = _job(session, job_id)
    return JobInput(job.organisation_id, job.position, job.start_date, job.end_date)


def _period(start: date | None, end: date | None) -> str:
    since = f"с {fmt_date(start)}" if start else "с неизвестной даты"
    return f"{since} по {fmt_date(end)}" if end else f"{since} по настоящее время"


def _left_with(person: Person, job: Employment) -> bool:
    """The job closed by the person's leaving (its end is the date of leaving)."""
    return (not person.is_active and job.end_date is not None and job.end_date == person.left_on
            and job.organisation_id == person.organisation_id)


def _job_field_errors(session: Session, person: Person, data: JobInput, on: date) -> list[
        FieldError]:
    """Each value on its own: the ОО exists, dates real, in order, not before working age."""
    errors = []
    if data.organisation_id is None:
        errors.append(job_error("organisation_id", "не выбрана организация"))
    elif session.get(Organisation, data.organisation_id) is None:
        errors.append(job_error("organisation_id",
                                f"организация № {data.organisation_id} не найдена"))
    for name in ("start_date", "end_date"):
        value = getattr(data, name)
        problem = future_problem(value, on) or (
            working_age_problem(person.birth_date, value)
            if value is not None and person.birth_date is not None else None)
        if problem:
            errors.append(job_error(name, problem))
    if data.start_date and data.end_date and data.start_date > data.end_date:
        errors.append(job_error("start_date", f"{fmt_date(data.start_date)} позже окончания "
                                              f"({fmt_date(data.end_date)})"))
    if (data.end_date and not person.is_active and person.left_on
            and data.end_date > person.left_on):
        errors.append(job_error("end_date", f"{fmt_date(data.end_date)} позже даты выбытия "
                                            f"({fmt_date(person.left_on)})"))
    return errors


def _job_period_errors(person: Person, job: Employment | None, data: JobInput,
                       on: date) -> list[FieldError]:
    """The period against the person's other jobs: no overlap (a shared end/start day is a move),
    and a past job cannot start after the current job started."""
    others = [j for j in person.jobs if j is not job]
    current = next((j for j in others if j.end_date is None), None)
    if (data.end_date is not None and current is not None and current.start_date is not None
            and data.start_date is not None and data.start_date > current.start_date):
        return [job_error("start_date", f"{fmt_date(data.start_date)} позже начала работы на "
                                        f"нынешнем месте («{current.organisation.short_name}», "
                                        f"с {fmt_date(current.start_date)})")]
    low, high = data.start_date or data.end_date or on, data.end_date or date.max
    for other in sorted(others, key=_job_order):
        other_low = other.start_date or other.end_date or on
        other_high = other.end_date or date.max
        if low < other_high and other_low < high:
            field = "start_date" if other_low <= low else "end_date"
            return [job_error(field, f"период {_period(data.start_date, data.end_date)} "
                                     f"пересекается с работой в «{other.organisation.short_name}» "
                                     f"{_period(other.start_date, other.end_date)}")]
    return []


def _refuse_job(errors: list[FieldError]) -> None:
    if errors:
        raise Refused.from_errors(errors)


def _clean_job(data: JobInput) -> JobInput:
    return JobInput(data.organisation_id, clean(data.position), data.start_date, data.end_date)


def add_job(session: Session, person_id: int, data: JobInput, on: date | None = None) -> int:
    """Add an earlier place of work (e.g. from a paper personal file); returns its id.

    Only a finished job is added here: the current one is opened by a move or by the form."""
    on = on or date.today()
    person = _person(session, person_id)
    data = _clean_job(data)
    errors = _job_field_errors(session, person, data, on)
    if data.end_date is None:
        errors.append(job_error("end_date", "не указана; здесь вносится прежнее место работы, "
                                            f"а нынешнее меняется кнопкой {MOVE_HINT}"))
    _refuse_job(errors or _job_period_errors(person, None, data, on))
    job = Employment(organisation=_organisation(session, data.organisation_id),  # type: ignore[arg-type]
                     position=data.position, start_date=data.start_date, end_date=data.end_date)
    person.jobs.append(job)
    session.flush()
    return job.id


def _fixed_end_errors(person: Person, job: Employment, data: JobInput) -> list[FieldError]:
    """The current job (and the one closed by leaving) keeps its ОО and end here."""
    errors = []
    if job.end_date is None and data.end_date is not None:
        errors.append(job_error("end_date", "нынешнее место работы закрывается переводом "
                                            f"({MOVE_HINT}) или выбытием ({LEAVE_HINT})"))
    elif job.end_date is not None and data.end_date is None:
        errors.append(job_error("end_date", "не указана; прежнее место работы не может стать "
                                            f"нынешним, для этого есть {MOVE_HINT}"))
    elif _left_with(person, job) and data.end_date != job.end_date:
        errors.append(job_error("end_date", "совпадает с датой выбытия "
                                            f"({fmt_date(person.left_on)}) и здесь не меняется"))
    anchored = job.end_date is None or _left_with(person, job)
    if anchored and data.organisation_id != job.organisation_id:
        errors.append(job_error("organisation_id", "ОО нынешнего места работы меняется "
                                                   f"кнопкой {MOVE_HINT}"))
    return errors


def update_job(session: Session, job_id: int, data: JobInput, on: date | None = None) -> None:
    """Correct a place of work: a past one entirely; the current one only its start and
    position (the position is the person's position too)."""
    on = on or date.today()
    job = _job(session, job_id)
    person = job.person
    data = _clean_job(data)
    errors = _job_field_errors(session, person, data, on) + _fixed_end_errors(person, job, data)
    _refuse_job(errors or _job_period_errors(person, job, data, on))
    anchored = job.end_date is None or _left_with(person, job)
    job.organisation = _organisation(session, data.organisation_id)  # type: ignore[arg-type]
    job.position = data.position
    job.start_date, job.end_date = data.start_date, data.end_date
    if anchored and person.organisation_id == job.organisation_id:
        person.position = data.position
    session.flush()


def delete_job(session: Session, job_id: int) -> None:
    """Delete a past place of work entered by mistake (never the current or the only one)."""
    job = _job(session, job_id)
    person = job.person
    if job.end_date is None:
        raise Refused(CURRENT_JOB_STAYS)
    if _left_with(person, job):
        raise Refused(f"Это место работы закрыто выбытием {fmt_date(person.left_on)}: "
                      "удалить его нельзя.")
    if len(person.jobs) == 1:
        raise Refused("Это единственное место работы педагога: удалить его нельзя.")
    person.jobs.remove(job)
    session.flush()
