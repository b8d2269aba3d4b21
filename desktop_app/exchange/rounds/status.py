"""The state of a collection round: for each ОО, its file sent, returned, applied, with the
number of changes and refusals; the ОО still silent, overdue ones marked, and a reminder to
send them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from desktop_app.model import Organisation
from desktop_app.model.collection import CollectionRound, RoundFile
from desktop_app.store.database import Database
from desktop_app.textutil import fmt_date, ru_sort_key

SENT, RETURNED, APPLIED = "отправлен", "возвращён", "применён"


@dataclass(frozen=True)
class OrgStatus:
    """One ОО's file in a round."""

    org_id: int
    org_name: str
    email: str
    file_name: str
    sent: datetime
    returned: datetime | None
    returned_name: str
    applied: datetime | None
    changes: int | None
    refused: int | None
    overdue: bool  # the deadline passed (today > deadline) and nothing returned

    @property
    def state(self) -> str:
        """«отправлен», «возвращён» (a return refused, not applied), «применён»."""
        if self.applied is not None:
            return APPLIED
        return RETURNED if self.returned is not None else SENT

    def text(self) -> str:
        """«МБОУ СОШ № 1 — применён 03.12.2026: изменений 7» as `collect status` prints it."""
        if self.state == APPLIED:
            assert self.applied is not None
            line = f"{APPLIED} {fmt_date(self.applied.date())}: изменений {self.changes or 0}"
            if self.refused and self.returned and self.returned > self.applied:
                line += (f"; файл, присланный {fmt_date(self.returned.date())}, не принят: "
                         f"ошибок {self.refused}")
        elif self.state == RETURNED:
            assert self.returned is not None
            line = (f"{RETURNED} {fmt_date(self.returned.date())}, не применён: ошибок "
                    f"{self.refused or 0}")
        else:
            line = f"{SENT}, не возвращён" + (" — срок прошёл" if self.overdue else "")
        return f"{self.org_name} — {line}"


@dataclass(frozen=True)
class RoundStatus:
    """A round and its files, in the Russian order of the ОО names."""

    round_id: int
    on: date
    deadline: date | None
    started: datetime
    orgs: list[OrgStatus]

    @property
    def silent(self) -> list[OrgStatus]:
        """The ОО that have returned nothing yet."""
        return [o for o in self.orgs if o.returned is None]

    @property
    def overdue(self) -> list[OrgStatus]:
        return [o for o in self.orgs if o.overdue]

    def reminder_text(self) -> str:
        """A plain Russian reminder to the ОО still silent: their names and e-mails, the round's
        date and the deadline (to print or to paste into a letter)."""
        silent = self.silent
        if not silent:
            return (f"Сбор сведений на {fmt_date(self.on)}: все ОО вернули файлы, напоминать "
                    "некому.")
        by = (f"Срок возврата — {fmt_date(self.deadline)}." if self.deadline else
              "Просим вернуть файл как можно скорее.")
        lines = [
            f"Напоминание о сборе сведений на {fmt_date(self.on)}",
            "",
            "Методический центр ещё не получил заполненный файл сбора сведений от следующих "
            f"организаций ({len(silent)}):",
        ]
        for n, org in enumerate(silent, start=1):
            email = f" — {org.email}" if org.email else " — эл. почта не указана"
            lines.append(f"{n}. {org.org_name}{email}")
        lines += [
            "",
            "Проверьте в присланном файле («" + (silent[0].file_name if len(silent) == 1 else
                                                  "<краткое наименование ОО>.xlsx")
            + "») сведения о своей организации, педагогах, наставнических парах и участии в "
              "мероприятиях, исправьте и дополните их (как — сказано на листе «Как "
              "заполнить») и верните файл в методический центр.",
            by,
        ]
        return "\n".join(lines)


def round_status(db: Database, round_id: int | None = None,
                 today: date | None = None) -> RoundStatus | None:
    """The state of a round (None: the latest one); None when there is no round yet."""
    today = today or date.today()
    with db.sessions() as session:
        query = select(CollectionRound)
        query = (query.where(CollectionRound.id == round_id) if round_id is not None else
                 query.order_by(CollectionRound.id.desc()).limit(1))
        found = session.scalars(query).first()
        if found is None:
            return None
        rows = session.execute(
            select(RoundFile, Organisation.short_name, Organisation.email)
            .join(Organisation, Organisation.id == RoundFile.organisation_id)
            .where(RoundFile.round_id == found.id)).all()
        late = found.deadline is not None and today > found.deadline
        orgs = [OrgStatus(rf.organisation_id, name, email or "", rf.file_name, rf.sent,
                          rf.returned, rf.returned_name or "", rf.applied, rf.changes,
                          rf.refused, late and rf.returned is None)
                for rf, name, email in rows]
        orgs.sort(key=lambda o: (ru_sort_key(o.org_name), o.org_id))
        return RoundStatus(found.id, found.on_date, found.deadline, found.started, orgs)


def status_lines(status: RoundStatus) -> list[str]:
    """The text `collect status` prints."""
    deadline = (f", срок возврата — {fmt_date(status.deadline)}" if status.deadline else
                ", срок возврата не указан")
    applied = sum(1 for o in status.orgs if o.state == APPLIED)
    returned = sum(1 for o in status.orgs if o.returned is not None)
    lines = [
        f"Сбор сведений № {status.round_id} на {fmt_date(status.on)} (начат "
        f"{status.started:%d.%m.%Y %H:%M}){deadline}.",
        f"ОО — {len(status.orgs)}: вернули — {returned}, применено — {applied}, не вернули — "
        f"{len(status.silent)}" + (f" (срок прошёл — {len(status.overdue)})"
                                   if status.overdue else "") + ".",
        "",
    ]
    lines += [f"  {org.text()}" for org in status.orgs]
    if status.silent:
        lines += ["", "Ещё не вернули: " + ", ".join(o.org_name for o in status.silent) + "."]
    else:
        lines += ["", "Все ОО вернули файлы."]
    return lines


def status_json(status: RoundStatus) -> dict[str, Any]:
    """The state as JSON (`collect status --json`): dates ISO, times to the second."""
    return {
        "round": status.round_id, "date": status.on.isoformat(),
        "deadline": status.deadline.isoformat() if status.deadline else None,
        "started": status.started.isoformat(timespec="seconds"),
        "organisations": [{
            "id": o.org_id, "name": o.org_name, "email": o.email, "file": o.file_name,
            "state": o.state, "sent": _time(o.sent), "returned": _time(o.returned),
            "returned_file": o.returned_name, "applied": _time(o.applied),
            "changes": o.changes, "refused": o.refused, "overdue": o.overdue,
        } for o in status.orgs],
        "silent": [o.org_id for o in status.silent],
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
