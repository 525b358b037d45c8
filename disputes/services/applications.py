"""Applications for mediation and arbitration: one set of rules for the online form, the clerk's or mediator's
form and the API; the receipt; public tracking; forms prefilled from a redirected complaint or a failed mediation;
and when a mediation case opens the way to arbitration.

- ``application_validate`` checks a plain dict (the API body shape) like casework.services.intake.intake_validate:
  errors keyed by field path ("applicant.id_number", "items.0.amount"), messages in the user's language. The
  contents are those of an application (《劳动争议调解仲裁法》第十二条 for mediation, 第二十八条 for arbitration:
  the parties, the claims with their facts and reasons, evidence and witnesses). Arbitration is free of charge:
  any fee, payment or invoice field is refused with the reason (LDMAL art. 53).
- ``application_submit`` registers the application in one transaction: parties, claims, the limitation warning
  (arbitration; never a refusal: LDMAL 27, the commission decides), the deadlines from the rule table, the
  workflow, the receipt (收件回执) and the public timeline entry.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from arrears.models import ArrearsLineItem, Category
from casework.access import has_role, in_region
from casework.audit import acting
from casework.errors import Conflict, DomainError, NotAllowed
from casework.identity import validate_id_number, validate_phone, validate_uscc
from casework.models import Language, Person, Region
from casework.services.config import param, params
from casework.services.intake import (_bool, _choice, _date, _employer_get_or_create, _Errors, _money,
                                      _person_get_or_create, _s)

from ..access import Role
from ..models import (OPEN_STATES, ArbitrationCommission, DisputeCase, DisputeParty, DisputeState, MediationAgreement,
                      MediationBody, Track)
from .common import (access_code_hash, check_access_code, cite, current_due, due, event, new_access_code,
                     next_case_number, normalise_dispute_number, open_dl, refuse_fee_fields, save, today)
from .limitation import limitation_check, limitation_interruptions, same_employer_q

__all__ = [
    "application_validate", "application_submit", "SubmitResult", "CHANNELS", "dispute_for_tracking",
    "open_dispute_for", "prefill_from_complaint", "prefill_from_case", "arbitration_unlocked",
    "arbitration_unlocked_reason", "forum_for", "registers_applications",
]

LDMAL = "《劳动争议调解仲裁法》"

# How an application reached the body or commission (DisputeCase.channel). Only staff record anything but online.
CHANNELS = {
    "online": _l("online"),
    "walk_in": _l("in person"),
    "letter": _l("by letter"),
    "phone": _l("by phone"),
    "oral": _l("orally, recorded on the spot"),
}
CHANNEL_CHOICES = [(k, k) for k in CHANNELS]

# Keys only staff may set; a party's own submission never carries them (they are ignored, not trusted).
STAFF_KEYS = ("received_at", "channel", "oral_application")


def _article(n: str) -> str:
    return f"{LDMAL}{n}"


# --- validation ---------------------------------------------------------------------------------------------------

def _refuse_fees(errors: _Errors, payload: dict) -> None:
    """Collect every fee/invoice key, at any level of the payload, with the LDMAL art. 53 message."""

    def check(prefix: str, data):
        try:
            refuse_fee_fields(data)
        except DomainError as e:
            for key, messages in e.errors.items():
                for m in messages:
                    errors.add(f"{prefix}{key}", m)

    check("", payload)
    for key in ("applicant", "employer", "worker", "agent"):
        if isinstance(payload.get(key), dict):
            check(f"{key}.", payload[key])
    items = payload.get("items")
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                check(f"items.{i}.", item)


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _person(errors: _Errors, prefix: str, data, *, need_id: bool, need_phone: bool, min_age: int | None,
            age_on: dt.date, work: bool = False) -> dict | None:
    """A natural person: name, ID (type and number; a resident ID number is checked against GB 11643 with
    casework.identity), phone, address, language; for a worker applicant also occupation and work unit."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        errors.add(prefix, _("Invalid data."))
        return None
    out = {"name": _s(data.get("name")), "id_type": _s(data.get("id_type")) or Person.IdType.RESIDENT,
           "id_number": "", "phone": "", "address": _s(data.get("address"))[:255],
           "preferred_language": _s(data.get("preferred_language")) or Language.ZH}
    if not out["name"]:
        errors.add(f"{prefix}.name", _("This field is required."))
    elif len(out["name"]) > 64:
        errors.add(f"{prefix}.name", _("At most 64 characters."))
    if out["id_type"] not in Person.IdType.values:
        errors.add(f"{prefix}.id_type", _("Choose one of the listed options."))
    if out["preferred_language"] not in Language.values:
        errors.add(f"{prefix}.preferred_language", _("Choose one of the listed options."))
    raw_id = _s(data.get("id_number"))
    if not raw_id:
        if need_id:
            errors.add(f"{prefix}.id_number", _("This field is required."))
    elif out["id_type"] == Person.IdType.RESIDENT:
        try:
            info = validate_id_number(raw_id, today=today())
            out.update(id_number=info.number, birth_date=info.birth_date, gender=info.gender)
            if min_age is not None and _age_on(info.birth_date, age_on) < min_age:
                errors.add(f"{prefix}.id_number", _("By this ID number the person was under %(age)s when the work "
                                                    "began. Please check the number.") % {"age": min_age})
        except ValidationError as e:
            errors.add(f"{prefix}.id_number", e.messages[0])
    elif len(raw_id) > 32:
        errors.add(f"{prefix}.id_number", _("At most 32 characters."))
    else:
        out["id_number"] = raw_id.upper()
    raw_phone = _s(data.get("phone"))
    if not raw_phone:
        if need_phone:
            errors.add(f"{prefix}.phone", _("This field is required."))
    else:
        try:
            out["phone"] = validate_phone(raw_phone)
        except ValidationError as e:
            errors.add(f"{prefix}.phone", e.messages[0])
    if work:
        out["occupation"] = _s(data.get("occupation"))[:64]
        out["work_unit"] = _s(data.get("work_unit"))[:200]
    return out


