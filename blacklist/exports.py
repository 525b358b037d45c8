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


def _disclosures(user, params):
    from .models_disclosure import DisclosureState
    from .services_disclosure import disclosures_for

    qs = disclosures_for(user).select_related("batch", "region").order_by("-batch__period_start", "batch_id", "-id")
    if params.get("state") in DisclosureState.values:
        qs = qs.filter(state=params["state"])
    return qs


def _disclosure_rows(user, params):
    for d in _disclosures(user, params).iterator(chunk_size=500):
        yield {"batch": d.batch.label, "state": d.get_state_display(), "category": d.get_category_display(),
               "unit_name": d.unit_name, "uscc": d.uscc, "region": d.region.display_name,
               "decision_no": d.decision_no, "decision_date": d.decision_date, "published_at": d.published_at,
               "display_until": d.display_until}


def _disclosure_roles():
    from .services_disclosure import DISCLOSURE_ROLES

    return DISCLOSURE_ROLES


register_export(
    "disclosures", title=_l("Disclosures of major violations"), roles=_disclosure_roles(),
    columns=[("batch", _l("batch")), ("state", _l("state")), ("category", _l("category")),
             ("unit_name", _l("unit name")), ("uscc", _l("unified social credit code")),
             ("region", _l("deciding region")), ("decision_no", _l("decision number")),
             ("decision_date", _l("decided on")), ("published_at", _l("published at")),
             ("display_until", _l("displayed until"))],
    rows=_disclosure_rows, count=lambda user, params: _disclosures(user, params).count())


def _runs(user):
    from .services_grading import runs_for

    return runs_for(user).select_related("region").order_by("-year", "region_id", "id")[:100]


def _run_rows(user, params):
    from .selectors_grading import run_summary

    for run in _runs(user):
        s = run_summary(run)
        yield {"year": run.year, "region": run.region.display_name, "state": run.get_state_display(),
               "total": s["total"], "a": s["by_grade"].get("A", 0), "b": s["by_grade"].get("B", 0),
               "c": s["by_grade"].get("C", 0)}


register_export(
    "grading.runs", title=_l("Grading runs"), roles=("grading_officer", "inspection_head"),
    columns=[("year", _l("Year")), ("region", _l("Region")), ("state", _l("Status")), ("total", _l("Employers")),
             ("a", "A"), ("b", "B"), ("c", "C")],
    rows=_run_rows, count=lambda user, params: len(_runs(user)))
