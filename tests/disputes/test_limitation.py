"""The arbitration limitation period (LDMAL art. 27; spec §6.2): one year from knowledge; no limit for wage arrears
while employed; one year from the end of the employment; interruptions restart the year; exactly one year is in
time. The result is a warning (the commission decides), never a refusal."""
import datetime as dt

import pytest
from freezegun import freeze_time

from disputes.models import DisputeState
from disputes.services.applications import application_submit, prefill_from_case
from disputes.services.common import save
from disputes.services.limitation import limitation_check, limitation_end, limitation_for_case
from tests.disputes.test_applications import app_payload
from tests.factories import submit

pytestmark = pytest.mark.django_db


def check(**kw):
    base = dict(employment_status="left", employment_end=dt.date(2024, 3, 10), knew_on=None,
                received_on=dt.date(2024, 9, 1), interruptions=(), region_code="540100")
    base.update(kw)
    return limitation_check(**base)


def test_in_time_after_leaving():
    assert check() == ""


def test_wage_arrears_while_employed_have_no_limit():
    assert check(employment_status="employed", employment_end=None, knew_on=dt.date(2015, 1, 31),
                 received_on=dt.date(2025, 9, 1)) == ""


def test_other_claims_while_employed_count_from_knowledge():
    warning = check(employment_status="employed", employment_end=None, knew_on=dt.date(2023, 6, 5),
                    received_on=dt.date(2025, 9, 1), categories=["wages", "severance"])
    assert "2024-06-05" in warning and "第二十七条" in warning
    # remuneration only: still no limit
    assert check(employment_status="employed", employment_end=None, knew_on=dt.date(2023, 6, 5),
                 received_on=dt.date(2025, 9, 1), categories=["wages", "overtime", "min_wage_gap"]) == ""


def test_more_than_a_year_after_leaving_is_a_warning_naming_the_date_and_the_law():
    warning = check(received_on=dt.date(2025, 6, 1))
    assert "2025-03-10" in warning and "2024-03-10" in warning and "2025-06-01" in warning
    assert "《劳动争议调解仲裁法》第二十七条" in warning and "[C]" not in warning


def test_exactly_one_year_is_in_time_one_day_more_is_not():
    assert check(received_on=dt.date(2025, 3, 10)) == ""
    assert "2025-03-10" in check(received_on=dt.date(2025, 3, 11))


def test_a_year_from_29_february_ends_on_28_february():
    national = dict(employment_end=dt.date(2024, 2, 29), region_code=None)
    assert check(received_on=dt.date(2025, 2, 28), **national) == ""
    assert "2025-02-28" in check(received_on=dt.date(2025, 3, 1), **national)
    # in Tibet 2025-02-27..03-04 is the Losar holiday: the period runs to Wed 2025-03-05
    assert check(employment_end=dt.date(2024, 2, 29), received_on=dt.date(2025, 3, 5)) == ""
    assert "2025-03-05" in check(employment_end=dt.date(2024, 2, 29), received_on=dt.date(2025, 3, 6))


def test_a_year_ending_in_a_holiday_runs_to_the_next_working_day():
    """A year from 2024-10-01 reaches 2025-10-01, inside the national holiday of 1-8 October 2025: the period ends
    on Thu 2025-10-09, the first working day after it (民法典 art. 203)."""
    assert check(employment_end=dt.date(2024, 10, 1), received_on=dt.date(2025, 10, 9)) == ""
    assert "2025-10-09" in check(employment_end=dt.date(2024, 10, 1), received_on=dt.date(2025, 10, 10))


def test_a_year_ending_on_a_weekend_runs_to_monday_and_a_make_up_saturday_counts():
    # 2024-06-07 + 1 year = Sat 2025-06-07: ends Mon 2025-06-09
    assert check(employment_end=dt.date(2024, 6, 7), received_on=dt.date(2025, 6, 9)) == ""
    assert "2025-06-09" in check(employment_end=dt.date(2024, 6, 7), received_on=dt.date(2025, 6, 10))
    # 2024-10-11 + 1 year = Sat 2025-10-11, a make-up working day: the period ends that day
    assert "2025-10-11" in check(employment_end=dt.date(2024, 10, 11), received_on=dt.date(2025, 10, 12))


def test_a_year_ending_in_the_lhasa_holiday_follows_the_lhasa_calendar():
    # 2025-02-16 + 1 year = 2026-02-16: off in Lhasa until 26 Feb, so the period ends Fri 2026-02-27
    assert check(employment_end=dt.date(2025, 2, 16), received_on=dt.date(2026, 2, 27)) == ""
    assert "2026-02-27" in check(employment_end=dt.date(2025, 2, 16), received_on=dt.date(2026, 2, 28))


