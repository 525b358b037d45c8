"""Scheduled jobs, run in-process (eager): each calls one service, and running it twice changes nothing more."""
import datetime as dt
import sys

import pytest
from django.conf import settings
from freezegun import freeze_time

from casework import tasks
from casework.models import CalendarCoverage, Deadline, Employer
from casework.services.deadlines import deadline_open

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_existing_tasks():
    import importlib

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        module, name = entry["task"].rsplit(".", 1)
        assert module in ("casework.tasks", "notifications.tasks", "blacklist.tasks", "blacklist.tasks_transfer",
                          "disputes.tasks", "arrears.tasks")
        mod = importlib.import_module(module)
        assert getattr(mod, name).name == entry["task"]


@freeze_time("2025-09-10 09:00:00+08:00")
def test_sweep_deadlines_is_idempotent_and_audited():
    case = Employer.objects.create(name="示例单位")
    late = deadline_open(case=case, rule_id="INSP-ACCEPT", anchor_date=dt.date(2025, 8, 1), region_code="540100",
                         case_number="C-1")
    running = deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=dt.date(2025, 9, 1),
                            region_code="540100", case_number="C-1")
    assert tasks.sweep_deadlines.apply().get() == 1
    assert tasks.sweep_deadlines.apply().get() == 0
    assert tasks.sweep_deadlines() == 0
    late.refresh_from_db()
    running.refresh_from_db()
    assert late.status == Deadline.Status.BREACHED and running.status == Deadline.Status.OPEN
    h = late.history.first()
    assert h.status == Deadline.Status.BREACHED and h.channel == "task" and h.request_id


def test_recompute_provisional_deadlines_task():
    case = Employer.objects.create(name="示例单位")
    d = deadline_open(case=case, rule_id="INSP-INVESTIGATION", anchor_date=dt.date(2026, 12, 1),
                      region_code="540100", case_number="C-1")
    assert d.provisional
    assert tasks.recompute_provisional_deadlines.apply().get() == 1  # recounted, still uncovered: still flagged
    d.refresh_from_db()
    assert d.provisional
    CalendarCoverage.objects.create(year=2027, source_doc="test")
    assert tasks.recompute_provisional_deadlines.apply().get() == 1
    d.refresh_from_db()
    assert not d.provisional
    assert tasks.recompute_provisional_deadlines() == 0


def test_fire_workflow_timers_calls_viewflows_dispatchers(monkeypatch):
    from viewflow.workflow import timers

    calls = []
    monkeypatch.setattr(timers, "fire_due_timers", lambda: calls.append("timers") or 2)
    monkeypatch.setattr(timers, "fire_due_conditions", lambda: calls.append("conditions") or 1)
    assert tasks.fire_workflow_timers.apply().get() == 3
    assert calls == ["timers", "conditions"]


def test_fire_workflow_timers_with_nothing_due_is_a_no_op():
    assert tasks.fire_workflow_timers() == 0
    assert tasks.fire_workflow_timers() == 0


def test_fire_workflow_timers_skips_missing_dispatchers(monkeypatch):
    from viewflow.workflow import timers

    monkeypatch.delattr(timers, "fire_due_conditions")
    monkeypatch.setattr(timers, "fire_due_timers", lambda: 4)
    assert tasks.fire_workflow_timers() == 4


def test_fire_workflow_timers_without_timer_support(monkeypatch):
    import viewflow.workflow

    monkeypatch.delattr(viewflow.workflow, "timers", raising=False)
    monkeypatch.setitem(sys.modules, "viewflow.workflow.timers", None)  # import now raises ImportError
    assert tasks.fire_workflow_timers() == 0


def test_expired_drafts_and_their_files_are_purged(private_media, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from casework.models import Attachment, ComplaintDraft
    from casework.services.evidence import evidence_store
    from casework.tasks import purge_expired_drafts
    from tests.factories import png_bytes

    old = ComplaintDraft.objects.create(expires_at=timezone.now() - dt.timedelta(minutes=1))
    fresh = ComplaintDraft.objects.create(expires_at=timezone.now() + dt.timedelta(days=1))
    att = evidence_store(upload=SimpleUploadedFile("a.png", png_bytes()), draft=old)
    kept = evidence_store(upload=SimpleUploadedFile("b.png", png_bytes()), draft=fresh)
    path = private_media / att.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_drafts() == 1
    assert not ComplaintDraft.objects.filter(pk=old.pk).exists() and ComplaintDraft.objects.filter(pk=fresh.pk).exists()
    assert not Attachment.objects.filter(pk=att.pk).exists() and not path.exists()
    assert (private_media / kept.file.name).exists()
    assert purge_expired_drafts() == 0
