"""SQLAlchemy 2.0 entities of the whole program (no Qt here).

The entities are loaded on first use of one of their names here (PEP 562): importing only
desktop_app.model.enums (the window's first list) does not load SQLAlchemy."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.model.active import (
        ActiveMember,
        Ground,
        GroundPreset,
        Meeting,
        MeetingAttendee,
        MemberDirection,
        MemberGround,
    )
    from desktop_app.model.base import Base
    from desktop_app.model.collection import CollectionRound, RoundFile
    from desktop_app.model.diagnostics import (
        Answer,
        Deficit,
        DiagnosticSession,
        ExternalResult,
        Instrument,
        InstrumentItem,
        Route,
        RouteItem,
        SessionAreaScore,
    )
    from desktop_app.model.documents import OrderRecord
    from desktop_app.model.indicators import (
        ChangeLog,
        IndicatorPlan,
        ReportText,
        RoadmapItem,
        Setting,
    )
    from desktop_app.model.pairs import (
        MentorshipForm,
        Monitoring,
        Pair,
        PairDirectionLink,
        PairMentee,
        PlanItem,
        PlanTemplate,
        PlanTemplateItem,
        Programme,
        ProgrammeDeficit,
        Satisfaction,
    )
    from desktop_app.model.practices import (
        Practice,
        PracticeAuthor,
        PracticeFile,
        PracticeFilePart,
        PracticePair,
    )
    from desktop_app.model.recognition import Award, AwardCondition, Nomination
    from desktop_app.model.registry import (
        Course,
        Employment,
        Municipality,
        Organisation,
        Participation,
        Person,
    )

__all__ = [
    "ActiveMember", "Answer", "Award", "AwardCondition", "Base", "ChangeLog", "CollectionRound",
    "Course", "Deficit", "DiagnosticSession",
    "Employment", "ExternalResult", "Ground", "GroundPreset", "IndicatorPlan", "Instrument",
    "InstrumentItem", "Meeting", "MeetingAttendee", "MemberDirection", "MemberGround",
    "MentorshipForm", "Monitoring", "Municipality", "Nomination", "OrderRecord", "Organisation",
    "Pair", "PairDirectionLink",
    "PairMentee", "Participation", "Person", "PlanItem", "PlanTemplate", "PlanTemplateItem",
    "Practice", "PracticeAuthor", "PracticeFile", "PracticeFilePart", "PracticePair",
    "Programme", "ProgrammeDeficit", "ReportText", "RoadmapItem", "Route", "RouteItem",
    "RoundFile", "Satisfaction", "SessionAreaScore", "Setting",
]

def load_all() -> None:
    """Import every entity module and give this package their names."""
    from desktop_app.model.base import ENTITY_MODULES

    for name in ("base", *ENTITY_MODULES):
        module = importlib.import_module(f"{__name__}.{name}")
        for entity in __all__:
            if entity in vars(module):
                globals()[entity] = vars(module)[entity]


def __getattr__(name: str) -> Any:
    if name in __all__:
        load_all()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