def test_an_interruption_restarts_the_year():
    assert check(received_on=dt.date(2025, 6, 1), interruptions=[dt.date(2024, 12, 1)]) == ""
    warning = check(received_on=dt.date(2025, 12, 2), interruptions=[dt.date(2024, 12, 1)])
    assert "2025-12-01" in warning and "2024-12-01" in warning


def test_an_interruption_after_the_year_ran_out_revives_nothing():
    assert check(received_on=dt.date(2025, 6, 1), interruptions=[dt.date(2025, 4, 1)]) != ""


def test_an_interruption_before_the_employment_ended_does_not_count():
    assert check(received_on=dt.date(2025, 6, 1), interruptions=[dt.date(2024, 1, 5)]) != ""


def test_chained_interruptions():
    start, end = limitation_end(dt.date(2022, 1, 1), [dt.date(2022, 12, 1), dt.date(2023, 11, 29)],
                                received_on=dt.date(2024, 6, 1))
    assert (start, end) == (dt.date(2023, 11, 29), dt.date(2024, 11, 29))


def test_an_employer_counts_from_when_it_knew():
    assert check(applicant_side="employer", employment_status="employed", employment_end=None,
                 knew_on=dt.date(2023, 1, 1), received_on=dt.date(2025, 1, 1)) != ""
    assert check(applicant_side="employer", knew_on=dt.date(2024, 6, 1), received_on=dt.date(2025, 6, 1)) == ""


def test_the_period_length_comes_from_the_rule_table():
    from casework.models import DeadlineRule

    DeadlineRule.objects.create(rule_id="ARB-LIMITATION", n=2, unit="YEAR", effective_from=dt.date(2024, 1, 1),
                                anchor_event="test", citation="test: a later rule", description="test")
    assert check(received_on=dt.date(2025, 6, 1)) == ""
    assert "2026-03-10" in check(received_on=dt.date(2026, 3, 11))


# --- gathered from the records --------------------------------------------------------------------------------------

def _late_payload(**over):
    """Left on 2024-03-10: the year ran out on 2025-03-10."""
    return app_payload(employment_start="2023-01-01", employment_end="2024-03-10", knew_on="",
                       items=[{"category": "wages", "period_start": "2024-01-01", "period_end": "2024-03-10",
                               "amount": "9000"}], **over)


@freeze_time("2025-06-01 10:00:00+08:00")
def test_a_late_application_is_received_with_the_warning(commission):
    case = application_submit(track="arbitration", payload=_late_payload()).case
    assert case.state == DisputeState.ARB_RECEIVED
    assert "2025-03-10" in case.limitation_warning and "第二十七条" in case.limitation_warning
    assert limitation_for_case(case) == case.limitation_warning


@freeze_time("2025-06-01 10:00:00+08:00")
def test_an_inspection_complaint_on_the_same_matter_interrupts(commission):
    complaint = submit(received_at=dt.date(2024, 12, 1), employment_end_date="2024-03-10",
                       violation_start="2024-01-01", violation_end="2024-03-10",
                       items=[{"category": "wages", "period_start": "2024-01-01", "period_end": "2024-03-10",
                               "amount_claimed": "9000"}]).complaint
    # found by the worker's ID number and the employer, without being linked
    case = application_submit(track="arbitration", payload=_late_payload()).case
    assert case.source_complaint is None and case.limitation_warning == ""
    assert limitation_for_case(case) == ""
    assert complaint.complainant.id_number_hash == case.parties.get(side="applicant").person.id_number_hash


@freeze_time("2025-06-01 10:00:00+08:00")
def test_a_complaint_by_someone_else_does_not_interrupt(commission):
    from tests.disputes.test_applications import WORKER_ID_2

    submit(received_at=dt.date(2024, 12, 1), employment_end_date="2024-03-10", violation_start="2024-01-01",
           violation_end="2024-03-10",
           complainant={"name": "次仁", "id_number": WORKER_ID_2, "phone": "13900000002"},
           items=[{"category": "wages", "period_start": "2024-01-01", "period_end": "2024-03-10",
                   "amount_claimed": "9000"}])
    case = application_submit(track="arbitration", payload=_late_payload()).case
    assert "2025-03-10" in case.limitation_warning


@freeze_time("2025-06-01 10:00:00+08:00")
def test_a_failed_mediation_interrupts(body, commission, dstaff):
    med = application_submit(track="mediation", payload=_late_payload(), received_at=dt.date(2025, 2, 1)).case
    assert med.limitation_warning == "" and limitation_for_case(med) == ""  # mediation is not limited here
    med.state = DisputeState.MED_FAILED
    med.mediation_failed_at = dt.date(2025, 2, 20)
    save(med, dstaff["mediator"])
    arb = application_submit(track="arbitration", payload=prefill_from_case(med), source_case=med).case
    assert arb.limitation_warning == ""
    # without the mediation the same application would have been late
    assert limitation_check(employment_status="left", employment_end=dt.date(2024, 3, 10), knew_on=None,
                            received_on=arb.received_at, region_code="540100") != ""