def _employer(errors: _Errors, data, *, applicant: bool) -> dict:
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        errors.add("employer", _("Invalid data."))
        data = {}
    e = {"name": _s(data.get("name")), "uscc": "", "address": _s(data.get("address"))[:255],
         "legal_rep_name": _s(data.get("legal_rep_name"))[:64], "contact_phone": _s(data.get("contact_phone"))}
    if not e["name"]:
        errors.add("employer.name", _("This field is required."))
    elif len(e["name"]) > 200:
        errors.add("employer.name", _("At most 200 characters."))
    if _s(data.get("uscc")):
        try:
            e["uscc"] = validate_uscc(_s(data.get("uscc"))).code
        except ValidationError as ex:
            errors.add("employer.uscc", ex.messages[0])
    if len(e["contact_phone"]) > 32:
        errors.add("employer.contact_phone", _("At most 32 characters."))
    if applicant and not e["contact_phone"]:
        errors.add("employer.contact_phone", _("This field is required."))
    return e


def forum_for(*, track: str, region_code: str, commission_id=None, body_id=None, employer: dict | None = None):
    """The commission (arbitration) or active mediation body that receives an application from ``region_code``:
    the one named, else one whose region is the code itself or its prefecture (the code itself first). An
    enterprise's own mediation committee is only chosen for disputes with that enterprise (LDMAL art. 10).
    Returns (forum or None, error message or "")."""
    prefecture = region_code[:4] + "00"
    if track == Track.ARBITRATION:
        if commission_id not in (None, ""):
            try:
                found = ArbitrationCommission.objects.filter(pk=int(commission_id)).first()
            except (TypeError, ValueError):
                found = None
            return (found, "") if found else (None, _("Choose one of the listed commissions."))
        candidates = sorted(ArbitrationCommission.objects.filter(region_id__in=[region_code, prefecture]),
                            key=lambda c: (c.region_id != region_code, c.pk))
        if not candidates:
            return None, _("No labour-dispute arbitration commission is registered for this region. Choose the "
                           "commission where the work was done or where the employer is seated (%(citation)s).") \
                % {"citation": _article("第二十一条")}
        return candidates[0], ""

    def serves(body: MediationBody) -> bool:
        if body.kind != MediationBody.Kind.ENTERPRISE or body.employer_id is None:
            return True
        emp = employer or {}
        own = body.employer
        return bool((emp.get("uscc") and own.uscc == emp.get("uscc"))
                    or (emp.get("name") and own.name == emp.get("name") and not (emp.get("uscc") and own.uscc)))

    if body_id not in (None, ""):
        try:
            found = MediationBody.objects.select_related("employer").filter(pk=int(body_id), active=True).first()
        except (TypeError, ValueError):
            found = None
        if found is None:
            return None, _("Choose one of the listed mediation bodies.")
        if not serves(found):
            return None, _("An enterprise's labour-dispute mediation committee mediates disputes with its own "
                           "enterprise only (%(citation)s). Choose another mediation body.") \
                % {"citation": _article("第十条")}
        return found, ""
    candidates = [b for b in MediationBody.objects.select_related("employer")
                  .filter(active=True, region_id__in=[region_code, prefecture]) if serves(b)]
    candidates.sort(key=lambda b: (b.region_id != region_code, b.kind == MediationBody.Kind.ENTERPRISE, b.pk))
    if not candidates:
        return None, _("No labour-dispute mediation body is registered for this region: choose one.")
    return candidates[0], ""


