"""Complaint intake: one set of rules for the online form, the intake officer's form and the API.

``intake_validate(payload)`` checks a plain dict (the API body shape) and returns cleaned values or raises
``DomainError`` with one message per field path. ``complaint_submit`` saves the complaint, its parties, line items
and evidence, opens the acceptance deadline and starts the inspection flow, all in one transaction.
"""
import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import ArrearsLineItem, Category

from ..audit import acting
from ..errors import DomainError
from ..fields import pii_hash
from ..identity import validate_id_number, validate_phone, validate_uscc
from ..models import clean_local
from ..models import (Attachment, CaseEvent, CaseNumberSequence, Complaint, ComplaintState, Employer, Language,
                      Person, Region, Representative)
from .config import params
from .deadlines import deadline_open

__all__ = ["intake_validate", "complaint_submit", "SubmitResult", "normalise_case_number", "check_access_code", "complaint_for_tracking",
           "STEP_FIELDS"]

# Which top-level fields each step of the guided online form collects (the same rules check each step).
STEP_FIELDS = {
    1: ["kind", "complainant", "is_collective", "workers_affected", "representatives"],
    2: ["employer", "region_code", "sector", "project_name", "project_location"],
    3: ["employment_status", "employment_end_date", "violation_start", "violation_end", "is_continuing"],
    4: ["items"],
    5: ["facts", "requests"],
}


def _today():
    return timezone.localdate()


class _Errors(dict):
    def add(self, path, message):
        self.setdefault(path, []).append(str(message))


def _s(v) -> str:
    return (str(v) if v is not None else "").strip()


def _date(errors, path, value, *, required=False, not_future=True):
    value = _s(value)
    if not value:
        if required:
            errors.add(path, _("This field is required."))
        return None
    try:
        d = dt.date.fromisoformat(value)
    except ValueError:
        errors.add(path, _("Enter a date as YYYY-MM-DD."))
        return None
    if not_future and d > _today():
        errors.add(path, _("This date is in the future."))
    return d


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return _s(value).lower() in {"1", "true", "yes", "on"}


def _choice(errors, path, value, choices, *, required=True):
    value = _s(value)
    if not value:
        if required:
            errors.add(path, _("This field is required."))
        return ""
    if value not in dict(choices):
        errors.add(path, _("Choose one of the listed options."))
        return ""
    return value


def _money(errors, path, value, *, max_amount: Decimal):
    raw = _s(value).replace(",", "").replace("，", "")
    if not raw:
        errors.add(path, _("This field is required."))
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        errors.add(path, _("Enter an amount in yuan, for example 3500 or 3500.50."))
        return None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        errors.add(path, _("Enter an amount in yuan with at most two decimals."))
        return None
    if amount <= 0:
        errors.add(path, _("The amount must be more than zero."))
        return None
    if amount > max_amount:
        errors.add(path, _("This amount is larger than %(max)s yuan. Please check it; if it is right, split it "
                           "by month.") % {"max": f"{max_amount:,.0f}"})
        return None
    return amount.quantize(Decimal("0.01"))


def _person(errors, prefix, data, *, required: bool, on: dt.date, min_age: int):
    data = data or {}
    if not isinstance(data, dict):
        errors.add(prefix, _("Invalid data."))
        return None
    name = _s(data.get("name"))
    id_number = _s(data.get("id_number"))
    phone = _s(data.get("phone"))
    if not required and not (name or id_number or phone):
        return None
    out = {"name": name, "preferred_language": _s(data.get("preferred_language")) or Language.ZH}
    if not name:
        errors.add(f"{prefix}.name", _("This field is required."))
    elif len(name) > 64:
        errors.add(f"{prefix}.name", _("At most 64 characters."))
    if out["preferred_language"] not in Language.values:
        errors.add(f"{prefix}.preferred_language", _("Choose one of the listed options."))
    if not id_number:
        errors.add(f"{prefix}.id_number", _("This field is required."))
    else:
        try:
            info = validate_id_number(id_number)
            out.update(id_number=info.number, birth_date=info.birth_date, gender=info.gender)
            age_at = on
            years = age_at.year - info.birth_date.year - ((age_at.month, age_at.day) <
                                                         (info.birth_date.month, info.birth_date.day))
            if years < min_age:
                errors.add(f"{prefix}.id_number", _("By this ID number the person was under %(age)s when the work "
                                                    "began. Please check the number.") % {"age": min_age})
        except ValidationError as e:
            errors.add(f"{prefix}.id_number", e.messages[0])
    if not phone:
        errors.add(f"{prefix}.phone", _("This field is required."))
    else:
        try:
            out["phone"] = validate_phone(phone)
        except ValidationError as e:
            errors.add(f"{prefix}.phone", e.messages[0])
    out["address"] = _s(data.get("address"))[:255]
    return out


