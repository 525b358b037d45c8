"""The blacklist staff tables as CSV / Excel (casework.services.exports): the listings of /staff/blacklist/ and the
criminal transfers of /staff/transfers/. Same reach as the pages (listings_for, transfer_list_for_user), same
columns: published names only, no ID number, no worker."""
from django.utils.translation import gettext_lazy as _l

from casework.services.exports import register_export


def _listings(user):
    from .services import listings_for

    return listings_for(user).select_related("region").order_by("-created_at", "-id")


def _listing_rows(user, params):
    for x in _listings(user).iterator(chunk_size=500):
        yield {"decision_no": x.decision_no or "", "unit_name": x.unit_name, "uscc": x.uscc,
               "state": x.get_state_display(), "region": x.region.display_name, "decided_at": x.decided_at,
               "period_end": x.period_end, "published_at": x.published_at}


def _transfers(user):
    from .selectors_transfer import transfer_list_for_user

    return transfer_list_for_user(user)


def _transfer_rows(user, params):
    for t in _transfers(user).iterator(chunk_size=500):
        yield {"case_number": t.case_number, "state": t.get_state_display(), "employer": t.employer.name,
               "region": t.region.display_name, "limb": t.get_limb_display(), "next_due": t.next_due,
               "overdue": bool(t.is_overdue)}


register_export(
    "blacklist.listings", title=_l("listing decisions"), roles=("credit_officer", "publisher", "inspection_head"),
    columns=[("decision_no", _l("decision number")), ("unit_name", _l("unit name")),
             ("uscc", _l("unified social credit code")), ("state", _l("state")), ("region", _l("deciding region")),
             ("decided_at", _l("decided on")), ("period_end", _l("listing period ends")),
             ("published_at", _l("published at"))],
    rows=_listing_rows, count=lambda user, params: _listings(user).count())

register_export(
    "transfers", title=_l("Criminal transfers"),
    roles=("inspector", "inspection_head", "auditor", "police_liaison"),
    columns=[("case_number", _l("case number")), ("state", _l("state")), ("employer", _l("employer")),
             ("region", _l("region")), ("limb", _l("limb met")), ("next_due", _l("Next deadline")),
             ("overdue", _l("overdue"))],
    rows=_transfer_rows, count=lambda user, params: _transfers(user).count())


def _proposals(user, params):
    from .models_grading import GradeState
    from .services_grading import proposals_for

    qs = proposals_for(user).select_related("employer", "run__region").order_by("employer__name", "id")
    run = str(params.get("run") or "")
    qs = qs.filter(run_id=int(run)) if run.isdigit() else qs.none()
    if params.get("state") in GradeState.values:
        qs = qs.filter(state=params["state"])
    if params.get("grade") in ("A", "B", "C"):
        qs = qs.filter(proposed_grade=params["grade"])
    return qs


def _proposal_rows(user, params):
    for p in _proposals(user, params).iterator(chunk_size=500):
        yield {"employer": p.employer.name, "uscc": p.employer.uscc or "", "year": p.year,
               "region": p.run.region.display_name, "state": p.get_state_display(), "proposed": p.proposed_grade,
               "rule": p.rule_id, "final": p.final_grade}


register_export(
    "grading.proposals", title=_l("Integrity grades"), roles=("grading_officer", "inspection_head"),
    columns=[("employer", _l("employer")), ("uscc", _l("unified social credit code")), ("year", _l("grading year")),
             ("region", _l("region")), ("state", _l("state")), ("proposed", _l("proposed grade")),
             ("rule", _l("deciding rule")), ("final", _l("grade"))],
    rows=_proposal_rows, count=lambda user, params: _proposals(user, params).count())
