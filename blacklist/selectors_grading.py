"""Reads for integrity grading and the employer's integrity file (守法诚信档案): staff lists within reach, the file
itself, the enterprise's own grades (``employer_user``), and the public list of grades where a province or
prefecture turned it on (``grading.public_display``). Personal data of workers goes through casework.privacy."""
import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from casework.access import complaints_for, sees_pii
from casework.models import Complaint, Employer, InspectionDocument, Region
from casework.privacy import person_view
from casework.services.config import param

from .models import BlacklistEntry, CriminalTransfer, ListingDecision
from .models_grading import EmployerAccount, GradeProposal, GradeState as G, GradingRun
from .reference_data_grading import GRADE_RULES
from .services_grading import employers_for

__all__ = ["employer_search", "integrity_file", "run_summary", "my_grades", "public_regions", "public_grades",
           "transfers_of", "disclosures_of", "PUBLIC_STATES", "PUBLIC_PAGE_SIZE"]

PUBLIC_STATES = [G.NOTIFIED, G.ARCHIVED]  # approved and told to the enterprise; not while an objection is open
PUBLIC_PAGE_SIZE = 50


def employer_search(user, *, q: str = "", limit: int = 50) -> list[Employer]:
    """Employers in the user's reach whose name contains ``q`` or whose credit code is ``q``."""
    q = (q or "").strip()[:100]
    qs = employers_for(user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc=q.upper()))
    return list(qs.order_by("name", "id")[:limit])


def transfers_of(employer) -> tuple[bool, list[dict]]:
    """Criminal transfers (spec §7, blacklist.models_transfer) of the employer: each attempt with its state, the
    transfer letter, the police's decision and the outcome of the proceedings. No personal data."""
    rows = []
    for t in CriminalTransfer.objects.filter(employer=employer).select_related("region").order_by("-created_at",
                                                                                                  "-id"):
        rows.append({"id": t.pk, "case_number": t.case_number, "state": t.state,
                     "state_label": str(t.get_state_display()), "region_name": t.region.name_zh,
                     "transfer_doc_no": t.transfer_doc_no, "sent_at": t.sent_at.isoformat() if t.sent_at else None,
                     "police_decision": t.police_decision,
                     "police_decision_label": str(t.get_police_decision_display()) if t.police_decision else "",
                     "outcome": t.outcome, "outcome_label": str(t.get_outcome_display()) if t.outcome else "",
                     "outcome_on": t.outcome_on.isoformat() if t.outcome_on else None,
                     "judgment_no": t.judgment_no})
    return True, rows


def disclosures_of(employer) -> tuple[bool, list[dict]]:
    """Major-violation disclosures (spec §9, Order 29) of the employer (blacklist.selectors_disclosure)."""
    from .selectors_disclosure import employer_disclosures

    return True, employer_disclosures(employer)


def _grade_row(p: GradeProposal) -> dict:
    return {"id": p.pk, "year": p.year, "region_code": p.run.region_id, "region_name": p.run.region.name_zh,
            "state": p.state, "state_label": str(p.get_state_display()), "proposed_grade": p.proposed_grade,
            "final_grade": p.final_grade, "rule_id": p.rule_id, "citation": p.rule_citation,
            "notified_at": p.notified_at.isoformat() if p.notified_at else None}


