"""SQLAlchemy 2.0 entities of the whole program (no Qt here)."""

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
from desktop_app.model.indicators import ChangeLog, IndicatorPlan, ReportText, RoadmapItem, Setting
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
from desktop_app.model.registry import Course, Employment, Organisation, Participation, Person

__all__ = [
    "ActiveMember", "Answer", "Base", "ChangeLog", "Course", "Deficit", "DiagnosticSession",
    "Employment", "ExternalResult", "Ground", "GroundPreset", "IndicatorPlan", "Instrument",
    "InstrumentItem", "Meeting", "MeetingAttendee", "MemberDirection", "MemberGround",
    "MentorshipForm", "Monitoring", "Organisation", "Pair", "PairDirectionLink", "PairMentee",
    "Participation", "Person", "PlanItem", "PlanTemplate", "PlanTemplateItem", "Programme",
    "ProgrammeDeficit", "ReportText", "RoadmapItem", "Route", "RouteItem", "Satisfaction",
    "SessionAreaScore", "Setting",
]