def intake_validate(payload: dict, *, fields: list[str] | None = None) -> dict:
    """Check an intake payload. ``fields`` limits the check to some top-level fields (one step of the guided
    form); by default everything is checked. Returns the cleaned data; raises DomainError(errors)."""
    if not isinstance(payload, dict):
        raise DomainError({"__all__": [_("Invalid data.")]})
    errors = _Errors()
    want = set(fields) if fields else None

    def wanted(name):
        return want is None or name in want

    today = _today()
    out: dict = {}
    out["kind"] = _choice(errors, "kind", payload.get("kind"), Complaint.Kind.choices) if wanted("kind") \
        else _s(payload.get("kind")) or Complaint.Kind.COMPLAINT
    is_report = out["kind"] == Complaint.Kind.REPORT
    limits = params("intake.min_worker_age", "intake.max_item_amount", "intake.max_representatives", on=today)
    min_age = int(limits["intake.min_worker_age"])
    max_amount = limits["intake.max_item_amount"]
    max_reps = int(limits["intake.max_representatives"])
    vs_raw = payload.get("violation_start")
    try:
        age_on = dt.date.fromisoformat(_s(vs_raw)) if _s(vs_raw) else today
    except ValueError:
        age_on = today

    if wanted("complainant"):
        out["complainant"] = _person(errors, "complainant", payload.get("complainant"), required=not is_report,
                                     on=age_on, min_age=min_age)
    if wanted("workers_affected"):
        raw = _s(payload.get("workers_affected")) or "1"
        try:
            n = int(raw)
            if n < 1:
                errors.add("workers_affected", _("At least 1 worker."))
            elif n > 100000:
                errors.add("workers_affected", _("Please check the number of workers."))
            out["workers_affected"] = n
        except ValueError:
            errors.add("workers_affected", _("Enter a whole number."))
    if wanted("is_collective"):
        out["is_collective"] = _bool(payload.get("is_collective"))
    if wanted("representatives"):
        reps = payload.get("representatives") or []
        if not isinstance(reps, list):
            errors.add("representatives", _("Invalid data."))
            reps = []
        if len(reps) > max_reps:
            errors.add("representatives", _("A collective complaint has at most %(n)s representatives.")
                       % {"n": max_reps})
        cleaned = []
        for i, rep in enumerate(reps[:max_reps]):
            p = _person(errors, f"representatives.{i}", rep, required=True, on=age_on, min_age=min_age)
            if p:
                cleaned.append(p)
        out["representatives"] = cleaned
        if cleaned:
            out["is_collective"] = True
        if out.get("is_collective") and out.get("workers_affected", 2) < 2 and wanted("workers_affected"):
            errors.add("workers_affected", _("A collective complaint concerns at least 2 workers."))

    if wanted("employer"):
        emp = payload.get("employer") or {}
        if not isinstance(emp, dict):
            errors.add("employer", _("Invalid data."))
            emp = {}
        e = {"name": _s(emp.get("name")), "address": _s(emp.get("address"))[:255],
             "legal_rep_name": _s(emp.get("legal_rep_name"))[:64], "uscc": ""}
        if not e["name"]:
            errors.add("employer.name", _("This field is required."))
        elif len(e["name"]) > 200:
            errors.add("employer.name", _("At most 200 characters."))
        if _s(emp.get("uscc")):
            try:
                e["uscc"] = validate_uscc(_s(emp.get("uscc"))).code
            except ValidationError as ex:
                errors.add("employer.uscc", ex.messages[0])
        out["employer"] = e
    if wanted("region_code"):
        code = _s(payload.get("region_code"))
        if not code:
            errors.add("region_code", _("This field is required."))
        elif not Region.objects.filter(code=code).exclude(level=Region.Level.PROVINCE).exists():
            errors.add("region_code", _("Choose the prefecture or county where you work."))
        out["region_code"] = code
    if wanted("sector"):
        out["sector"] = _choice(errors, "sector", payload.get("sector"), Complaint.Sector.choices)
    if wanted("project_name"):
        out["project_name"] = _s(payload.get("project_name"))[:200]
        if (out.get("sector") or _s(payload.get("sector"))) == Complaint.Sector.CONSTRUCTION and not out["project_name"]:
            errors.add("project_name", _("For a construction project, give the project's name."))
    if wanted("project_location"):
        out["project_location"] = _s(payload.get("project_location"))[:255]

    if wanted("employment_status"):
        out["employment_status"] = _choice(errors, "employment_status", payload.get("employment_status"),
                                           Complaint.EmploymentStatus.choices)
    if wanted("employment_end_date"):
        out["employment_end_date"] = _date(errors, "employment_end_date", payload.get("employment_end_date"),
                                           required=out.get("employment_status") == Complaint.EmploymentStatus.LEFT)
        if out.get("employment_status") == Complaint.EmploymentStatus.EMPLOYED:
            out["employment_end_date"] = None
    if wanted("violation_start"):
        out["violation_start"] = _date(errors, "violation_start", payload.get("violation_start"), required=True)
    if wanted("is_continuing"):
        out["is_continuing"] = _bool(payload.get("is_continuing"))
    if wanted("violation_end"):
        continuing = out.get("is_continuing", _bool(payload.get("is_continuing")))
        out["violation_end"] = _date(errors, "violation_end", payload.get("violation_end"), required=not continuing)
        if continuing:
            out["violation_end"] = None
        vs = out.get("violation_start")
        if vs and out["violation_end"] and out["violation_end"] < vs:
            errors.add("violation_end", _("The end date is before the start date."))

    if wanted("items"):
        items = payload.get("items") or []
        if not isinstance(items, list):
            errors.add("items", _("Invalid data."))
            items = []
        if not items and not is_report:
            errors.add("items", _("Add at least one amount owed (month, kind of pay, amount)."))
        cleaned = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                errors.add(f"items.{i}", _("Invalid data."))
                continue
            c = {"category": _choice(errors, f"items.{i}.category", item.get("category"), Category.choices),
                 "period_start": _date(errors, f"items.{i}.period_start", item.get("period_start"), required=True),
                 "period_end": _date(errors, f"items.{i}.period_end", item.get("period_end"), required=True),
                 "amount_claimed": _money(errors, f"items.{i}.amount_claimed", item.get("amount_claimed"),
                                          max_amount=max_amount),
                 "worker_id_number": "", "worker_name": _s(item.get("worker_name"))[:64]}
            if c["period_start"] and c["period_end"] and c["period_end"] < c["period_start"]:
                errors.add(f"items.{i}.period_end", _("The end date is before the start date."))
            if _s(item.get("worker_id_number")):
                try:
                    c["worker_id_number"] = validate_id_number(_s(item.get("worker_id_number"))).number
                except ValidationError as e:
                    errors.add(f"items.{i}.worker_id_number", e.messages[0])
            cleaned.append(c)
        out["items"] = cleaned

    if wanted("facts"):
        out["facts"] = _s(payload.get("facts"))
        if not out["facts"]:
            errors.add("facts", _("Describe what happened: who owes you, for what work, since when."))
        elif len(out["facts"]) > 10000:
            errors.add("facts", _("At most 10,000 characters."))
    if wanted("requests"):
        out["requests"] = _s(payload.get("requests"))[:5000]
    if errors:
        raise DomainError(dict(errors))
    return out


