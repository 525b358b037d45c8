"""Generated case documents: numbered PDFs in Chinese, with an embedded CJK font, made from the case data.

Issue #3 and the law they implement:
- receipt (收件回执, Arbitration Rules art. 29), supplement notice (补正通知书, one time, Rules 29 and 46(2)),
  acceptance and non-acceptance notices (LDMAL 29; Rules 30), the written explanation of jurisdiction (Rules 31),
  the notice to respond (LDMAL 30; Rules 33), service records (送达回证, Rules 18-21), hearing notice (LDMAL 35-36;
  Rules 38-39), tribunal composition notice (LDMAL 32-33; Rules 37), extension notice (LDMAL 43), the award — one
  per finality class, the finality printed (LDMAL 47-50; Rules 50, 53; SPC Interp. I 18) —, the hearing record
  (LDMAL 40; Rules 42), the mediation agreement (LDMAL 14), the mediation document (调解书, LDMAL 42; Rules 76-79),
  the mediation refusal and failure notices (EMR 22; LDMAL 14) and internal notes (副卷).
- The parties see their case's main file (正卷) and never the internal file (副卷) (Rules 22-23; spec §14).
- Personal data on a document (spec §14): names and sides always; an address only where the legal document names
  the parties with their address (the award, the mediation agreement and the mediation document); never an
  identity number, a phone number or a credit code.

``document_issue`` numbers the document (``common.next_doc_no`` unless the caller has a number), builds the
context from the case (``document_context``) and lays the caller's ``context`` over it (the caller's keys win),
renders ``templates/disputes/docs/<kind>.html`` with a template engine of its own (autoescaping, the document
filters below as built-ins, nothing from the request), turns it into PDF (``disputes.pdf``), stores it in the
private default storage with its SHA-256 and size, and records a timeline event. It runs inside the caller's
transaction: if rendering raises, nothing is saved and the number is not used. The context keys of every kind:
docs/documents.md.
"""
import datetime as dt
import hashlib
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import Context, Engine, Library
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.audit import acting
from casework.errors import DomainError, NotAllowed
from casework.services.config import MissingConfiguration, rule

from .access import can_view, party_of
from .models import CaseDocument, DisputeCase, DisputeParty, Hearing, Track, TribunalMember
from .pdf import CJK_FAMILY, TIBETAN_FAMILY, pdf_text, render_pdf
from .services.common import event, next_doc_no, save

__all__ = [
    "document_issue", "document_context", "document_html", "documents_for_party", "documents_for_staff",
    "document_for_download", "document_text", "default_title", "TITLES", "ADDRESS_KINDS", "register",
    "cn_date", "cn_datetime", "yuan",
]

# --- titles and labels (the document language is Chinese whatever the reader's interface language) --------------

K = CaseDocument.Kind

TITLES = {
    K.RECEIPT: "收件回执",
    K.SUPPLEMENT_NOTICE: "补正通知书",
    K.ACCEPTANCE_NOTICE: "受理通知书",
    K.NON_ACCEPTANCE_NOTICE: "不予受理通知书",
    K.NO_JURISDICTION_NOTICE: "书面说明",
    K.RESPONDENT_NOTICE: "应诉通知书",
    K.SERVICE_RECORD: "送达回证",
    K.HEARING_NOTICE: "开庭通知书",
    K.COMPOSITION_NOTICE: "仲裁庭组成通知书",
    K.EXTENSION_NOTICE: "延期通知书",
    K.AWARD: "裁决书",
    K.MEDIATION_AGREEMENT: "调解协议书",
    K.MEDIATION_DOCUMENT: "调解书",
    K.MEDIATION_REFUSAL: "不予受理调解申请通知书",
    K.MEDIATION_FAILED: "调解终止通知书",
    K.HEARING_RECORD: "庭审笔录",
    K.INTERNAL_NOTE: "内部工作记录",
}

# Documents that name the parties with their address (the award: Rules 53; the agreement: LDMAL 14; 调解书: LDMAL 42).
ADDRESS_KINDS = {K.AWARD, K.MEDIATION_AGREEMENT, K.MEDIATION_DOCUMENT}

SIDE_CN = {DisputeParty.Side.APPLICANT: "申请人", DisputeParty.Side.RESPONDENT: "被申请人",
           DisputeParty.Side.THIRD: "第三人"}
