"""Pure money rules (no database): totals, additional compensation bounds, criminal-threshold test.
Every legal number comes in as an argument from configuration; nothing here is a constant of the law."""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

__all__ = ["CENT", "money", "months_covered", "additional_compensation_bounds", "ThresholdFigures",
           "criminal_threshold_met", "ItemView"]

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def months_covered(start: dt.date, end: dt.date) -> int:
    """Calendar months touched by [start, end] (a period from 3 Jan to 28 Mar covers 3 months)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def additional_compensation_bounds(unpaid: Decimal, rate_min: Decimal, rate_max: Decimal) -> tuple[Decimal, Decimal]:
    """Inspection Reg. art. 26 / LCL art. 85: between rate_min and rate_max of the amount due and unpaid."""
    return money(unpaid * rate_min), money(unpaid * rate_max)


@dataclass(frozen=True)
class ThresholdFigures:
    per_worker_min: Decimal
    min_months: int
    ten_plus_total_min: Decimal
    min_workers: int


@dataclass(frozen=True)
class ItemView:
    worker_key: str
    period_start: dt.date
    period_end: dt.date
    outstanding: Decimal
    is_remuneration: bool


def criminal_threshold_met(items: Iterable[ItemView], t: ThresholdFigures) -> tuple[bool, str]:
    """法释〔2013〕3号 art. 3: one worker owed ≥ min_months of remuneration amounting to ≥ per_worker_min, or
    ≥ min_workers workers owed ≥ ten_plus_total_min in total. Returns (met, which limb)."""
    per_worker_amount: dict[str, Decimal] = defaultdict(Decimal)
    per_worker_months: dict[str, set] = defaultdict(set)
    for it in items:
        if not it.is_remuneration or it.outstanding <= 0:
            continue
        per_worker_amount[it.worker_key] += it.outstanding
        y, m = it.period_start.year, it.period_start.month
        while (y, m) <= (it.period_end.year, it.period_end.month):
            per_worker_months[it.worker_key].add((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for key, amount in per_worker_amount.items():
        if amount >= t.per_worker_min and len(per_worker_months[key]) >= t.min_months:
            return True, "per_worker"
    owed = [a for a in per_worker_amount.values() if a > 0]
    if len(owed) >= t.min_workers and sum(owed, Decimal(0)) >= t.ten_plus_total_min:
        return True, "cumulative"
    return False, ""
