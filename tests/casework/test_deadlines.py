"""Deadlines per case (spec §12.10): open from the rule table, close (met or late), extend, waive, sweep."""
import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Deadline, Employer
from casework.services import deadlines as svc
from casework.services.config import MissingConfiguration
from casework.services.deadlines import (deadline_close, deadline_extend, deadline_open, deadline_sweep,
                                         deadline_waive, deadlines_for, open_deadline)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def case():
    # Deadlines are generic over the case type; any saved model instance will do as the case.
    return Employer.objects.create(name="示例单位")


def _open(case, rule_id="INSP-INVESTIGATION", anchor=D(2025, 6, 16), region="540102"):
    return deadline_open(case=case, rule_id=rule_id, anchor_date=anchor, region_code=region, case_number="C-1")


def test_open_takes_n_unit_citation_from_the_rule_table(case):
    d = _open(case)
    assert (d.rule_id, d.n, d.unit) == ("INSP-INVESTIGATION", 60, "WD")
    assert "第十七条" in d.citation
    assert d.anchor_date == D(2025, 6, 16) and d.due_date == D(2025, 9, 8)
    assert d.status == Deadline.Status.OPEN and not d.provisional
    assert d.case == case and list(deadlines_for(case)) == [d]


def test_open_with_unknown_rule_is_a_configuration_error(case):
    with pytest.raises(MissingConfiguration):
        _open(case, rule_id="NO-SUCH-RULE")
    assert not Deadline.objects.exists()


def test_rule_not_yet_in_force_on_the_anchor_date(case):
    with pytest.raises(MissingConfiguration):
        _open(case, anchor=D(2004, 11, 30))  # the Inspection Regulation is in force from 2004-12-01


def test_close_on_the_due_date_is_met(case):
    _open(case)
    d = deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 9, 8))
    assert d.status == Deadline.Status.MET and d.met_at == D(2025, 9, 8)
    assert open_deadline(case, "INSP-INVESTIGATION") is None
    assert deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 9, 9)) is None  # nothing open


def test_close_a_day_late_is_breached(case):
    _open(case)
    d = deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 9, 9))
    assert d.status == Deadline.Status.BREACHED and d.met_at == D(2025, 9, 9)


def test_close_after_the_sweep_keeps_breached_and_records_when(case):
    _open(case)
    assert deadline_sweep(today=D(2025, 9, 10)) == 1
    d = deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 9, 12))
    assert d.status == Deadline.Status.BREACHED and d.met_at == D(2025, 9, 12)
    assert deadline_sweep(today=D(2025, 9, 20)) == 0


def test_extend_counts_30_working_days_from_the_due_date(case):
    _open(case)
    d = deadline_extend(case=case, rule_id="INSP-INVESTIGATION", extension_rule_id="INSP-EXTENSION")
    assert d.status == Deadline.Status.EXTENDED
    assert d.due_date == D(2025, 9, 8)          # the original due date is kept
    assert d.extended_to == D(2025, 10, 24)     # spec §2.3: +30 WD over the National Day holiday
    assert d.effective_due == D(2025, 10, 24)
    # met inside the extension
    d = deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 10, 24))
    assert d.status == Deadline.Status.MET


def test_extended_deadline_late_after_the_extension(case):
    _open(case)
    deadline_extend(case=case, rule_id="INSP-INVESTIGATION", extension_rule_id="INSP-EXTENSION")
    d = deadline_close(case=case, rule_id="INSP-INVESTIGATION", on=D(2025, 10, 27))
    assert d.status == Deadline.Status.BREACHED


def test_extend_without_open_deadline_fails(case):
    with pytest.raises(ValueError):
        deadline_extend(case=case, rule_id="INSP-INVESTIGATION", extension_rule_id="INSP-EXTENSION")


def test_waive(case):
    _open(case)
    d = deadline_waive(case=case, rule_id="INSP-INVESTIGATION")
    assert d.status == Deadline.Status.WAIVED
    assert deadline_sweep(today=D(2026, 1, 1)) == 0
    assert deadline_waive(case=case, rule_id="INSP-INVESTIGATION") is None