CLAIM_CN = {
    "wages": "拖欠工资", "overtime": "加班费", "min_wage_gap": "低于最低工资标准的差额", "severance": "经济补偿",
    "double_wages": "未订立书面劳动合同的二倍工资差额", "unlawful_termination": "违法解除劳动合同赔偿金",
    "non_compete": "竞业限制经济补偿", "injury_medical": "工伤医疗费", "additional_comp": "加付赔偿金",
    "social_insurance": "社会保险", "other": "其他",
}
AWARD_CATEGORY_CN = {
    "wages": "劳动报酬", "injury_medical": "工伤医疗费", "compensation": "经济补偿", "damages": "赔偿金",
    "working_time": "工作时间", "rest_leave": "休息休假", "social_insurance": "社会保险",
    "relationship": "确认劳动关系", "contract": "解除或者终止劳动合同的效力", "other": "其他",
}
FINALITY_CN = {"final": "终局", "non_final": "非终局"}
ROLE_CN = {TribunalMember.Role.PRESIDING: "首席仲裁员", TribunalMember.Role.MEMBER: "仲裁员",
           TribunalMember.Role.SOLE: "独任仲裁员"}
SERVICE_METHOD_CN = {"in_person": "直接送达", "post": "邮寄送达", "electronic": "电子送达",
                     "posting": "留置送达", "public_notice": "公告送达"}
SIGNER_CN = {"arbitrator": "仲裁员", "clerk": "记录人", "party": "当事人", "other": "其他参加人"}
UNIT_CN = {"WD": "个工作日", "CD": "日", "MONTH": "个月", "YEAR": "年"}


# --- template filters (built into the document engine: no {% load %} needed) ------------------------------------

register = Library()


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@register.filter
def cn_date(value) -> str:
    """2025年6月9日 from a date, a datetime (local) or an ISO string; other text unchanged; nothing for None."""
    if value in (None, ""):
        return ""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else str(value)


@register.filter
def cn_datetime(value) -> str:
    """2025年6月9日9时30分 from a datetime (shown in local time); a date prints as cn_date."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"
    return cn_date(value)


@register.filter
def yuan(value) -> str:
    """6,000.00元 from a Decimal, a number or a numeric string; other text unchanged; nothing for None."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    return f"{amount.quantize(Decimal('0.01')):,}元"


@register.filter
def lines(value) -> list:
    """A list from a list, or from text with one item per line (leading numbering like "1." is kept)."""
    if not value:
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if str(v).strip()]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


@register.filter
def period(value) -> str:
    """A deadline rule as words: 10个工作日, 15日, 1年."""
    if value is None or not hasattr(value, "n"):
        return ""
    return f"{value.n}{UNIT_CN.get(value.unit, '日')}"


@register.filter
def untag(value) -> str:
    """A citation without the rule table's source tag: "…第二十二条 [C]" prints as "…第二十二条"."""
    return _TAG.sub("", str(value or ""))


@register.filter
def cn_bool(value, words="是,否") -> str:
    """``words`` is "yes-word,no-word"; nothing when the value is unknown (None or missing)."""
    yes, _sep, no = words.partition(",")
    return "" if value is None or value == "" else (yes if value else no)


_TAG = re.compile(r"\s*\[[A-Z/ ]+\]\s*$")
_ENGINE = None


def _engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        dirs = [d for t in settings.TEMPLATES for d in t.get("DIRS", [])]
        _ENGINE = Engine(dirs=dirs, app_dirs=True, autoescape=True, string_if_invalid="",
                         builtins=["disputes.documents"], debug=False)
    return _ENGINE


# --- context from the case --------------------------------------------------------------------------------------


class _Rules:
    """``rules.ARB_DEFENCE`` is the rule row in force on the issuing day (for ``|period``); ``law.ARB_DEFENCE`` its
    citation without the source tag. Lazy: a template pays only for the rules it prints."""

    def __init__(self, on: dt.date, citations: bool):
        self.on, self.citations = on, citations

    def __getitem__(self, key):
        try:
            row = rule(key.replace("_", "-"), on=self.on)
        except MissingConfiguration:
            raise KeyError(key) from None
        return _TAG.sub("", row.citation) if self.citations else row

    def __contains__(self, key):
        try:
            self[key]
        except KeyError:
            return False
        return True


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _party(p: DisputeParty, *, with_address: bool) -> dict:
    """A party as a document prints it: name and side; the address only on documents that need it; never an ID
    number, a phone number or a credit code."""
    row = {"side": p.side, "side_label": SIDE_CN.get(p.side, ""), "occupation": p.occupation,
           "work_unit": p.work_unit, "address": "", "legal_rep": "", "agent": None}
    if p.employer_id:
        row.update(kind="employer", name=p.employer.name, legal_rep=p.employer.legal_rep_name)
        if with_address:
            row["address"] = p.employer.address
    else:
        row.update(kind="person", name=p.person.name if p.person_id else "")
        if with_address and p.person_id:
            row["address"] = p.person.address
    if p.agent_id:
        row["agent"] = {"name": p.agent.name, "scope": p.agent_scope}
    return row


