"""The orders: the composition of the methodological active and the assignment of mentor pairs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.reports import layout, queries
from desktop_app.reports.docmodel import Document, Table
from desktop_app.reports.params import ReportParams
from desktop_app.services.presets import own_municipality
from desktop_app.textutil import fmt_date

ACTIVE_TITLE = "Об утверждении состава муниципального методического актива"
ACTIVE_PREAMBLE = (
    "В соответствии с Положением о муниципальном методическом активе, на основании "
    "представлений образовательных организаций и результатов диагностики кандидатов"
)
PAIRS_TITLE = "О закреплении наставнических пар (групп)"
PAIRS_PREAMBLE = (
    "В соответствии с Положением о системе наставничества педагогических работников, в целях "
    "профессиональной, психолого-педагогической поддержки молодых и малоопытных педагогов"
)


def pairs_preamble(municipality: str) -> str:
    """The preamble naming the municipality's Положение when the settings give its name."""
    if not municipality:
        return PAIRS_PREAMBLE
    return ("В соответствии с Положением о системе наставничества педагогических работников в "
            f"муниципальных образовательных организациях {municipality}, в целях "
            "профессиональной, психолого-педагогической поддержки молодых и малоопытных "
            "педагогов")


def active_points(head: layout.Letterhead) -> tuple[str, ...]:
    site = f"официальном сайте {head.centre_short}" if head.centre_short else "официальном сайте"
    return (
        "Утвердить состав муниципального методического актива (приложение 1).",
        "Членам муниципального методического актива осуществлять деятельность в соответствии "
        "с Положением о муниципальном методическом активе.",
        "Руководителям образовательных организаций создать условия для деятельности членов "
        "муниципального методического актива.",
        f"Разместить информацию о списочном составе муниципального методического актива на {site} "
        "с соблюдением законодательства о персональных данных.",
        "Контроль за исполнением настоящего приказа оставляю за собой.",
    )


PAIRS_POINTS = (
    "Закрепить наставнические пары (группы) на период реализации персонализированных программ "
    "наставничества (приложение 1).",
    "Наставникам совместно с наставляемыми обеспечить реализацию персонализированных программ "
    "наставничества в установленные сроки.",
    "Руководителям образовательных организаций создать условия для реализации "
    "персонализированных программ наставничества.",
    "Контроль за исполнением настоящего приказа оставляю за собой.",
)


def members_table(rows: list[queries.MemberRow]) -> Table:
    return Table(
        headers=("Фамилия, имя, отчество", "Место работы", "Должность", "Предметная область",
                 "Роль в активе"),
        rows=tuple((r.fio, r.organisation, r.position, r.subject_area, r.role) for r in rows),
        widths=(32, 28, 24, 24, 22),
    )


def active_order(session: Session, params: ReportParams) -> Document:
    """Приказ об утверждении состава ММА with the list of members as appendix 1."""
    head = layout.letterhead(session)
    info = params.order_info()
    blocks = layout.order_blocks(head, info, ACTIVE_TITLE, ACTIVE_PREAMBLE, active_points(head))
    blocks += layout.appendix_head(1, info, "Состав муниципального методического актива")
    blocks.append(members_table(queries.active_members(session)))
    return Document(f"Приказ {info.number_text} — {ACTIVE_TITLE}", tuple(blocks),
                    margins_mm=layout.page_margins(session))


def pairs_table(rows: list[queries.OrderPairRow]) -> Table:
    return Table(
        headers=("Наставник", "Должность и ОО наставника", "Наставляемые", "Форма наставничества",
                 "Срок"),
        rows=tuple(
            (r.mentor, r.mentor_job, "\n".join(r.mentees), r.form,
             f"{fmt_date(r.start)}\u00a0–\n{fmt_date(r.end)}")
            for r in rows
        ),
        widths=(30, 32, 44, 36, 26), size=11,
    )


def pairs_order(session: Session, params: ReportParams) -> Document:
    """Приказ о закреплении наставнических пар (групп) with the table of pairs as appendix 1:
    the pairs whose programme runs on the order's date. With none the order is refused
    (queries.NotFound with the reason) rather than printed with an empty appendix."""
    head = layout.letterhead(session)
    info = params.order_info()
    pairs = queries.order_pairs(session, info.on)
    if not pairs:
        raise queries.NotFound(queries.no_order_pairs_reason(session, info.on))
    preamble = pairs_preamble(own_municipality(session))
    blocks = layout.order_blocks(head, info, PAIRS_TITLE, preamble, PAIRS_POINTS)
    blocks += layout.appendix_head(1, info, "Наставнические пары (группы)")
    blocks.append(pairs_table(pairs))
    return Document(f"Приказ {info.number_text} — {PAIRS_TITLE}", tuple(blocks),
                    margins_mm=layout.page_margins(session))


def default_wording(session: Session, kind: str) -> tuple[str, tuple[str, ...]]:
    """The preamble and points an order of this kind prints unless the user rewrites them."""
    if kind == "active-order":
        return ACTIVE_PREAMBLE, active_points(layout.letterhead(session))
    if kind == "pairs-order":
        return pairs_preamble(own_municipality(session)), PAIRS_POINTS
    raise ValueError(f"«{kind}» не приказ")