# --- case numbers and access codes ------------------------------------------------------------------------------

def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _next_case_number(year: int, region_code: str) -> str:
    """YYYY-PPPP-NNNNN-C: year, prefecture code, serial, check digit. Digits only, so it reads aloud clearly in
    any language; the check digit catches a digit misheard on the phone."""
    prefix = region_code[:4]
    seq, _ = CaseNumberSequence.objects.select_for_update().get_or_create(year=year, prefix=prefix)
    seq.last += 1
    seq.save(update_fields=["last"])
    body = f"{year}{prefix}{seq.last:05d}"
    return f"{year}-{prefix}-{seq.last:05d}-{_luhn_digit(body)}"


def normalise_case_number(value: str) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 14 or _luhn_digit(digits[:13]) != digits[13]:
        return None
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:13]}-{digits[13]}"


def _new_access_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def access_code_hash(code: str) -> str:
    return pii_hash("access:" + re.sub(r"\D", "", code or ""))


def check_access_code(complaint: Complaint, code: str) -> bool:
    return hmac.compare_digest(complaint.access_code_hash, access_code_hash(code))


def complaint_for_tracking(case_number: str, code: str) -> Complaint | None:
    """The complaint a worker may track with this case number and access code, or None. An unknown case and a
    wrong code give the same answer after about the same work (the code is hashed and compared either way)."""
    number = normalise_case_number(case_number)
    complaint = Complaint.objects.filter(case_number=number).first() if number else None
    ok = check_access_code(complaint or Complaint(access_code_hash="0" * 64), code)
    return complaint if complaint is not None and ok else None