def application_validate(payload: dict, *, track: str, staff: bool = False) -> dict:
    """Check an application for ``track`` ("mediation" or "arbitration"). ``staff`` allows the fields only a
    clerk or mediator records (received_at, channel, oral_application). Returns the cleaned data; raises
    DomainError(errors) with one message list per field path."""
    if track not in Track.values:
        raise DomainError({"track": [_("Choose one of the listed options.")]})
    if not isinstance(payload, dict):
        raise DomainError({"__all__": [_("Invalid data.")]})
    errors = _Errors()
    arbitration = track == Track.ARBITRATION
    if arbitration:
        _refuse_fees(errors, payload)
    now = today()
    limits = params("intake.min_worker_age", "intake.max_item_amount", on=now)
    min_age = int(limits["intake.min_worker_age"])
    max_amount = limits["intake.max_item_amount"]
    out: dict = {"track": track}

    out["applicant_side"] = _choice(errors, "applicant_side", payload.get("applicant_side") or "worker",
                                    DisputeCase.ApplicantSide.choices)
    worker_applies = out["applicant_side"] != DisputeCase.ApplicantSide.EMPLOYER

    # dates first: the worker's age is checked at the start of the employment
    out["employment_status"] = _choice(errors, "employment_status", payload.get("employment_status"),
                                       DisputeCase.EmploymentStatus.choices)
    out["employment_start"] = _date(errors, "employment_start", payload.get("employment_start"))
    left = out["employment_status"] == DisputeCase.EmploymentStatus.LEFT
    out["employment_end"] = _date(errors, "employment_end", payload.get("employment_end"), required=left)
    if out["employment_status"] == DisputeCase.EmploymentStatus.EMPLOYED:
        out["employment_end"] = None
    if out["employment_start"] and out["employment_end"] and out["employment_end"] < out["employment_start"]:
        errors.add("employment_end", _("The end date is before the start date."))
    out["knew_on"] = _date(errors, "knew_on", payload.get("knew_on"))
    if out["knew_on"] and out["employment_start"] and out["knew_on"] < out["employment_start"]:
        errors.add("knew_on", _("This date is before the employment started."))
    age_on = out["employment_start"] or now

    # region and the forum
    code = _s(payload.get("region_code"))
    out["region_code"] = code
    forum = None
    if not code:
        errors.add("region_code", _("This field is required."))
    elif not Region.objects.filter(code=code).exclude(level=Region.Level.PROVINCE).exists():
        errors.add("region_code", _("Choose the prefecture or county where you work."))
        code = ""

    # parties
    if worker_applies:
        out["applicant"] = _person(errors, "applicant", payload.get("applicant"), need_id=True, need_phone=True,
                                   min_age=min_age, age_on=age_on, work=True)
        out["worker"] = None
    else:
        out["applicant"] = None
        out["worker"] = _person(errors, "worker", payload.get("worker"), need_id=False, need_phone=False,
                                min_age=min_age, age_on=age_on)
    out["employer"] = _employer(errors, payload.get("employer"), applicant=not worker_applies)
    agent = payload.get("agent")
    out["agent"] = None
    if isinstance(agent, dict) and any(_s(v) for v in agent.values()):
        out["agent"] = _person(errors, "agent", agent, need_id=True, need_phone=False, min_age=None, age_on=now)
        if out["agent"] is not None:
            out["agent"]["scope"] = _s(agent.get("scope"))
            if not out["agent"]["scope"]:
                errors.add("agent.scope", _("A representative acts under a power of attorney that states the matters "
                                            "and powers entrusted (%(citation)s): give its scope.")
                           % {"citation": _article("第二十四条")})
            elif len(out["agent"]["scope"]) > 255:
                errors.add("agent.scope", _("At most 255 characters."))
    elif agent not in (None, "", {}) and not isinstance(agent, dict):
        errors.add("agent", _("Invalid data."))

    if code:
        forum, problem = forum_for(track=track, region_code=code, commission_id=payload.get("commission_id"),
                                   body_id=payload.get("body_id"), employer=out["employer"])
        if problem:
            named = "commission_id" if arbitration else "body_id"
            errors.add(named if _s(payload.get(named)) else "region_code", problem)
    out["commission_id"] = forum.pk if forum is not None and arbitration else None
    out["body_id"] = forum.pk if forum is not None and not arbitration else None
    out["case_region"] = forum.region_id if forum is not None else ""

    raw = _s(payload.get("workers_count")) or "1"
    try:
        out["workers_count"] = int(raw)
        if out["workers_count"] < 1:
            errors.add("workers_count", _("At least 1 worker."))
        elif out["workers_count"] > 100000:
            errors.add("workers_count", _("Please check the number of workers."))
    except ValueError:
        errors.add("workers_count", _("Enter a whole number."))
        out["workers_count"] = 1

    # the claims, with facts and reasons, evidence and witnesses (LDMAL 12, 28)
    contents = _article("第二十八条") if arbitration else _article("第十二条")
    for key, limit in (("claims_text", 5000), ("facts_text", 10000)):
        out[key] = _s(payload.get(key))
        if not out[key]:
            errors.add(key, _("This field is required: an application states the claims and the facts and reasons "
                              "for them (%(citation)s).") % {"citation": contents})
        elif len(out[key]) > limit:
            errors.add(key, _("At most %(n)s characters.") % {"n": f"{limit:,}"})
    for key in ("evidence_text", "witnesses_text"):
        out[key] = _s(payload.get(key))
        if len(out[key]) > 10000:
            errors.add(key, _("At most %(n)s characters.") % {"n": "10,000"})

    items = payload.get("items") or []
    if not isinstance(items, list):
        errors.add("items", _("Invalid data."))
        items = []
    if not items and worker_applies:
        errors.add("items", _("Add at least one amount claimed (kind of pay, period, amount)."))
    cleaned = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.add(f"items.{i}", _("Invalid data."))
            continue
        c = {"category": _choice(errors, f"items.{i}.category", item.get("category"), Category.choices),
             "period_start": _date(errors, f"items.{i}.period_start", item.get("period_start"), required=True),
             "period_end": _date(errors, f"items.{i}.period_end", item.get("period_end"), required=True),
             "amount": _money(errors, f"items.{i}.amount", item.get("amount"), max_amount=max_amount)}
        if c["period_start"] and c["period_end"] and c["period_end"] < c["period_start"]:
            errors.add(f"items.{i}.period_end", _("The end date is before the start date."))
        cleaned.append(c)
    out["items"] = cleaned

    out["hearing_private_requested"] = _bool(payload.get("hearing_private_requested"))
    consented = payload.get("respondent_consented")
    out["respondent_consented"] = None if arbitration or consented in (None, "") else _bool(consented)
    out["preferred_language"] = ((out.get("applicant") or {}).get("preferred_language")
                                 or _s(payload.get("preferred_language")) or Language.ZH)
    if out["preferred_language"] not in Language.values:
        errors.add("preferred_language", _("Choose one of the listed options."))

    if staff:
        out["received_at"] = _date(errors, "received_at", payload.get("received_at"))
        out["channel"] = _choice(errors, "channel", payload.get("channel") or "walk_in", CHANNEL_CHOICES)
        out["oral_application"] = _bool(payload.get("oral_application"))
        if out["oral_application"] and out["channel"] == "online":
            errors.add("oral_application", _("An oral application is written down on the spot by the staff who "
                                             "hear it (%(citation)s): say how it was made.")
                       % {"citation": contents})
    else:
        out.update(received_at=None, channel="online", oral_application=False)
    if errors:
        raise DomainError(dict(errors))
    return out