# --- sweep ----------------------------------------------------------------------------------------------------

def _row(case, due, status=Deadline.Status.OPEN, extended_to=None, rule_id="R"):
    return Deadline(content_type=ContentType.objects.get_for_model(case), object_id=case.pk, case_number="C-1",
                    region_id="540100", rule_id=rule_id, n=5, unit="WD", anchor_event="test",
                    anchor_date=due - dt.timedelta(days=7), due_date=due, extended_to=extended_to, status=status,
                    citation="test")


def test_sweep_marks_only_open_past_due(case):
    today = D(2025, 9, 10)
    S = Deadline.Status
    rows = {
        "past_open": _row(case, D(2025, 9, 9)),
        "due_today": _row(case, today),
        "future": _row(case, D(2025, 9, 11)),
        "met": _row(case, D(2025, 9, 1), S.MET),
        "waived": _row(case, D(2025, 9, 1), S.WAIVED),
        "already_breached": _row(case, D(2025, 9, 1), S.BREACHED),
        "paused": _row(case, D(2025, 9, 1), S.PAUSED),
        "extended_running": _row(case, D(2025, 9, 1), S.EXTENDED, extended_to=today),
        "extended_past": _row(case, D(2025, 8, 1), S.EXTENDED, extended_to=D(2025, 9, 9)),
    }
    for r in rows.values():
        r.save()
    assert deadline_sweep(today=today) == 2
    status = {k: Deadline.objects.get(pk=r.pk).status for k, r in rows.items()}
    assert status == {
        "past_open": S.BREACHED, "due_today": S.OPEN, "future": S.OPEN, "met": S.MET, "waived": S.WAIVED,
        "already_breached": S.BREACHED, "paused": S.PAUSED, "extended_running": S.EXTENDED,
        "extended_past": S.BREACHED,
    }
    # idempotent: a redelivered job changes nothing
    assert deadline_sweep(today=today) == 0
    # the change is in the history (saved instance, not QuerySet.update)
    past = rows["past_open"]
    assert past.history.count() == 2
    assert past.history.first().status == S.BREACHED


def test_sweep_rechecks_each_row_under_lock(case, monkeypatch):
    """A clerk closes a deadline between the sweep's selection and its write: the sweep must not turn MET back
    into BREACHED."""
    a = _row(case, D(2025, 9, 1), rule_id="A")
    b = _row(case, D(2025, 9, 1), rule_id="B")
    a.save()
    b.save()
    selected = svc._past_due_ids

    def select_then_clerk_acts(today):
        ids = selected(today)
        deadline_close(case=case, rule_id="A", on=D(2025, 9, 1))
        return ids

    monkeypatch.setattr(svc, "_past_due_ids", select_then_clerk_acts)
    assert deadline_sweep(today=D(2025, 9, 10)) == 1
    assert Deadline.objects.get(pk=a.pk).status == Deadline.Status.MET
    assert Deadline.objects.get(pk=b.pk).status == Deadline.Status.BREACHED


def test_sweep_query_count_does_not_depend_on_deadlines_not_yet_due(case):
    today = D(2025, 9, 10)

    def add(past: int, future: int):
        Deadline.objects.bulk_create([_row(case, D(2025, 9, 1)) for _ in range(past)]
                                     + [_row(case, D(2025, 12, 1)) for _ in range(future)])

    add(past=3, future=5)
    with CaptureQueriesContext(connection) as small:
        assert deadline_sweep(today=today) == 3
    add(past=3, future=45)
    assert Deadline.objects.filter(status=Deadline.Status.OPEN, due_date__gt=today).count() == 50
    with CaptureQueriesContext(connection) as large:
        assert deadline_sweep(today=today) == 3
    assert len(small.captured_queries) == len(large.captured_queries)
    with CaptureQueriesContext(connection) as nothing_due:
        assert deadline_sweep(today=today) == 0
    assert len(nothing_due.captured_queries) == 1