def _claims(case: DisputeCase) -> list[dict]:
    return [{"category": CLAIM_CN.get(it.category, it.category), "period_start": it.period_start,
             "period_end": it.period_end, "amount": it.amount_claimed} for it in case.items.order_by("id")]


def _award_items(award) -> list[dict]:
    return [{"category": AWARD_CATEGORY_CN.get(i.category, i.category), "description": i.description,
             "amount": i.amount, "granted": i.granted, "finality": FINALITY_CN.get(i.finality or award.finality, ""),
             "reasons": i.reasons} for i in award.items.order_by("id")]


def _award_context(award) -> dict:
    return {
        "award_no": award.award_no, "finality": award.finality, "award_date": award.award_date,
        "facts": award.facts, "reasons": award.reasons, "rights_notice": award.rights_notice,
        "dissent_text": award.dissent_text if award.dissent else "", "decided_by_presiding":
        award.decided_by_presiding, "partial": award.partial, "cap_amount": award.cap_amount,
        "min_wage_monthly": award.min_wage_monthly, "min_wage_source": award.min_wage_source,
        "award_items": _award_items(award),
    }


def _hearing_context(hearing) -> dict:
    corrections = [{"party": SIDE_CN.get(c.party.side, "") + " " + _party(c.party, with_address=False)["name"],
                    "request_text": c.request_text, "granted": c.granted, "reason": c.reason}
                   for c in hearing.corrections.select_related("party__person", "party__employer").order_by("id")]
    signatures = [{"who": SIGNER_CN.get(s.who, s.who), "name": s.name, "signed": s.signed,
                   "refusal_note": s.refusal_note} for s in hearing.signatures.order_by("id")]
    return {"hearing_at": hearing.starts_at, "hearing_place": hearing.place,
            "hearing_public": hearing.public, "record_text": hearing.record_text, "corrections": corrections,
            "signatures": signatures, "applicant_present": hearing.applicant_present,
            "respondent_present": hearing.respondent_present}


def default_title(case: DisputeCase, kind: str, context: dict | None = None) -> str:
    """The Chinese title a document of ``kind`` carries unless the caller gives one. An award says 终局裁决书 when
    its finality (``context["finality"]`` or ``context["award"].finality``) is final (SPC Interp. I 18: the award
    is what its document states)."""
    context = context or {}
    if kind == K.AWARD:
        award = context.get("award")
        finality = context.get("finality") or getattr(award, "finality", "")
        return "终局裁决书" if finality == "final" else TITLES[K.AWARD]
    if kind == K.RECEIPT:
        return ("仲裁申请" if case.track == Track.ARBITRATION else "调解申请") + TITLES[K.RECEIPT]
    return TITLES[K(kind)]


