"""The yearly grading run of a large region as a background job (blacklist.jobs): the officer's request queues it,
its progress is visible while its one transaction is still open (through the shared cache, casework.services.jobs),
and the finished job links to the run. A small region is still graded in the request (test_grading.py)."""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from blacklist import services_grading as svc
from blacklist.models_grading import GradingRun
from casework.models import BackgroundJob
from casework.services.jobs import job_for_user, run_job_now

from .test_grading import LHASA_USCC_2, Y, gr, punished  # noqa: F401  (gr: the fixture)

pytestmark = pytest.mark.django_db


def _large(settings):
    settings.GRADING_DIRECT_MAX = 1  # two employers in scope: "large"
    settings.JOBS_PROGRESS_SECONDS = 0  # every progress call is published
    return punished(1), punished(1, name="拉萨另一建筑公司", uscc=LHASA_USCC_2)


def test_large_region_runs_in_the_background_with_live_progress(gr, settings, monkeypatch):
    first, second = _large(settings)
    grader = Client()
    grader.force_login(gr["grader"])
    r = grader.post("/staff/grading/", {"year": str(Y), "region": "540100"})
    job = BackgroundJob.objects.get(kind="grading.run")
    assert r.status_code == 302 and r["Location"] == f"/staff/jobs/{job.pk}/"
    assert job.params == {"year": Y, "region": "540100"} and not GradingRun.objects.exists()

    seen = []
    real_classify = svc.classify

    def watching(*args, **kwargs):
        row = BackgroundJob.objects.get(pk=job.pk)
        live = job_for_user(gr["grader"], job.pk)
        seen.append((row.done, live.done, live.total, str(live.message)))
        return real_classify(*args, **kwargs)

    monkeypatch.setattr(svc, "classify", watching)
    assert run_job_now(job.pk) == "done"
    # inside the run's transaction the row still said 0 (nobody could see an update before the commit), while the
    # page and the API read the live figures from the cache: 0 of 2, then 1 of 2
    assert [(row, live, total) for row, live, total, _ in seen] == [(0, 0, 2), (0, 1, 2)]
    assert seen[0][3] == "Grading employers"
    job.refresh_from_db()
    run = GradingRun.objects.get(year=Y, region="540100")
    assert (job.state, job.done, job.total) == ("done", 2, 2)
    assert set(run.proposals.values_list("employer_id", flat=True)) == {first.pk, second.pk}
    assert run.proposals.first().history.first().history_user == gr["grader"]
    page = grader.get(f"/staff/jobs/{job.pk}/").content.decode()
    assert f'href="/staff/grading/runs/{run.pk}/"' in page
    api = APIClient()
    api.force_authenticate(gr["grader"])
    assert api.get(f"/api/v1/jobs/{job.pk}/").json()["result_url"] == f"/staff/grading/runs/{run.pk}/"
    # another officer does not see the job
    other = Client()
    other.force_login(gr["grader_b"])
    assert other.get(f"/staff/jobs/{job.pk}/").status_code == 404


def test_a_refusal_is_shown_at_once_not_queued(gr, settings):
    _large(settings)
    grader = Client()
    grader.force_login(gr["grader"])
    r = grader.post("/staff/grading/", {"year": str(Y + 5), "region": "540100"})
    assert r.status_code == 200 and f"{Y + 4}年" in r.content.decode()  # "…rests on the whole of 2030's records"
    assert not BackgroundJob.objects.exists()
    shigatse = Client()
    shigatse.force_login(gr["grader_shigatse"])  # no reach in Lhasa: the form does not offer it
    r = shigatse.post("/staff/grading/", {"year": str(Y), "region": "540100"})
    assert r.status_code == 200 and "error" in r.content.decode()
    assert not BackgroundJob.objects.exists()


def test_api_answers_202_with_the_job(gr, settings):
    _large(settings)
    api = APIClient()
    api.force_authenticate(gr["grader"])
    r = api.post("/api/v1/grading/runs/", {"year": Y, "region": "540100"}, format="json")
    assert r.status_code == 202, r.content
    job = BackgroundJob.objects.get(pk=r.json()["job"])
    status = api.get(r.json()["job_url"]).json()
    assert status["state"] == "queued" and status["result_url"] == ""
    run_job_now(job.pk)
    assert api.get(r.json()["job_url"]).json()["result_url"].startswith("/staff/grading/runs/")
