"""Scoring by hand: items → areas → deficits, thresholds at their edges."""

from __future__ import annotations

from desktop_app.services.scoring import (
    ExternalBlock,
    ScoredAnswer,
    Thresholds,
    area_changes,
    external_deficits,
    score_session,
    thresholds_from,
)

T = Thresholds()


def answers(area: str, scores: list[int], start: int) -> list[ScoredAnswer]:
    return [ScoredAnswer(start + n, area, s) for n, s in enumerate(scores)]


def test_hand_worked_example() -> None:
    # subject: 2,3 → mean 2,5 (deficit area, edge); item 1 (=2) is a deficit, item 2 (=3) not.
    # methodical: 3,3,2,5,3 → 16/5 = 3,2; one item deficit (id 12).
    # psychological: 5,4 → 4,5 (strength, edge); communicative: 4,5,4,5,4 → 4,4 (no strength).
    # digital: 3,2,3,3,2 → 13/5 = 2,6 (not a deficit area, edge); items 21 and 24 deficits.
    listed = (
        answers("subject", [2, 3], 1) + answers("methodical", [3, 3, 2, 5, 3], 10)
        + answers("psychological", [5, 4], 30) + answers("communicative", [4, 5, 4, 5, 4], 40)
        + answers("digital", [3, 2, 3, 3, 2], 20)
    )
    result = score_session(listed, T)
    assert result.means == {
        "subject": 2.5, "methodical": 3.2, "psychological": 4.5, "communicative": 4.4,
        "digital": 2.6,
    }
    assert result.item_deficits == (1, 12, 21, 24)
    assert result.deficit_areas == ("subject",)
    assert result.strengths == ("psychological",)


def test_item_edge_two_versus_three() -> None:
    result = score_session([ScoredAnswer(1, "digital", 2), ScoredAnswer(2, "digital", 3)], T)
    assert result.item_deficits == (1,)


def test_thresholds_from_settings_and_bad_values() -> None:
    t = thresholds_from({"item_deficit_max": "3", "area_deficit_max": "3,0",
                         "area_strength_min": "нет", "external_deficit_below": "60"})
    assert t == Thresholds(3, 3.0, 4.5, 60)
    result = score_session([ScoredAnswer(1, "subject", 3), ScoredAnswer(2, "subject", 3)], t)
    assert result.item_deficits == (1, 2) and result.deficit_areas == ("subject",)


def test_external_threshold_is_strict() -> None:
    blocks = [ExternalBlock("Предметный блок", "subject", 49.9),
              ExternalBlock("Методический блок", "methodical", 50.0)]
    assert [b.block for b in external_deficits(blocks, T)] == ["Предметный блок"]


def test_area_changes() -> None:
    assert area_changes({"subject": 3.5, "digital": 2.0}, {"subject": 2.5}) == {
        "subject": 1.0, "digital": None}
    assert area_changes({"subject": 3.0}, None) == {"subject": None}
