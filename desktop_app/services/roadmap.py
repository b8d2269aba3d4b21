"""The road map of seed 003 (приказ № 279, приложение 2): an editable template with statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.model import RoadmapItem
from desktop_app.model.enums import RoadmapStatus
from desktop_app.services.indicators import IndicatorInputError, log_change
from desktop_app.services.record_versions import check_version, saved, stale_refused
from desktop_app.textutil import clean, fmt_date

CLOSED = (RoadmapStatus.DONE.value, RoadmapStatus.CANCELLED.value)


@dataclass(frozen=True)
class RoadmapRow:
    id: int
    stage: str
    section: str
    number: int
    activity: str
    result: str
    deadline: date | None
    deadline_text: str
    responsible: str
    status: str
    status_label: str
    done_on: date | None
    overdue: bool
    version: int = 1  # the item's row_version when listed: its form's save passes it back


@dataclass(frozen=True)
class RoadmapInput:
    stage: str
    section: str
    activity: str
    result: str
    deadline: date | None
    deadline_text: str
    responsible: str


def is_overdue(deadline: date | None, status: str, on: date) -> bool:
    """Overdue: the deadline is before the date and the item is neither done nor cancelled."""
    return deadline is not None and deadline < on and status not in CLOSED


def list_roadmap(session: Session, on: date | None = None) -> list[RoadmapRow]:
    """Every item in road-map order, numbered within its stage, with overdue as of the date."""
    day = on or date.today()
    rows: list[RoadmapRow] = []
    numbers: dict[str, int] = {}
    for item in session.scalars(select(RoadmapItem).order_by(RoadmapItem.position, RoadmapItem.id)):
        numbers[item.stage] = numbers.get(item.stage, 0) + 1
        rows.append(
            RoadmapRow(
                item.id, item.stage, item.section, numbers[item.stage], item.activity, item.result,
                item.deadline, item.deadline_text, item.responsible, item.status,
                RoadmapStatus(item.status).label, item.done_on,
                is_overdue(item.deadline, item.status, day), item.row_version,
            )
        )
    return rows


def overdue(session: Session, on: date | None = None) -> list[RoadmapRow]:
    """The items overdue on the date."""
    return [row for row in list_roadmap(session, on) if row.overdue]


def _checked(data: RoadmapInput) -> RoadmapInput:
    activity = clean(data.activity)
    if not activity:
        raise IndicatorInputError("Мероприятие: не заполнено.")
    text = clean(data.deadline_text) or (fmt_date(data.deadline) if data.deadline else "")
    return RoadmapInput(
        clean(data.stage), clean(data.section), activity, clean(data.result), data.deadline,
        text, clean(data.responsible),
    )


def add_item(session: Session, data: RoadmapInput) -> int:
    """Add an activity at the end of the road map; returns its id."""
    data = _checked(data)
    position = (session.scalar(select(func.max(RoadmapItem.position))) or 0) + 1
    item = RoadmapItem(
        stage=data.stage, section=data.section, position=position, activity=data.activity,
        result=data.result, deadline=data.deadline, deadline_text=data.deadline_text,
        responsible=data.responsible, status=RoadmapStatus.PLANNED.value,
    )
    session.add(item)
    session.flush()
    log_change(session, "roadmap_items", item.id, "insert", "", data.activity)
    return item.id


def _item(session: Session, item_id: int) -> RoadmapItem:
    item = session.get(RoadmapItem, item_id)
    if item is None:
        raise IndicatorInputError(f"Мероприятие дорожной карты № {item_id} не найдено.")
    return item


def update_item(session: Session, item_id: int, data: RoadmapInput, *,
                expected_version: int | None = None) -> None:
    """Change the text, deadline or responsible of an activity. expected_version: the item's
    version its form was opened with; refused when another seat saved the item since
    (services/record_versions.py)."""
    data = _checked(data)
    item = _item(session, item_id)
    check_version(session, item, expected_version, IndicatorInputError)
    old = f"{item.activity} | {item.deadline_text} | {item.responsible}"
    with stale_refused(session, item, IndicatorInputError):
        saved(item)
        item.stage, item.section, item.activity = data.stage, data.section, data.activity
        item.result, item.deadline = data.result, data.deadline
        item.deadline_text, item.responsible = data.deadline_text, data.responsible
        session.flush()
    new = f"{item.activity} | {item.deadline_text} | {item.responsible}"
    log_change(session, "roadmap_items", item.id, "update", old, new)


def set_status(session: Session, item_id: int, status: str, done_on: date | None = None) -> None:
    """Set the status; «выполнено» keeps the date it was done (today unless given)."""
    try:
        value = RoadmapStatus(status).value
    except ValueError:
        value = (RoadmapStatus.from_label(status) or _bad_status(status)).value
    item = _item(session, item_id)
    old = item.status
    item.status = value
    item.done_on = (done_on or date.today()) if value == RoadmapStatus.DONE.value else None
    log_change(session, "roadmap_items", item.id, "status", old, value)


def _bad_status(status: str) -> RoadmapStatus:
    known = ", ".join(s.label for s in RoadmapStatus)
    raise IndicatorInputError(f"Статус: неизвестное значение «{status}» (возможны: {known}).")


def delete_item(session: Session, item_id: int) -> None:
    item = _item(session, item_id)
    log_change(session, "roadmap_items", item.id, "delete", item.activity, "")
    session.delete(item)
