"""Background jobs with progress (casework.services.jobs): throttled progress, failures without tracebacks, only
the creator sees a job, the download, and a broker outage that loses nothing."""
import io
import uuid
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _l
from kombu.exceptions import OperationalError

from casework.models import BackgroundJob
from casework.services.jobs import (GENERIC_FAILURE, JobFailed, job_for_user, jobs_sweep, register_job, start_job)
from casework.errors import NotAllowed
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """Celery runs tasks inline (as CELERY_TASK_ALWAYS_EAGER would)."""
    from casework.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def _count(job, progress):
    n = job.params.get("n", 1000)
    for i in range(1, n + 1):
        progress(i, n, _l("Counting"))
    return "count.txt", f"{n} rows".encode()


def _count_unknown_total(job, progress):
    for i in range(1, 1001):
        progress(i)
    return None


def _boom(job, progress):
    progress(1, 10)
    raise RuntimeError("secret detail: 540102199001011233")


def _refuse(job, progress):
    raise JobFailed(_l("No such table, or it is not yours to export."))


register_job("test.count", _count, title=_l("Export"), roles=("inspection_head", "auditor"))
register_job("test.unknown", _count_unknown_total, title=_l("Export"), roles=("inspection_head",))
register_job("test.boom", _boom, title=_l("Export"), roles=("inspection_head",))
register_job("test.refuse", _refuse, title=_l("Export"), roles=("inspection_head",))


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _updates(ctx):
    return [q["sql"] for q in ctx.captured_queries
            if q["sql"].startswith("UPDATE") and "casework_backgroundjob" in q["sql"]]


@pytest.fixture
def head(db):
    return make_user("head_jobs", "inspection_head", "540100")