# --- submit -------------------------------------------------------------------------------------------------------

@dataclass
class SubmitResult:
    case: DisputeCase
    access_code: str
    acceptance_due: dt.date | None = None


def registers_applications(actor, track: str) -> bool:
    """Staff who register applications of this track (and so may set received_at, channel, oral_application):
    mediators for mediation, the commission's clerks and chair for arbitration. Interfaces use this to choose
    ``application_validate(..., staff=...)`` so the page, the API and the service agree."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return has_role(actor, Role.MEDIATOR) if track == Track.MEDIATION else has_role(actor, Role.CLERK, Role.CHAIR)


def _person_for(p: dict, region_code: str) -> Person:
    person = _person_get_or_create(p, region_code=region_code)
    if p.get("id_type") and person.id_type != p["id_type"]:
        person.id_type = p["id_type"]
        save(person)
    return person


def _employer_for(e: dict, known: list):
    """The employer row: one the source complaint or mediation already names when it is the same (same code, or
    the same name when no code was given), else casework's get-or-create by code."""
    for candidate in known:
        if candidate is None:
            continue
        if (e["uscc"] and candidate.uscc == e["uscc"]) or (not e["uscc"] and candidate.name == e["name"]):
            employer = candidate
            break
    else:
        employer = _employer_get_or_create(e)
    if e.get("contact_phone") and not employer.contact_phone:
        employer.contact_phone = e["contact_phone"]
        save(employer)
    return employer


