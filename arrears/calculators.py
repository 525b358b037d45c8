"""Pure money rules (no database): totals, additional compensation bounds, criminal-threshold test, the final-award
cap and the per-item finality test of LDMAL art. 47. Every legal number comes in as an argument from configuration;
nothing here is a constant of the law. The one exception to "no database" is ``minimum_wage_on``, the lookup that
feeds the cap (it reads the effective-dated ``MinimumWageStandard`` table, spec §3)."""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

__all__ = ["CENT", "money", "months_covered", "additional_compensation_bounds", "ThresholdFigures",
           "criminal_threshold_met", "ItemView", "FINAL", "NON_FINAL", "CAPPED_CATEGORIES", "STANDARD_CATEGORIES",
           "minimum_wage_on", "final_award_cap", "classify_award_item"]

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


# --- final awards (一裁终局: LDMAL art. 47; Arbitration Rules art. 50; SPC Interp. I arts. 18-20) --------------------

# The values of disputes.models.Finality and disputes.models.AwardCategory, as plain strings: arrears sits below
# the tracks and does not import them (tests check the two stay in step).
FINAL = "final"
NON_FINAL = "non_final"
# LDMAL 47(1): 追索劳动报酬、工伤医疗费、经济补偿或者赔偿金 — final when the item does not exceed the cap.
CAPPED_CATEGORIES = frozenset({"wages", "injury_medical", "compensation", "damages"})
# LDMAL 47(2): 因执行国家的劳动标准在工作时间、休息休假、社会保险等方面发生的争议 — final whatever the amount.
STANDARD_CATEGORIES = frozenset({"working_time", "rest_leave", "social_insurance"})


def minimum_wage_on(region_code: str, on: dt.date):
    """The monthly minimum wage standard of the place (当地月最低工资标准, LDMAL art. 47(1)) in force on ``on``: the
    most specific region of the chain county → prefecture → province that has a standard in force, and within it
    the one with the latest ``effective_from`` not after ``on``. Raises MissingConfiguration (a DomainError) when
    no standard covers the place and date: the cap cannot be computed and nothing may be guessed."""
    from casework.models import region_chain
    from casework.services.config import MissingConfiguration
    from django.utils.translation import gettext as _

    from .models import MinimumWageStandard

    chain = region_chain(region_code)
    rank = {code: i for i, code in enumerate(chain)}
    rows = MinimumWageStandard.objects.filter(region_code__in=chain, effective_from__lte=on)
    best = min(rows, key=lambda r: (rank[r.region_code], -r.effective_from.toordinal()), default=None)
    if best is None:
        raise MissingConfiguration(_("Configuration missing: no monthly minimum wage standard for region %(region)s "
                                     "on %(date)s, which the final-award cap needs (《劳动争议调解仲裁法》第四十七条). "
                                     "An administrator must add it.") % {"region": region_code, "date": on})
    return best


def final_award_cap(monthly_min_wage: Decimal, months: Decimal) -> Decimal:
    """The per-item cap of LDMAL art. 47(1): ``months`` (12) times the local monthly minimum wage, to the cent."""
    return money(Decimal(monthly_min_wage) * Decimal(months))


def classify_award_item(*, category: str, amount: Decimal | None, national_standard_dispute: bool,
                        cap: Decimal) -> str:
    """Finality of one award item (spec §6.4; LDMAL art. 47; Rules art. 50; SPC Interp. I art. 19: per item, never
    on the total):
    - remuneration, work-injury medical costs, economic compensation, damages: final iff the awarded amount does
      not exceed the cap ("不超过": exactly the cap is final, one cent more is not); with no amount it cannot be
      tested and is non-final;
    - working time, rest and leave, social insurance in a dispute over applying national labour standards: final
      whatever the amount (LDMAL 47(2));
    - everything else (confirming a labour relationship, validity of a contract or termination, other): non-final.
    Returns FINAL or NON_FINAL."""
    if category in CAPPED_CATEGORIES:
        if amount is None:
            return NON_FINAL
        return FINAL if Decimal(amount) <= Decimal(cap) else NON_FINAL
    if category in STANDARD_CATEGORIES and national_standard_dispute:
        return FINAL
    return NON_FINAL