def document_context(case: DisputeCase, kind: str, *, doc_no: str, issued_on: dt.date, audience: str,
                     title: str | None = None, extra: dict | None = None) -> dict:
    """What every template may print, built from the case, with ``extra`` (the caller's context) laid over it."""
    extra = dict(extra or {})
    with_address = kind in ADDRESS_KINDS
    parties = [_party(p, with_address=with_address)
               for p in case.parties.select_related("person", "employer", "agent").order_by("side", "id")]
    org = case.commission if case.track == Track.ARBITRATION and case.commission_id else None
    body = case.body if case.body_id else None
    if org is not None:
        org_name, org_address = org.name, org.address
    elif body is not None:
        org_name, org_address = body.name, getattr(body.region, "name_zh", "")
    else:  # pragma: no cover - the database constraint requires one of them
        org_name, org_address = "", ""
    claims = _claims(case)
    members = sorted(case.tribunal.filter(active=True).select_related("arbitrator"),
                     key=lambda m: (m.role == TribunalMember.Role.MEMBER, m.id))  # the presiding arbitrator first
    tribunal = [{"name": _user_name(m.arbitrator), "role": m.role, "role_label": ROLE_CN.get(m.role, "")}
                for m in members]
    ctx = {
        "kind": kind, "doc_no": doc_no, "issued_on": issued_on, "audience": audience,
        "is_internal": audience == CaseDocument.Audience.INTERNAL,
        "case_number": case.case_number, "docket_no": case.docket_no, "track": case.track,
        "is_arbitration": case.track == Track.ARBITRATION, "procedure": case.procedure,
        "collective": case.procedure == DisputeCase.Procedure.COLLECTIVE, "workers_count": case.workers_count,
        "org_name": org_name, "org_address": org_address,
        "commission_name": org.name if org else "", "body_name": body.name if body else "",
        "court_name": org.court_name if org else "", "basic_court_name": org.basic_court_name if org else "",
        "parties": parties,
        "applicants": [p for p in parties if p["side"] == DisputeParty.Side.APPLICANT],
        "respondents": [p for p in parties if p["side"] == DisputeParty.Side.RESPONDENT],
        "thirds": [p for p in parties if p["side"] == DisputeParty.Side.THIRD],
        "applicant_name": "、".join(p["name"] for p in parties if p["side"] == DisputeParty.Side.APPLICANT),
        "respondent_name": "、".join(p["name"] for p in parties if p["side"] == DisputeParty.Side.RESPONDENT),
        "with_address": with_address,
        "items": claims, "total_claimed": sum((c["amount"] for c in claims), Decimal("0")),
        "claims_text": case.claims_text, "received_at": case.received_at, "accepted_at": case.accepted_at,
        "complete_at": case.complete_at, "not_accepted_at": case.not_accepted_at,
        "refusal_reason": case.refusal_reason, "competent_commission": case.competent_commission,
        "missing_items": case.supplement_items, "supplement_notice_at": case.supplement_notice_at,
        "hearing_private_requested": case.hearing_private_requested, "defence_text": case.defence_text,
        "tribunal": tribunal, "presiding_name": next((m["name"] for m in tribunal if m["role"] != "member"), ""),
        "rules": _Rules(issued_on, citations=False), "law": _Rules(issued_on, citations=True),
        "cjk_family": CJK_FAMILY, "tibetan_family": TIBETAN_FAMILY,
    }
    if kind in (K.HEARING_NOTICE, K.HEARING_RECORD, K.AWARD):
        hearings = case.hearings.order_by("-starts_at", "-id")
        if kind == K.AWARD:  # the award tells when the case was heard
            hearings = hearings.filter(status=Hearing.Status.HELD)
        hearing = extra.get("hearing") or hearings.first()
        if hearing is not None:
            ctx.update(_hearing_context(hearing))
    if kind in (K.MEDIATION_AGREEMENT,) and hasattr(case, "agreement"):
        a = case.agreement
        ctx.update(terms=a.text, total_amount=a.total_amount, signed_on=a.signed_on, effective_on=a.effective_on,
                   instalments=[{"seq": i.seq, "due_on": i.due_on, "amount": i.amount}
                                for i in a.instalments.order_by("seq")])
    if kind == K.AWARD and extra.get("award") is not None:
        ctx.update(_award_context(extra["award"]))
    if kind == K.SERVICE_RECORD and extra.get("service") is not None:
        s = extra["service"]
        ctx.update(served_document=TITLES.get(s.doc_kind, ""), served_doc_no=s.document.doc_no if s.document_id
                   else "", recipient=_party(s.party, with_address=False)["name"], recipient_side=SIDE_CN.get(
                       s.party.side, ""), method=SERVICE_METHOD_CN.get(s.method, s.method), sent_on=s.sent_on,
                   served_on=s.served_on, refused_to_sign=s.refused_to_sign, note=s.note)
    ctx.update(extra)
    ctx["title"] = title or extra.get("title") or default_title(case, kind, ctx)
    if kind == K.AWARD:
        ctx["is_final"] = ctx.get("finality") == "final"
        ctx["finality_label"] = FINALITY_CN.get(ctx.get("finality"), "")
    return ctx


def document_html(kind: str, context: dict) -> str:
    """The HTML of a document (for the PDF, and for a preview)."""
    return _engine().get_template(f"disputes/docs/{kind}.html").render(Context(context, autoescape=True))