def _check_source_case(source_case: DisputeCase, *, track: str, on: dt.date) -> None:
    if source_case.track != Track.MEDIATION or track != Track.ARBITRATION:
        raise DomainError({"source_case": [_("Only an arbitration application can follow a mediation case.")]})
    if not arbitration_unlocked(source_case, on=on):
        end = _mediation_end(source_case)
        raise DomainError({"source_case": [_(
            "Mediation case %(number)s has not ended: its mediation period runs until %(end)s and it has neither "
            "failed nor been left unperformed (%(citation)s). Apply for arbitration without linking it, or record "
            "the outcome of the mediation first.") % {"number": source_case.case_number, "end": end.isoformat(),
                                                  "citation": cite("MED-END", on=source_case.received_at)}]})
    taken = source_case.follow_ups.filter(state__in=OPEN_STATES).first()
    if taken is not None:
        raise Conflict({"source_case": [_("Mediation case %(number)s is already followed by arbitration case "
                                          "%(other)s.") % {"number": source_case.case_number,
                                                           "other": taken.case_number}]})


def application_submit(*, track: str, payload: dict | None = None, cleaned: dict | None = None, actor=None,
                       source_complaint=None, source_case=None, received_at: dt.date | None = None) -> SubmitResult:
    """Register an application (LDMAL 12 mediation, 28 arbitration) in one transaction and start its workflow.

    Sets state MED_APPLIED (mediation) or ARB_RECEIVED (arbitration). Opens MED-ACCEPT and MED-END, or
    ARB-SUPPLEMENT and ARB-ACCEPT, from the day of receipt (the award clock starts only on acceptance). A case with
    at least ``arbitration.collective_min_workers`` workers is collective and has priority (LDMAL 7; Arbitration
    Rules 63-65). The limitation warning (LDMAL 27) is stored on an arbitration case, never a refusal. Issues the
    receipt (收件回执) and writes the public "applied" event. Returns the case and its access code (shown once)."""
    if track not in Track.values:
        raise DomainError({"track": [_("Choose one of the listed options.")]})
    staff = registers_applications(actor, track)
    if cleaned is None:
        if payload is None:
            raise DomainError({"__all__": [_("The application is empty.")]})
        cleaned = application_validate(payload, track=track, staff=staff)
    data = cleaned
    if data.get("track", track) != track:
        raise DomainError({"track": [_("The application was checked for the other track.")]})
    now = today()
    received_at = received_at or data.get("received_at") or now
    if received_at > now:
        raise DomainError({"received_at": [_("This date is in the future.")]})
    channel = data.get("channel") or ("walk_in" if staff else "online")
    arbitration = track == Track.ARBITRATION
    forum = (ArbitrationCommission.objects.get(pk=data["commission_id"]) if arbitration
             else MediationBody.objects.get(pk=data["body_id"]))
    if staff and not in_region(actor, forum.region_id):
        raise NotAllowed({"__all__": [_("You register applications for your own region only.")]})

    with acting(actor, channel=channel), transaction.atomic():
        if source_case is not None:
            source_case = DisputeCase.objects.select_for_update().get(pk=source_case.pk)
            _check_source_case(source_case, track=track, on=received_at)
        known_employers = []
        if source_complaint is not None:
            known_employers.append(source_complaint.employer)
        if source_case is not None:
            known_employers.extend(p.employer for p in source_case.parties.select_related("employer")
                                   if p.employer_id)
        region_code = data["region_code"]
        employer = _employer_for(data["employer"], known_employers)
        worker_applies = data["applicant_side"] != DisputeCase.ApplicantSide.EMPLOYER
        worker_data = data["applicant"] if worker_applies else data.get("worker")
        worker = _person_for(worker_data, region_code) if worker_data else None
        agent = _person_for(data["agent"], "") if data.get("agent") else None

        min_workers = param("arbitration.collective_min_workers", on=received_at, region_code=forum.region_id)
        collective = data["workers_count"] >= min_workers
        warning = ""
        if arbitration:
            interruptions = limitation_interruptions(worker=worker, employer=employer, received_on=received_at,
                                                     source_complaint=source_complaint, source_case=source_case)
            warning = limitation_check(
                employment_status=data["employment_status"], employment_end=data.get("employment_end"),
                knew_on=data.get("knew_on"), received_on=received_at, interruptions=interruptions,
                region_code=forum.region_id, categories=[i["category"] for i in data["items"]] or None,
                applicant_side=data["applicant_side"])

        from ..flows import ArbitrationFlow, MediationFlow

        # The process first, so that the case is written once with its process (as casework intake does).
        process = (ArbitrationFlow if arbitration else MediationFlow).start.run()
        access_code = new_access_code()
        case = DisputeCase(
            process=process, track=track,
            case_number=next_case_number(track, forum.region_id, received_at.year),
            access_code_hash=access_code_hash(access_code),
            state=DisputeState.ARB_RECEIVED if arbitration else DisputeState.MED_APPLIED,
            region_id=forum.region_id, commission=forum if arbitration else None, body=None if arbitration else forum,
            applicant_side=data["applicant_side"],
            procedure=DisputeCase.Procedure.COLLECTIVE if collective else DisputeCase.Procedure.ORDINARY,
            workers_count=data["workers_count"], priority=collective,
            preferred_language=data.get("preferred_language") or Language.ZH, channel=channel,
            oral_application=data.get("oral_application", False), source_complaint=source_complaint,
            source_case=source_case, claims_text=data["claims_text"], facts_text=data["facts_text"],
            evidence_text=data.get("evidence_text", ""), witnesses_text=data.get("witnesses_text", ""),
            employment_status=data["employment_status"], employment_start=data.get("employment_start"),
            employment_end=data.get("employment_end"), knew_on=data.get("knew_on"), limitation_warning=warning,
            hearing_private_requested=data.get("hearing_private_requested", False),
            respondent_consented=None if arbitration else data.get("respondent_consented"),
            received_at=received_at, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        save(case, actor)

        applicant = DisputeParty(case=case, side=DisputeParty.Side.APPLICANT, added_at=received_at)
        respondent = DisputeParty(case=case, side=DisputeParty.Side.RESPONDENT, added_at=received_at)
        if worker_applies:
            applicant.person = worker
            applicant.occupation = data["applicant"].get("occupation", "")
            applicant.work_unit = data["applicant"].get("work_unit", "") or employer.name[:200]
            respondent.employer = employer
        else:
            applicant.employer = employer
            respondent.person = worker
        if agent is not None:
            applicant.agent = agent
            applicant.agent_scope = data["agent"]["scope"]
        save(applicant, actor)
        if respondent.person_id or respondent.employer_id:
            save(respondent, actor)
        for item in data["items"]:
            save(ArrearsLineItem(dispute=case, worker=worker, category=item["category"],
                                 period_start=item["period_start"], period_end=item["period_end"],
                                 amount_claimed=item["amount"]), actor)

        if arbitration:
            supplement = open_dl(case, "ARB-SUPPLEMENT", received_at)
            accept = open_dl(case, "ARB-ACCEPT", received_at)
            rule_ids = {"accept": "ARB-ACCEPT", "supplement": "ARB-SUPPLEMENT"}
            extra = {"supplement_due": supplement.due_date}
        else:
            accept = open_dl(case, "MED-ACCEPT", received_at)
            end = open_dl(case, "MED-END", received_at)
            rule_ids = {"accept": "MED-ACCEPT", "end": "MED-END"}
            extra = {"mediation_end_due": end.due_date}

        from ..documents import document_issue

        document_issue(case, "receipt", user=actor, context=_receipt_context(
            case, applicant=applicant, respondent=respondent, agent=agent, forum=forum, acceptance_due=accept.due_date,
            citations={k: cite(r, on=received_at) for k, r in rule_ids.items()}, **extra))
        event(case, "applied", user=actor, channel=channel, acceptance_due=accept.due_date,
              collective=collective, source_complaint=source_complaint.case_number if source_complaint else "",
              source_case=source_case.case_number if source_case else "",
              limitation_warning=bool(warning))
        if source_case is not None:
            event(source_case, "followed_by_arbitration", user=actor, public=False, case_number=case.case_number)
        process.artifact = case
        process.data = {"case_number": case.case_number}
        process.save(update_fields=["artifact_content_type", "artifact_object_id", "data"])
    return SubmitResult(case=case, access_code=access_code, acceptance_due=accept.due_date)


def _party_name(party: DisputeParty) -> str:
    if party.person_id:
        return party.person.name
    if party.employer_id:
        return party.employer.name
    return ""


def _receipt_context(case: DisputeCase, *, applicant: DisputeParty, respondent: DisputeParty, agent, forum,
                     acceptance_due: dt.date, citations: dict, **extra) -> dict:
    """What the receipt prints (Arbitration Rules art. 29: a written receipt for every application): the case
    number, the day of receipt, the parties, the claims, and the day by which the application is accepted or
    refused. Never the access code (it is shown to the applicant once, not printed on a served document)."""
    items = [{"category": it.get_category_display(), "period_start": it.period_start, "period_end": it.period_end,
              "amount": it.amount_claimed} for it in case.items.order_by("id")]
    return {
        "case_number": case.case_number, "track": case.track, "received_at": case.received_at,
        "forum_name": forum.name, "channel": case.channel, "oral_application": case.oral_application,
        "applicant_name": _party_name(applicant), "respondent_name": _party_name(respondent),
        "agent_name": agent.name if agent is not None else "", "agent_scope": applicant.agent_scope,
        "claims_text": case.claims_text, "items": items,
        "total_claimed": sum((i["amount"] for i in items), start=0),
        "workers_count": case.workers_count, "collective": case.procedure == DisputeCase.Procedure.COLLECTIVE,
        "acceptance_due": acceptance_due, "citations": citations,
        "limitation_warning": case.limitation_warning, **extra,
    }


# --- public tracking ----------------------------------------------------------------------------------------------

def dispute_for_tracking(case_number: str, code: str) -> DisputeCase | None:
    """The dispute case a party may follow with this case number and access code, or None. An unknown number, a
    complaint's number and a wrong code give the same answer after the same work (the code is hashed and compared
    either way), like casework's complaint_for_tracking."""
    number = normalise_dispute_number(case_number)
    case = DisputeCase.objects.filter(case_number=number).first() if number else None
    ok = check_access_code(case or DisputeCase(access_code_hash="0" * 64), code)
    return case if case is not None and ok else None


def open_dispute_for(complaint) -> bool:
    """Whether the complaint's worker (by ID number hash: the complainant or a worker named on its claims) already
    has an open mediation or arbitration case against the same employer: inspection then redirects the complaint
    instead of investigating the same claims twice (劳动保障监察条例 art. 21)."""
    hashes = set()
    if complaint.complainant_id and complaint.complainant.id_number_hash:
        hashes.add(complaint.complainant.id_number_hash)
    hashes.update(complaint.items.filter(worker__isnull=False).values_list("worker__id_number_hash", flat=True))
    hashes.discard("")
    if not hashes or complaint.employer_id is None:
        return False
    with_worker = DisputeParty.objects.filter(person__id_number_hash__in=hashes).values("case_id")
    with_employer = DisputeParty.objects.filter(same_employer_q(complaint.employer)).values("case_id")
    return DisputeCase.objects.filter(state__in=OPEN_STATES, pk__in=with_worker).filter(pk__in=with_employer).exists()


# --- prefill ------------------------------------------------------------------------------------------------------

def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _person_payload(person: Person | None, **extra) -> dict:
    if person is None:
        return {}
    return {"name": person.name, "id_type": person.id_type, "id_number": person.id_number, "phone": person.phone,
            "address": person.address, "preferred_language": person.preferred_language, **extra}


def _employer_payload(employer) -> dict:
    return {"name": employer.name, "uscc": employer.uscc or "", "address": employer.address,
            "legal_rep_name": employer.legal_rep_name, "contact_phone": employer.contact_phone}


def _item_payload(item) -> dict:
    return {"category": item.category, "period_start": _iso(item.period_start), "period_end": _iso(item.period_end),
            "amount": str(item.amount_claimed)}


def prefill_from_complaint(complaint) -> dict:
    """An application payload (for application_validate) from a complaint that labour inspection redirected to
    mediation or arbitration: the region, the complainant as the applicant worker, the employer, the complainant's
    claims, the facts, the employment dates. The day the worker knew is taken as the start of the violation (the
    applicant may correct it). Personal data is read through the model (decrypted)."""
    worker = complaint.complainant
    items = complaint.items.order_by("id")
    if worker is not None:
        items = [i for i in items if i.worker_id in (None, worker.pk)]
    claims = complaint.requests.strip() or _("Payment of the wages owed.")
    facts = _("%(facts)s\n\n(Redirected from labour-inspection complaint %(number)s, received on %(date)s.)") % {
        "facts": complaint.facts.strip(), "number": complaint.case_number, "date": _iso(complaint.received_at)}
    return {
        "applicant_side": "worker", "region_code": complaint.region_id,
        "applicant": _person_payload(worker, occupation="", work_unit=complaint.employer.name[:200]),
        "employer": _employer_payload(complaint.employer),
        "workers_count": complaint.workers_affected,
        "employment_status": complaint.employment_status, "employment_start": "",
        "employment_end": _iso(complaint.employment_end_date), "knew_on": _iso(complaint.violation_start),
        "claims_text": claims, "facts_text": facts,
        "evidence_text": "\n".join(a.original_name for a in complaint.attachments.filter(audience="parties")),
        "witnesses_text": "", "items": [_item_payload(i) for i in items],
        "hearing_private_requested": False,
    }


def prefill_from_case(case: DisputeCase) -> dict:
    """An arbitration payload from a mediation case that failed, was refused or was not performed: the same
    parties (without the agent: a power of attorney for mediation does not carry over), the same claims, and facts
    that say what happened in mediation (the worker may then apply for arbitration: LDMAL 5, 14, 15)."""
    if case.track != Track.MEDIATION:
        raise DomainError({"source_case": [_("Only a mediation case can be carried over into arbitration.")]})
    parties = list(case.parties.select_related("person", "employer"))
    applicant = next((p for p in parties if p.side == DisputeParty.Side.APPLICANT), None)
    respondent = next((p for p in parties if p.side == DisputeParty.Side.RESPONDENT), None)
    employer_party = applicant if applicant and applicant.employer_id else respondent
    worker_party = respondent if employer_party is applicant else applicant
    failed_on = case.mediation_failed_at or case.closed_at
    outcome = {
        DisputeState.MED_FAILED: _("mediation ended without agreement on %(date)s") % {"date": _iso(failed_on)}
        if failed_on else _("mediation ended without agreement"),
        DisputeState.MED_NOT_PERFORMED: _("the mediation agreement was not performed"),
        DisputeState.MED_REFUSED: _("the mediation body did not accept the application"),
    }.get(case.state, _("no agreement was reached within the mediation period"))
    body = case.body.name if case.body_id else ""
    facts = _("%(facts)s\n\n(Mediation: applied to %(body)s on %(date)s, case %(number)s; %(outcome)s.)") % {
        "facts": case.facts_text.strip(), "body": body, "date": _iso(case.received_at), "number": case.case_number,
        "outcome": outcome}
    worker = worker_party.person if worker_party and worker_party.person_id else None
    payload = {
        "applicant_side": case.applicant_side, "region_code": case.region_id,
        "employer": _employer_payload(employer_party.employer) if employer_party and employer_party.employer_id
        else {},
        "workers_count": case.workers_count, "employment_status": case.employment_status,
        "employment_start": _iso(case.employment_start), "employment_end": _iso(case.employment_end),
        "knew_on": _iso(case.knew_on), "claims_text": case.claims_text, "facts_text": facts,
        "evidence_text": case.evidence_text, "witnesses_text": case.witnesses_text,
        "items": [_item_payload(i) for i in case.items.order_by("id")],
        "hearing_private_requested": False, "preferred_language": case.preferred_language,
    }
    if case.applicant_side == DisputeCase.ApplicantSide.EMPLOYER:
        payload["worker"] = {k: v for k, v in _person_payload(worker).items()
                             if k in ("name", "id_number", "phone", "address")}
    else:
        payload["applicant"] = _person_payload(worker, occupation=worker_party.occupation if worker_party else "",
                                               work_unit=worker_party.work_unit if worker_party else "")
    return payload


# --- when a mediation opens the way to arbitration ------------------------------------------------------------------

def _mediation_end(case: DisputeCase) -> dt.date:
    """The last day of the mediation period: the open MED-END deadline (the parties may agree to extend it), else
    the rule counted from receipt (LDMAL 14: 15 days, rolled past rest days)."""
    return current_due(case, "MED-END") or due(case.received_at, "MED-END", case.region_id)


def arbitration_unlocked_reason(case: DisputeCase, on: dt.date | None = None) -> str:
    """Why the parties of mediation case ``case`` may now apply for arbitration, or "" while they may not (yet):
    mediation refused (LDMAL 5), failed (LDMAL 14), or its agreement not performed (LDMAL 15); or no agreement by the
    end of the mediation period, counted from receipt (LDMAL 14: 15 days)."""
    if case.track != Track.MEDIATION:
        return ""
    on = on or today()
    if case.state == DisputeState.MED_FAILED:
        return _("Mediation ended without agreement%(when)s: the parties may apply for arbitration (%(citation)s).") \
            % {"when": _(" on %(date)s") % {"date": _iso(case.mediation_failed_at)} if case.mediation_failed_at
               else "", "citation": _article("第十四条")}
    if case.state == DisputeState.MED_NOT_PERFORMED:
        return _("The mediation agreement was not performed: the other party may apply for arbitration "
                 "(%(citation)s).") % {"citation": _article("第十五条")}
    if case.state == DisputeState.MED_REFUSED:
        return _("The mediation body did not accept the application: the parties may apply for arbitration "
                 "(%(citation)s).") % {"citation": _article("第五条")}
    if case.state in (DisputeState.MED_APPLIED, DisputeState.MED_IN_MEDIATION) \
            and not MediationAgreement.objects.filter(case=case).exists():
        end = _mediation_end(case)
        if on > end:
            return _("No mediation agreement was reached by %(end)s, the end of the mediation period: the parties "
                     "may apply for arbitration (%(citation)s).") % {
                "end": end.isoformat(), "citation": cite("MED-END", on=case.received_at)}
    return ""


def arbitration_unlocked(case: DisputeCase, *, on: dt.date | None = None) -> bool:
    """True when a party of mediation case ``case`` may apply for arbitration (see arbitration_unlocked_reason)."""
    return bool(arbitration_unlocked_reason(case, on=on))