def integrity_file(employer: Employer, user) -> dict:
    """Everything the system holds on an employer's compliance, for staff who reach it (``employers_for``):
    complaints with their orders and decisions, criminal transfers, listings with early removals, disclosures and
    grades. An enterprise's file is one whichever region handled a record; workers appear only as the viewer may
    see them (casework.privacy.person_view: full for the region's case handlers, masked for others, an informant
    never). ``pii_complaints`` lists the complaints shown with full personal data, for the caller's access log."""
    visible = set(complaints_for(user, "view").filter(employer=employer).values_list("pk", flat=True))
    docs = InspectionDocument.objects.order_by("issued_at", "id").only(
        "id", "complaint_id", "doc_type", "doc_no", "issued_at", "served_at", "payment_deadline", "amount")
    complaints = (Complaint.objects.filter(employer=employer)
                  .select_related("complainant", "handling_region")
                  .prefetch_related(Prefetch("documents", queryset=docs))
                  .order_by("-received_at", "-id"))
    rows, pii = [], []
    for c in complaints:
        informant = c.kind == Complaint.Kind.REPORT or c.confidential_informant
        person = person_view(c.complainant, viewer=user, complaint=c, informant=informant)
        full = c.complainant_id is not None and sees_pii(user, c)
        if full:
            pii.append(c)
        rows.append({
            "case_number": c.case_number, "in_reach": c.pk in visible, "kind": c.kind,
            "kind_label": str(c.get_kind_display()), "state": c.state, "state_label": str(c.get_state_display()),
            "region_code": c.handling_region_id, "region_name": c.handling_region.name_zh,
            "received_at": c.received_at.isoformat(), "workers_affected": c.workers_affected,
            "complainant": ({"name": person["name"], "id_number": person["id_number"],
                             "confidential": bool(person.get("confidential"))} if person else None),
            "outcome": c.outcome, "fine_amount": str(c.fine_amount) if c.fine_amount is not None else None,
            "documents": [{"doc_type": d.doc_type, "label": str(d.get_doc_type_display()), "doc_no": d.doc_no,
                           "issued_at": d.issued_at.isoformat(),
                           "payment_deadline": d.payment_deadline.isoformat() if d.payment_deadline else None,
                           "amount": str(d.amount) if d.amount is not None else None} for d in c.documents.all()],
        })
    entries = BlacklistEntry.objects.only("id", "listing_id", "role", "public_display_name", "public_id_masked",
                                          "removed_at", "removal_reason")
    listings = (ListingDecision.objects.filter(employer=employer).select_related("region", "complaint")
                .prefetch_related(Prefetch("entries", queryset=entries), "early_removals")
                .order_by("-created_at", "-id"))
    listing_rows = [{
        "id": x.pk, "case_number": x.complaint.case_number, "state": x.state,
        "state_label": str(x.get_state_display()), "region_name": x.region.name_zh,
        "basis": str(x.get_basis_limb_display()), "decision_no": x.decision_no,
        "decided_at": x.decided_at.isoformat() if x.decided_at else None,
        "period_end": x.period_end.isoformat() if x.period_end else None,
        "ended_at": x.ended_at.isoformat() if x.ended_at else None,
        # co-listed persons are not workers: their published (masked) form, as on the registry
        "parties": [{"role": str(e.get_role_display()), "name": e.public_display_name,
                     "id_number_masked": e.public_id_masked, "removed": e.removed_at is not None}
                    for e in x.entries.all()],
        "early_removals": [{"applied_at": a.applied_at.isoformat(), "result": a.result,
                            "result_label": str(a.get_result_display()) if a.result else "",
                            "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                            "revoked_at": a.revoked_at.isoformat() if a.revoked_at else None}
                           for a in x.early_removals.all()],
    } for x in listings]
    grades = (GradeProposal.objects.filter(employer=employer).select_related("run__region").order_by("-year"))
    transfers_available, transfers = transfers_of(employer)
    disclosures_available, disclosures = disclosures_of(employer)
    return {
        "employer": {"id": employer.pk, "name": employer.name, "uscc": employer.uscc or "",
                     "legal_rep_name": employer.legal_rep_name, "address": employer.address,
                     "registration_region_code": employer.registration_region_code},
        "complaints": rows,
        "transfers_available": transfers_available, "transfers": transfers,
        "listings": listing_rows,
        "disclosures_available": disclosures_available, "disclosures": disclosures,
        "grades": [_grade_row(p) for p in grades],
        "accounts": [{"id": a.pk, "username": a.user.get_username()} for a in
                     EmployerAccount.objects.filter(employer=employer, revoked_at__isnull=True)
                     .select_related("user")],
        "pii_complaints": pii,
    }


def run_summary(run: GradingRun) -> dict:
    """Counts of a run's proposals by state and by (proposed) grade."""
    by_state = dict(run.proposals.values_list("state").annotate(n=Count("id")))
    by_grade = dict(run.proposals.values_list("proposed_grade").annotate(n=Count("id")))
    return {"total": sum(by_state.values()), "by_state": by_state, "by_grade": by_grade}


def my_grades(user) -> list[dict]:
    """The grades an ``employer_user`` may see: those of the employers its account is linked to, once told to the
    enterprise. While an objection is re-reviewed the grade told stays shown, marked as under re-review."""
    employer_ids = list(EmployerAccount.objects.filter(user=user, revoked_at__isnull=True)
                        .values_list("employer_id", flat=True))
    out = []
    for p in (GradeProposal.objects.filter(employer_id__in=employer_ids, notified_at__isnull=False)
              .select_related("employer", "run__region").order_by("employer__name", "-year")):
        under_review = p.state in (G.OBJECTED, G.RE_REVIEWED, G.APPROVED)
        grade = p.grade_before_objection if under_review else p.final_grade
        out.append({"employer": p.employer.name, "uscc": p.employer.uscc or "", "year": p.year,
                    "record_year": p.year - 1, "grade": grade, "under_review": under_review,
                    "notified_at": p.notified_at.isoformat(), "department": p.run.region.name_zh,
                    "basis": [{"rule_id": r, "citation": GRADE_RULES[r][1]}
                              for r in (p.rules_met or []) if r in GRADE_RULES] if not under_review else []})
    return out


def public_regions(*, on: dt.date | None = None) -> set[str]:
    """Regions whose grades are public: ``grading.public_display`` = 1 for the region (a region row beats the
    general one; default 0). Checked for the province(s) and every region that has a run: a handful of queries."""
    on = on or timezone.localdate()
    codes = set(GradingRun.objects.values_list("region_id", flat=True).distinct())
    codes |= set(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", flat=True))
    return {c for c in codes if param("grading.public_display", on=on, region_code=c) == 1}


def public_grades(*, q: str = "", page: int = 1) -> dict | None:
    """The public list of grades (only where public display is on; None when it is on nowhere): employer name,
    credit code, year, grade and grading department of grades approved and told to the enterprise. No personal
    data, no evidence."""
    regions = public_regions()
    if not regions:
        return None
    qs = (GradeProposal.objects.filter(run__region_id__in=regions, state__in=PUBLIC_STATES)
          .select_related("employer", "run__region").order_by("-year", "employer__name", "id"))
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(employer__name__icontains=q) | Q(employer__uscc=q.upper()))
    p = Paginator(qs, PUBLIC_PAGE_SIZE).get_page(page)
    return {"count": p.paginator.count, "page": p.number, "num_pages": p.paginator.num_pages,
            "results": [{"employer": x.employer.name, "uscc": x.employer.uscc or "", "year": x.year,
                         "grade": x.final_grade, "region_code": x.run.region_id,
                         "department": x.run.region.name_zh} for x in p.object_list]}
