"""What a pair's work gives: the monitoring of its programme and the satisfaction questionnaires.

MonitoringInput, MonitoringRow and EXAM_KINDS with add_monitoring, list_monitorings and
delete_monitoring (seed 002 §5.1 students' results, olympiads, activity and §5.2 influence);
the questionnaires of the mentor and mentees, scored 1–10 (SatisfactionRow, add_satisfaction,
list_satisfactions, delete_satisfaction) and their means by role, of one pair or overall
(SatisfactionMeans, satisfaction_means).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.model import Monitoring, Person, Satisfaction
from desktop_app.model.enums import Respondent
from desktop_app.services.pairs.groups import (
    _future_date_error,
    _pair_or_error,
    _person_label,
    _touch,
)
from desktop_app.services.pairs.rules import PairError
from desktop_app.textutil import clean

# monitoring and satisfaction --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MonitoringInput:
    """Seed 002 §5.1 (process: students' results, olympiads, activity) and §5.2 (influence)."""

    monitoring_date: date
    exam_kind: str = ""
    students_passed_percent: float | None = None
    olympiad_participants: int | None = None
    progress_dynamics: str = ""
    mentee_activity: str = ""
    influence: str = ""
    risks: str = ""


@dataclass(frozen=True)
class MonitoringRow:
    id: int
    monitoring_date: date
    exam_kind: str
    students_passed_percent: float | None
    olympiad_participants: int | None
    progress_dynamics: str
    mentee_activity: str
    influence: str
    risks: str


EXAM_KINDS = ("ВПР", "ОГЭ", "ЕГЭ", "итоговые работы", "иное")


def add_monitoring(session: Session, pair_id: int, data: MonitoringInput) -> int:
    """Record a monitoring of the programme; percent 0–100, participants ≥ 0."""
    _pair_or_error(session, pair_id)
    error = _future_date_error(data.monitoring_date, "Дата мониторинга")
    if error:
        raise error
    p = data.students_passed_percent
    if p is not None and not 0 <= p <= 100:
        raise PairError(
            "Поле «Доля обучающихся, успешно прошедших процедуру»: от 0 до 100 %.",
            "students_passed_percent",
        )
    if data.olympiad_participants is not None and data.olympiad_participants < 0:
        raise PairError("Поле «Участники олимпиад»: число не может быть отрицательным.",
                        "olympiad_participants")
    row = Monitoring(
        pair_id=pair_id, monitoring_date=data.monitoring_date, exam_kind=clean(data.exam_kind),
        students_passed_percent=p, olympiad_participants=data.olympiad_participants,
        progress_dynamics=data.progress_dynamics.strip(),
        mentee_activity=data.mentee_activity.strip(), influence=data.influence.strip(),
        risks=data.risks.strip(),
    )
    session.add(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def list_monitorings(session: Session, pair_id: int) -> list[MonitoringRow]:
    stmt = select(Monitoring).where(Monitoring.pair_id == pair_id).order_by(
        Monitoring.monitoring_date, Monitoring.id
    )
    return [
        MonitoringRow(m.id, m.monitoring_date, m.exam_kind, m.students_passed_percent,
                      m.olympiad_participants, m.progress_dynamics, m.mentee_activity,
                      m.influence, m.risks)
        for m in session.scalars(stmt)
    ]


def delete_monitoring(session: Session, monitoring_id: int) -> None:
    row = session.get(Monitoring, monitoring_id)
    if row is not None:
        _touch(session, row.pair_id)
        session.delete(row)
        session.flush()


@dataclass(frozen=True)
class SatisfactionRow:
    id: int
    person: str
    respondent: str
    answered_on: date
    score: int
    comment: str


@dataclass(frozen=True)
class SatisfactionMeans:
    mentor: float | None
    mentee: float | None
    overall: float | None
    count: int


def add_satisfaction(
    session: Session, pair_id: int, person_id: int, score: int, answered_on: date,
    comment: str = "",
) -> int:
    """A questionnaire (1–10) of the pair's mentor or one of its mentees."""
    pair = _pair_or_error(session, pair_id)
    if not isinstance(score, int) or not 1 <= score <= 10:
        raise PairError("Поле «Оценка удовлетворённости»: целое число от 1 до 10.", "score")
    error = _future_date_error(answered_on, "Дата анкеты")
    if error:
        raise error
    if person_id == pair.mentor_id:
        respondent = Respondent.MENTOR.value
    elif person_id in {m.person_id for m in pair.mentees}:
        respondent = Respondent.MENTEE.value
    else:
        raise PairError("Анкету заполняет наставник или наставляемый этой пары.", "person_id")
    row = Satisfaction(pair_id=pair_id, person_id=person_id, respondent=respondent,
                       answered_on=answered_on, score=score, comment=comment.strip())
    session.add(row)
    _touch(session, pair_id)
    session.flush()
    return row.id


def list_satisfactions(session: Session, pair_id: int) -> list[SatisfactionRow]:
    stmt = (
        select(Satisfaction, Person)
        .join(Person, Person.id == Satisfaction.person_id)
        .where(Satisfaction.pair_id == pair_id)
        .order_by(Satisfaction.answered_on, Satisfaction.id)
    )
    labels = dict(Respondent.choices())
    return [
        SatisfactionRow(s.id, _person_label(p), labels.get(s.respondent, s.respondent),
                        s.answered_on, s.score, s.comment)
        for s, p in session.execute(stmt)
    ]


def delete_satisfaction(session: Session, satisfaction_id: int) -> None:
    row = session.get(Satisfaction, satisfaction_id)
    if row is not None:
        _touch(session, row.pair_id)
        session.delete(row)
        session.flush()


def satisfaction_means(session: Session, pair_id: int | None = None) -> SatisfactionMeans:
    """Mean scores of mentors, of mentees and of all questionnaires — of one pair or overall."""
    stmt = select(Satisfaction.respondent, func.avg(Satisfaction.score), func.count()).group_by(
        Satisfaction.respondent
    )
    if pair_id is not None:
        stmt = stmt.where(Satisfaction.pair_id == pair_id)
    by_role = {r: (float(a), int(c)) for r, a, c in session.execute(stmt)}
    count = sum(c for _, c in by_role.values())
    total = sum(a * c for a, c in by_role.values())
    return SatisfactionMeans(
        by_role.get(Respondent.MENTOR.value, (None, 0))[0],
        by_role.get(Respondent.MENTEE.value, (None, 0))[0],
        total / count if count else None,
        count,
    )

