"""What the demo derives once its rows are written, as the program itself derives it: stored area
means and deficits from the sessions, the deficits each programme targets, ИОМ drafted for a
few people with open deficits, and the deficits' states."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app import model
from desktop_app.demo.base import REFERENCE, Demo
from desktop_app.demo.bulk import bulk_insert


def derive_deficits(session: Session, demo: Demo) -> bool:
    """Stored area means and deficits derived from the sessions, as the program derives them
    (rebuild_deficits numbers the rows in a fixed order, so the same seed gives the same ids)."""
    from desktop_app.services import diagnostics

    session.flush()
    diagnostics.store_area_scores(session)
    diagnostics.rebuild_deficits(session)
    _link_programmes(session, demo)
    _routes(session)
    diagnostics.refresh_states(session)
    return True


ROUTES_SHARE, ROUTES_MAX = 0.03, 300


def _routes(session: Session) -> None:
    """ИОМ of a few people with at least three open deficits, drafted as the program drafts
    them (every seventh such person, at most 3 % of the people and 300 in all)."""
    from desktop_app.services import routes

    people = session.scalar(select(func.count()).select_from(model.Person)) or 0
    open_deficits = (
        select(model.Deficit.person_id)
        .where(model.Deficit.state != "overcome")
        .group_by(model.Deficit.person_id)
        .having(func.count() >= 3)
        .order_by(model.Deficit.person_id)
    )
    limit = min(int(people * ROUTES_SHARE), ROUTES_MAX)
    chosen = list(session.scalars(open_deficits))[::7][:limit]
    start = REFERENCE - timedelta(days=45)
    for person_id in chosen:
        draft = routes.draft_route(session, person_id, start)
        routes.save_route(session, person_id, draft.start_date, draft.end_date, "active",
                          draft.items)


def _link_programmes(session: Session, demo: Demo) -> None:
    """Programmes target up to three deficits their mentees had when the pair started."""
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for person_id, found_on, deficit_id in session.execute(
        select(model.Deficit.person_id, model.Deficit.found_on, model.Deficit.id)
        .order_by(model.Deficit.person_id, model.Deficit.found_on, model.Deficit.id)
    ):
        found[person_id].append((found_on, deficit_id))
    pairs = {p["id"]: p for p in demo.tables[model.Pair]}
    links = []
    for programme in demo.tables[model.Programme]:
        pair = pairs[programme["pair_id"]]
        limit = pair["start_date"] + timedelta(days=30)
        for mentee in pair["_mentees"]:
            ids = [d for day, d in found[mentee["id"]] if day <= limit][:3]
            links += [{"programme_id": programme["id"], "deficit_id": d} for d in ids]
    bulk_insert(session, model.ProgrammeDeficit, links)
