"""Beat job (settings.CELERY_BEAT_SCHEDULE["disputes-sweeps"]): the dated facts of the disputes tracks that become
true with time alone. Each sweep is idempotent and runs in one audit context (like casework.tasks):
- mediation without agreement past its 15 days: the worker may apply for arbitration (LDMAL 14);
- instalments of a mediation agreement past due: overdue;
- arbitration applications without an acceptance decision in 5 working days: the applicant may sue (LDMAL 29);
- non-final awards whose suit windows closed unused: effective (LDMAL 50)."""
import logging

from celery import shared_task

from casework.audit import acting

__all__ = ["disputes_sweeps"]

log = logging.getLogger(__name__)


@shared_task(name="disputes.tasks.disputes_sweeps")
def disputes_sweeps() -> dict:
    from .services.arbitration import acceptance_overdue_sweep
    from .services.awards import award_effective_sweep
    from .services.mediation import instalments_overdue_sweep, mediation_overdue_sweep

    out = {}
    with acting(None, channel="task"):
        for name, sweep in (("mediation_unlocked", mediation_overdue_sweep),
                            ("instalments_overdue", instalments_overdue_sweep),
                            ("acceptance_overdue", acceptance_overdue_sweep),
                            ("awards_effective", award_effective_sweep)):
            out[name] = sweep()
    if any(out.values()):
        log.info("disputes sweeps: %s", out)
    return out
