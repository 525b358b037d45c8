"""The yearly grading run of a large region as a background job with a progress bar (casework.services.jobs).

A run is one transaction (grades are proposed all together or not at all), so its progress is published through
the shared cache while it works; the job page then links to the run. A region whose scope is at most
``GRADING_DIRECT_MAX`` employers (500) is graded in the request itself, as before (blacklist.views_grading,
blacklist.api_grading)."""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from casework.services.jobs import JobFailed, register_job, start_job

from .models_grading import GradingRun

__all__ = ["GRADING_JOB", "direct_max", "start_grading_job"]

GRADING_JOB = "grading.run"


def direct_max() -> int:
    return int(getattr(settings, "GRADING_DIRECT_MAX", 500))


def _run(job, progress):
    from casework.errors import DomainError

    from . import services_grading as svc

    try:
        svc.grading_run_start(year=int(job.params["year"]), region_code=job.params["region"], user=job.created_by,
                              progress=progress)
    except DomainError as e:  # refused as it would have been in the request (the message names the rule)
        raise JobFailed(e.message)
    return None


def _link(job):
    run = GradingRun.objects.filter(year=int(job.params["year"]), region_id=job.params["region"]).first()
    return reverse("grading-run", args=[run.pk]) if run else None


def start_grading_job(*, user, year: int, region_code: str):
    return start_job(GRADING_JOB, user, {"year": int(year), "region": region_code},
                     title=_l("Grading run"))


register_job(GRADING_JOB, _run, title=_l("Grading run"), roles=("grading_officer",), link=_link)