# --- submit ------------------------------------------------------------------------------------------------------

@dataclass
class SubmitResult:
    complaint: Complaint
    access_code: str
    acceptance_due: dt.date


def _assign_changes(obj, values: dict) -> bool:
    changed = False
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


def _person_get_or_create(p: dict, *, region_code: str | None = None) -> Person:
    """The person with this ID number (keyed hash), updated with what was given; saved only if something changed
    (an unchanged person writes no history row)."""
    h = pii_hash(p["id_number"]) if p.get("id_number") else ""
    person = Person.objects.filter(id_number_hash=h).first() if h else None
    is_new = person is None
    if is_new:
        person = Person(id_number_hash=h)
    values = {}
    if p.get("name"):
        values["name"] = p["name"]
    if p.get("id_number"):
        values.update(id_number=p["id_number"], birth_date=p.get("birth_date"), gender=p.get("gender", ""))
    if p.get("phone"):
        values.update(phone=p["phone"], phone_hash=pii_hash(p["phone"]))
    if p.get("address"):
        values["address"] = p["address"]
    if p.get("preferred_language"):
        values["preferred_language"] = p["preferred_language"]
    if region_code and person.region_id is None:
        values["region_id"] = region_code
    if _assign_changes(person, values) or is_new:
        clean_local(person)
        person.save()
    return person


def _employer_get_or_create(e: dict) -> Employer:
    employer = Employer.objects.filter(uscc=e["uscc"]).first() if e["uscc"] else None
    is_new = employer is None
    if is_new:
        employer = Employer(name=e["name"], uscc=e["uscc"] or None)
        if e["uscc"]:
            employer.registration_region_code = e["uscc"][2:8]
    values = {f: e[f] for f in ("address", "legal_rep_name") if e.get(f) and not getattr(employer, f)}
    if _assign_changes(employer, values) or is_new:
        clean_local(employer)
        employer.save()
    return employer