def test_progress_is_saved_throttled_and_the_job_ends_done(head, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.count", head, {"n": 1000})
        assert job.state == "queued"
    job.refresh_from_db()
    assert job.state == "done" and job.done == 1000 and job.total == 1000 and job.percent == 100
    assert job.started_at and job.finished_at and job.message == "Counting"

    # the throttle itself: 1,000 calls, at most one write per 1 % (+ the first and the last), not one per row
    job2 = BackgroundJob.objects.create(kind="test.count", title="Export", created_by=head, params={"n": 1000})
    from casework.services.jobs import run_job_now
    with CaptureQueriesContext(connection) as ctx:
        assert run_job_now(job2.pk) == "done"
    writes = _updates(ctx)
    assert 10 <= len(writes) <= 105, len(writes)


def test_progress_without_a_total_is_throttled_by_time(head):
    from casework.services.jobs import run_job_now

    job = BackgroundJob.objects.create(kind="test.unknown", title="Export", created_by=head)
    with CaptureQueriesContext(connection) as ctx:
        assert run_job_now(job.pk) == "done"
    # 1,000 calls in well under a second: the first write, then the final state
    assert len(_updates(ctx)) <= 4
    job.refresh_from_db()
    assert job.state == "done" and job.done == 1000 and job.percent == 100


def test_a_failing_job_is_failed_with_a_plain_message_and_no_traceback(head, eager,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.boom", head, {})
    job.refresh_from_db()
    assert job.state == "failed" and job.finished_at
    assert job.error == str(GENERIC_FAILURE._args[0])
    assert "secret" not in job.error and "5401021990" not in job.error + job.message
    page = _client(head).get(f"/staff/jobs/{job.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Traceback" not in text and "RuntimeError" not in text and "secret" not in text
    from django.utils import translation
    with translation.override("zh-hans"):
        assert str(GENERIC_FAILURE) in text  # in the user's language (Chinese by default)
    assert str(GENERIC_FAILURE) != GENERIC_FAILURE._args[0]
    api = _client(head).get(f"/api/v1/jobs/{job.pk}/").json()
    assert api["state"] == "failed" and api["download_url"] == "" and "secret" not in api["message"]


def test_a_job_may_fail_with_its_own_message(head, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.refuse", head, {})
    job.refresh_from_db()
    assert job.state == "failed" and job.error == "No such table, or it is not yours to export."
    assert "没有该表格" in _client(head).get(f"/staff/jobs/{job.pk}/").content.decode()
    assert "No such table" in _client(head).get(f"/api/v1/jobs/{job.pk}/?lang=en").json()["message"]


def test_only_the_creator_sees_the_job(head, eager, django_capture_on_commit_callbacks):
    other = make_user("head_other", "inspection_head", "540100")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.count", head, {"n": 10})
    c = _client(other)
    assert c.get(f"/staff/jobs/{job.pk}/").status_code == 404
    assert c.get(f"/staff/jobs/{job.pk}/download/").status_code == 404
    assert c.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert c.get(f"/api/v1/jobs/{uuid.uuid4()}/").status_code == 404
    assert str(job.pk) not in c.get("/staff/jobs/").content.decode()
    with pytest.raises(NotAllowed):
        job_for_user(other, job.pk)
    sysadmin = make_user("sys_jobs", "sysadmin", None, perm=None)
    assert job_for_user(sysadmin, job.pk) == job
    assert Client().get(f"/api/v1/jobs/{job.pk}/").status_code in (401, 403)


def test_the_download_and_the_api(head, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job("test.count", head, {"n": 10})
    c = _client(head)
    data = c.get(f"/api/v1/jobs/{job.pk}/").json()
    assert data == {"id": str(job.pk), "kind": "test.count", "title": data["title"], "state": "done", "done": 10,
                    "total": 10, "percent": 100, "message": data["message"],
                    "download_url": f"/staff/jobs/{job.pk}/download/", "result_url": ""}
    r = c.get(data["download_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"10 rows"
    assert 'filename="count.txt"' in r["Content-Disposition"]
    page = c.get(f"/staff/jobs/{job.pk}/").content.decode()
    assert "<progress" in page and 'value="100"' in page and data["download_url"] in page
    assert f"/staff/jobs/{job.pk}/" in c.get("/staff/jobs/").content.decode()


def test_a_running_job_page_refreshes_itself(head):
    job = BackgroundJob.objects.create(kind="test.count", title="Export", created_by=head, total=200, done=50,
                                       state="running")
    page = _client(head).get(f"/staff/jobs/{job.pk}/").content.decode()
    assert 'value="25"' in page and "25 %" in page
    assert 'http-equiv="refresh"' in page and "js/jobs.js" in page
    assert f'data-api="/api/v1/jobs/{job.pk}/"' in page


def test_a_role_that_may_not_start_the_job_is_refused(db):
    worker_clerk = make_user("intake_jobs", "intake_officer", "540100")
    with pytest.raises(NotAllowed):
        start_job("test.count", worker_clerk, {})
    assert not BackgroundJob.objects.exists()


def test_a_broker_outage_leaves_the_job_queued_and_the_sweep_runs_it(head, eager,
                                                                     django_capture_on_commit_callbacks):
    from casework import tasks

    with mock.patch.object(tasks.run_job, "apply_async", side_effect=OperationalError("connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job("test.count", head, {"n": 5})
        job.refresh_from_db()
        assert job.state == "queued"
        # the sweep during the outage changes nothing and loses nothing
        from django.utils import timezone
        assert jobs_sweep(now=timezone.now() + timezone.timedelta(minutes=5)) == 0
    job.refresh_from_db()
    assert job.state == "queued"
    from django.utils import timezone
    assert jobs_sweep(now=timezone.now()) == 0  # too fresh: its first enqueue may still be on its way
    assert jobs_sweep(now=timezone.now() + timezone.timedelta(minutes=5)) == 1
    job.refresh_from_db()
    assert job.state == "done" and job.done == 5
    # delivered twice (Redis redelivery): the second run is skipped
    from casework.services.jobs import run_job_now
    assert run_job_now(job.pk) == "skipped"


def test_the_beat_schedule_runs_the_sweep(settings):
    assert settings.CELERY_BEAT_SCHEDULE["sweep-jobs"]["task"] == "casework.tasks.sweep_jobs"


def test_openapi_schema_is_valid_and_documents_the_job_api(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    import json
    paths = json.loads(out.getvalue())["paths"]
    assert "/api/v1/jobs/{job_id}/" in paths and "/api/v1/dashboard/" in paths