# --- the service --------------------------------------------------------------------------------------------------

@transaction.atomic
def document_issue(case, kind: str, *, user=None, audience: str = CaseDocument.Audience.MAIN,
                   context: dict | None = None, title: str | None = None, doc_no: str | None = None) -> CaseDocument:
    """Render document ``kind`` (a CaseDocument.Kind) for ``case`` from the case data plus ``context`` (the
    caller's keys win), number it (``next_doc_no`` unless ``doc_no`` is given), store the PDF privately with its
    SHA-256 and size, and return the CaseDocument row, issued by ``user``, in the main file (正卷) unless
    ``audience`` is "internal" (副卷). Records the timeline event ``document_issued`` (public for the main file).
    Atomic: a rendering error leaves nothing behind (no row, no number used, no file)."""
    try:
        kind = CaseDocument.Kind(kind)
        audience = CaseDocument.Audience(audience)
    except ValueError:
        raise DomainError({"kind": [_("Unknown document kind or file: %(kind)s / %(audience)s.")
                                    % {"kind": kind, "audience": audience}]}) from None
    actor = user if getattr(user, "is_authenticated", False) else None
    with acting(actor):
        issued_at = timezone.now()
        issued_on = timezone.localdate(issued_at)
        number = doc_no or next_doc_no(case, kind)
        with translation.override("zh-hans"):  # a legal document is in Chinese whatever the clerk's interface
            ctx = document_context(case, kind, doc_no=number, issued_on=issued_on, audience=audience, title=title,
                                   extra=context)
            html = document_html(kind, ctx)
        data = render_pdf(html)
        doc = CaseDocument(case=case, kind=kind, doc_no=number, title=str(ctx["title"])[:200], audience=audience,
                           issued_at=issued_at, issued_by=actor, sha256=hashlib.sha256(data).hexdigest(),
                           size=len(data))
        doc.file.save(f"{kind}.pdf", ContentFile(data), save=False)
        try:
            save(doc, actor)
        except ValidationError as exc:
            doc.file.delete(save=False)
            raise DomainError(exc.message_dict) from exc
        except BaseException:
            doc.file.delete(save=False)
            raise
        event(case, "document_issued", user=actor, public=audience == CaseDocument.Audience.MAIN, kind=kind.value,
              doc_no=number, title=doc.title)
    return doc


# --- selectors ----------------------------------------------------------------------------------------------------

def documents_for_party(case: DisputeCase):
    """The documents a party may see and download: the main file (正卷) only (Rules 22-23; spec §14)."""
    return case.documents.filter(audience=CaseDocument.Audience.MAIN).order_by("issued_at", "id")


def documents_for_staff(user, case: DisputeCase):
    """Every document of the case (main and internal file) for staff who may view the case; none otherwise."""
    if not can_view(user, case):
        return CaseDocument.objects.none()
    return case.documents.order_by("issued_at", "id")


def document_for_download(*, user=None, case: DisputeCase, doc_id: int, as_party: bool) -> CaseDocument:
    """The document ``doc_id`` of ``case`` for download. As a party (``as_party``): only the main file; an internal
    document raises NotAllowed; when ``user`` is given (a party account) it must act for a party of the case (with
    no user, the caller has checked the access code). As staff: ``user`` must be able to view the case. A document
    that is not in this case raises CaseDocument.DoesNotExist (a 404 for the interfaces)."""
    doc = case.documents.filter(pk=doc_id).first()
    if doc is None:
        raise CaseDocument.DoesNotExist(f"no document {doc_id} in case {case.case_number}")
    if as_party:
        if getattr(user, "is_authenticated", False) and party_of(user, case) is None:
            raise NotAllowed({"__all__": [_("You do not act for a party of this case.")]})
        if doc.audience != CaseDocument.Audience.MAIN:
            raise NotAllowed({"__all__": [_(
                "This document belongs to the internal file (副卷): the parties may read and copy the main file "
                "(正卷) only (《劳动人事争议仲裁办案规则》第二十二条、第二十三条).")]})
        return doc
    if user is None or not can_view(user, case):
        raise NotAllowed({"__all__": [_("You have no access to this case's documents.")]})
    return doc


def document_text(doc: CaseDocument) -> str:
    """The text of a stored document (for tests and for search)."""
    with doc.file.open("rb") as fh:
        return pdf_text(fh.read())