def complaint_submit(*, payload: dict, actor=None, channel: str = Complaint.Channel.ONLINE,
                     received_at: dt.date | None = None, attachments: list[Attachment] | None = None,
                     national_clue_id: str = "", cleaned: dict | None = None, employer: Employer | None = None,
                     project=None) -> SubmitResult:
    """Save a complaint from ``payload`` (see intake_validate) and start the inspection track. A caller that has
    just validated the payload passes the result as ``cleaned`` so the rules do not run twice. ``employer`` and
    ``project`` (ex officio cases, casework.services.ex_officio) name known records instead of the payload's."""
    data = cleaned if cleaned is not None else intake_validate(payload)
    if channel not in Complaint.Channel.values:
        raise DomainError({"channel": [_("Choose one of the listed options.")]})
    received_at = received_at or _today()
    with acting(actor, channel=channel), transaction.atomic():
        complainant = _person_get_or_create(data["complainant"], region_code=data["region_code"]) \
            if data.get("complainant") else None
        employer = employer or _employer_get_or_create(data["employer"])
        if data["sector"] == Complaint.Sector.CONSTRUCTION and not employer.is_construction:
            employer.is_construction = True
            employer.save()
        access_code = _new_access_code()
        from ..flows import InspectionFlow

        # The process first, so that the complaint is written once with its process (one history row, not two).
        process = InspectionFlow.start.run()
        complaint = Complaint(process=process,
            case_number=_next_case_number(received_at.year, data["region_code"]),
            access_code_hash=access_code_hash(access_code),
            kind=data["kind"], channel=channel, national_clue_id=national_clue_id,
            state=ComplaintState.RECEIVED, complainant=complainant,
            confidential_informant=data["kind"] == Complaint.Kind.REPORT,
            is_collective=data.get("is_collective", False),
            preferred_language=(data.get("complainant") or {}).get("preferred_language") or Language.ZH,
            employer=employer, region_id=data["region_code"], handling_region_id=data["region_code"],
            sector=data["sector"], project_name=data.get("project_name", ""), project=project,
            project_location=data.get("project_location", ""),
            employment_status=data["employment_status"], employment_end_date=data.get("employment_end_date"),
            violation_start=data["violation_start"], violation_end=data.get("violation_end"),
            is_continuing=data.get("is_continuing", False), workers_affected=data.get("workers_affected", 1),
            facts=data["facts"], requests=data.get("requests", ""), received_at=received_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        clean_local(complaint)
        complaint.save()
        for rep in data.get("representatives", []):
            Representative.objects.create(complaint=complaint, person=_person_get_or_create(rep))
        for item in data.get("items", []):
            worker = complainant
            wid = item["worker_id_number"]
            if wid and (complainant is None or pii_hash(wid) != complainant.id_number_hash):
                worker = _person_get_or_create({"name": item["worker_name"], "id_number": wid})
            line = ArrearsLineItem(complaint=complaint, worker=worker, category=item["category"],
                                   period_start=item["period_start"], period_end=item["period_end"],
                                   amount_claimed=item["amount_claimed"])
            clean_local(line)
            line.save()
        for att in attachments or []:
            att.complaint = complaint
            att.draft = None
            att.save()
        deadline = deadline_open(case=complaint, rule_id="INSP-ACCEPT", anchor_date=received_at,
                                 region_code=complaint.handling_region_id, case_number=complaint.case_number)
        from ..audit import current

        ev = CaseEvent.objects.create(complaint=complaint, code="received", public=True, actor=complaint.created_by,
                                      detail={"channel": channel, "acceptance_due": deadline.due_date.isoformat()},
                                      request_id=current().request_id)
        from .notices import case_event_notify

        case_event_notify(ev)  # the receipt SMS, written in this transaction (notifications outbox)
        process.artifact = complaint
        process.data = {"case_number": complaint.case_number}
        process.save(update_fields=["artifact_content_type", "artifact_object_id", "data"])
    return SubmitResult(complaint=complaint, access_code=access_code, acceptance_due=deadline.due_date)
