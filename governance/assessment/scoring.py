"""Turning counts into points: pure functions, no database (tests check them by hand).

An indicator's value is numerator ÷ denominator (a rate, None when the denominator is 0) or the
numerator alone (a count). Then:
- RATE: 100 × rate (direction DOWN: 100 × (1 − rate));
- BANDS: the points of the first band whose upper bound (inclusive) the value does not exceed;
- LINEAR: 0 at `low`, 100 at `high`, straight in between, clamped (DOWN: reversed);
- DEDUCTION: weight − per_item × count, floored at zero (扣完为止);
- BONUS: per_item × count, capped at `cap`; all bonuses together capped at the scheme's bonus cap;
- PENALTY: − per_item × count, uncapped; the total is floored at zero.

The weighted lines (RATE, BANDS, LINEAR) contribute points × weight ÷ 100. A line with nothing to
count (rate with denominator 0) is "not applicable": its weight goes to the other weighted lines in
proportion to theirs, so nobody gains or loses for work that did not arise. A subject none of
whose rates applies has no score (nothing to assess this period: no grade, no rank).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from governance.assessment.choices import Direction, Scoring

WEIGHTED = frozenset({Scoring.RATE, Scoring.BANDS, Scoring.LINEAR})
TWO = Decimal("0.01")


def q(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """What scoring needs of an indicator (models.Indicator, or a frozen line of a sheet)."""

    key: str
    scoring: str
    direction: str = Direction.UP
    weight: Decimal = Decimal(0)
    bands: tuple = ()
    low: float | None = None
    high: float | None = None
    per_item: Decimal = Decimal(0)
    cap: Decimal | None = None
    has_denominator: bool = True

    @classmethod
    def of(cls, indicator) -> Rule:
        return cls(
            key=indicator.key, scoring=indicator.scoring, direction=indicator.direction,
            weight=Decimal(str(indicator.weight)), bands=tuple(tuple(b) for b in indicator.bands or ()),
            low=indicator.low, high=indicator.high, per_item=Decimal(str(indicator.per_item)),
            cap=None if indicator.cap is None else Decimal(str(indicator.cap)), has_denominator=bool(indicator.denominator),
        )

    @classmethod
    def from_line(cls, line: dict) -> Rule:
        return cls(
            key=line["key"], scoring=line["scoring"], direction=line["direction"], weight=Decimal(line["weight"]),
            bands=tuple(tuple(b) for b in line.get("bands") or ()), low=line.get("low"), high=line.get("high"),
            per_item=Decimal(line.get("per_item") or 0), cap=None if line.get("cap") is None else Decimal(line["cap"]),
            has_denominator=line.get("denominator") is not None,
        )


def value_of(rule: Rule, numerator: int, denominator: int | None) -> float | None:
    if not rule.has_denominator:
        return float(numerator)
    if not denominator:
        return None
    return numerator / denominator


def band_points(bands, value: float) -> float:
    for upper, points in bands:
        if upper is None or value <= upper:
            return float(points)
    return 0.0


def points_of(rule: Rule, value: float | None) -> float | None:
    """0–100 for a weighted line, the line's own points for a deduction or bonus; None: not applicable."""
    if value is None:
        return None
    if rule.scoring == Scoring.RATE:
        rate = min(max(value, 0.0), 1.0)
        return 100 * (1 - rate if rule.direction == Direction.DOWN else rate)
    if rule.scoring == Scoring.BANDS:
        return band_points(rule.bands, value)
    if rule.scoring == Scoring.LINEAR:
        low, high = rule.low or 0.0, rule.high if rule.high is not None else 1.0
        share = 0.0 if high == low else min(max((value - low) / (high - low), 0.0), 1.0)
        return 100 * (1 - share if rule.direction == Direction.DOWN else share)
    if rule.scoring == Scoring.DEDUCTION:
        return float(max(Decimal(0), rule.weight - rule.per_item * Decimal(int(value))))
    if rule.scoring == Scoring.BONUS:
        points = rule.per_item * Decimal(int(value))
        return float(min(points, rule.cap) if rule.cap is not None else points)
    if rule.scoring == Scoring.PENALTY:
        return float(-rule.per_item * Decimal(int(value)))
    raise ValueError(f"unknown scoring {rule.scoring!r}")


def total_of(lines: list[dict], bonus_cap: Decimal) -> Decimal | None:
    """The sheet's score from its lines (each with "scoring", "weight", "points"); sets each line's
    "weighted" (its contribution) and "applicable"."""
    weighted = [line for line in lines if line["scoring"] in WEIGHTED]
    applicable = [line for line in weighted if line["points"] is not None]
    all_weight = sum((Decimal(line["weight"]) for line in weighted), Decimal(0))
    live_weight = sum((Decimal(line["weight"]) for line in applicable), Decimal(0))
    for line in lines:
        line["applicable"] = line["points"] is not None
        line["weighted"] = None
    rates = [line for line in weighted if line.get("denominator") is not None]
    if (weighted and not live_weight) or (rates and all(line["points"] is None for line in rates)):
        return None
    scale = all_weight / live_weight if live_weight else Decimal(0)
    base = Decimal(0)
    for line in applicable:
        part = Decimal(str(line["points"])) * Decimal(line["weight"]) / 100 * scale
        line["weighted"] = str(q(part))
        base += part
    bonus = Decimal(0)
    for line in lines:
        if line["scoring"] in (Scoring.DEDUCTION, Scoring.PENALTY) and line["points"] is not None:
            line["weighted"] = str(q(line["points"]))
            base += Decimal(str(line["points"]))
        elif line["scoring"] == Scoring.BONUS and line["points"] is not None:
            line["weighted"] = str(q(line["points"]))
            bonus += Decimal(str(line["points"]))
    return q(max(Decimal(0), base + min(bonus, bonus_cap)))


def grade_of(grades: list[dict], total: Decimal | None) -> dict | None:
    """The first grade (best first) whose minimum the score reaches."""
    if total is None:
        return None
    for grade in grades:
        if total >= Decimal(str(grade["min"])):
            return grade
    return grades[-1] if grades else None


def score_line(rule: Rule, numerator: int, denominator: int | None) -> tuple[float | None, float | None]:
    value = value_of(rule, numerator, denominator)
    return value, points_of(rule, value)
