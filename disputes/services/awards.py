"""Awards (裁决) and what follows them: finality per item, one document per finality class, the parties' rights,
service, the periods to go to court, the award taking effect, court actions and closing the file (spec §6.4,
§12.7).

Law implemented here:
- LDMAL art. 47, Arbitration Rules art. 50, SPC Interp. I arts. 18-20: each item is final or non-final on its own
  (per item, never on the total), against 12 × the local monthly minimum wage; final and non-final items go into
  separate award documents (Rules 50 ¶4) and a document that mixes them is refused (SPC Interp. I 20: a court would
  treat the whole award as non-final).
- LDMAL arts. 31, 45-46: the award is made by the tribunal (majority; without one, the presiding arbitrator's
  opinion); the minority opinion is recorded. Only the sitting presiding or sole arbitrator records it here, and not
  while a recusal request against them is undecided (Rules 12).
- LDMAL art. 43 ¶2, Rules 49: a partial award (先行裁决) on facts already clear.
- Rules 53: what an award states, including the parties' rights (the remedies), printed per finality class from
  the rule table (ARB-SUE-WORKER, ARB-REVOKE, ARB-SUE-NONFINAL...): no period is written into the code.
- LDMAL arts. 47-51, SPC Interp. I arts. 16, 17, 21: a final award is effective the day it is made; the worker may
  sue within 15 days of receipt; the employer may apply to the intermediate court to revoke within 30 days on the
  six grounds of art. 49, but not while the worker's suit is pending; a non-final award takes effect when nobody
  sues in time, a suit over part of it stops all of it, and with several workers it takes effect for those who did
  not sue.
- Rules 24: the file of a case closed by award is kept ARB-RETENTION-AWARD years.

Design choices (documented, not law):
- A dismissed item (``granted`` false) is listed in its document and classified like any other item, on the
  amount entered for it: a money claim dismissed in full is entered as 0 (final: 0 does not exceed the cap); left
  without an amount it cannot be tested against the cap and is non-final. The system does not guess.
- A suit filed after its period is recorded and flagged ``late``: whether it is heard is for the court. A late
  application to revoke is refused (LDMAL 49 makes the period a condition of the application).
- Any suit against a non-final award on record stops it taking effect (the court decides on late ones); with
  several workers, suits recorded without naming the worker stop it for all of them.
- Award numbers: the case's docket number given on acceptance (拉劳人仲案字〔2025〕7号), with 之一, 之二 when one
  decision makes two documents or the award is partial; a later award on the same case (after a partial award)
  continues the suffixes (之二, 之三...). A case without a docket number takes a fresh one from the commission's
  docket sequence.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from arrears.calculators import (CAPPED_CATEGORIES, FINAL, NON_FINAL, STANDARD_CATEGORIES, classify_award_item,
                                 final_award_cap, minimum_wage_on, money)
from arrears.models import ArrearsLineItem
from casework.audit import acting
from casework.errors import Conflict, DomainError, NotAllowed
from casework.services.config import MissingConfiguration, param, rule
from casework.services.common import plain_citation

from ..access import can_handle, is_sitting_arbitrator
from ..models import (AwardCategory, AwardDocument, AwardItem, CaseDocument, CourtAction, DisputeCase, DisputeEvent,
                      DisputeParty, DisputeState as S, Finality, RecusalRequest, ServiceRecord, TribunalMember)
from ..reference_data import LDMAL, RULES_ARB, SPC_I
from .common import cite, close_dl, due, event, lock, next_docket_no, refuse_fee_fields, require_state, save
from .common import today as _today

__all__ = [
    "award_reference_date", "award_cap_basis", "award_preview", "award_issue", "rights_notice_text", "party_role",
    "award_served", "award_windows", "award_effective_sweep", "court_action_record", "court_action_outcome",
    "post_award_close", "CapBasis", "REVOCATION_GROUNDS",
]

ONE_DAY = dt.timedelta(days=1)

# LDMAL art. 49 ¶1: the six grounds on which the employer may apply to revoke a final award.
REVOCATION_GROUNDS = [
    "适用法律、法规确有错误的",
    "劳动争议仲裁委员会无管辖权的",
    "违反法定程序的",
    "裁决所根据的证据是伪造的",
    "对方当事人隐瞒了足以影响公正裁决的证据的",
    "仲裁员在仲裁该案时有索贿受贿、徇私舞弊、枉法裁决行为的",
]

FINALITY_ZH = {FINAL: "终局裁决", NON_FINAL: "非终局裁决"}
ROLE_ZH = {TribunalMember.Role.PRESIDING: "首席仲裁员", TribunalMember.Role.MEMBER: "仲裁员",
           TribunalMember.Role.SOLE: "独任仲裁员"}
SIDE_ZH = {DisputeParty.Side.APPLICANT: "申请人", DisputeParty.Side.RESPONDENT: "被申请人",
           DisputeParty.Side.THIRD: "第三人"}
CATEGORY_ZH = {
    "wages": "劳动报酬", "injury_medical": "工伤医疗费", "compensation": "经济补偿", "damages": "赔偿金",
    "working_time": "工作时间", "rest_leave": "休息休假", "social_insurance": "社会保险",
    "relationship": "确认劳动关系", "contract": "劳动合同或解除、终止的效力", "other": "其他",
}

WORKER, EMPLOYER = "worker", "employer"


# --- small helpers ------------------------------------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九"


def _zh_num(n: int) -> str:
    """Chinese numerals for the periods printed in the notices (15 → 十五, 30 → 三十, 110 → 一百一十)."""
    if n < 0 or n >= 1000:
        return str(n)
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    text = _ZH_DIGITS[hundreds] + "百"
    if rest == 0:
        return text
    if rest < 10:
        return text + "零" + _ZH_DIGITS[rest]
    tens, ones = divmod(rest, 10)
    return text + _ZH_DIGITS[tens] + "十" + (_ZH_DIGITS[ones] if ones else "")


def _zh_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _worker_side(case: DisputeCase) -> str:
    return (DisputeParty.Side.APPLICANT if case.applicant_side == DisputeCase.ApplicantSide.WORKER
            else DisputeParty.Side.RESPONDENT)


def _employer_side(case: DisputeCase) -> str:
    return (DisputeParty.Side.RESPONDENT if case.applicant_side == DisputeCase.ApplicantSide.WORKER
            else DisputeParty.Side.APPLICANT)


def party_role(case: DisputeCase, party: DisputeParty) -> str:
    """Whose remedies a party has: "employer" (an employer entity, or anyone on the employer's side, such as an
    individual contractor sued with it: LDMAL 22, Rules 6-7) or "worker" (a person on the worker's side, or a
    person joined as a third party)."""
    if party.employer_id or party.side == _employer_side(case):
        return EMPLOYER
    return WORKER


def _party_name(party: DisputeParty) -> str:
    return party.person.name if party.person_id else party.employer.name


def _party_label(party: DisputeParty) -> str:
    return f"{party.get_side_display()} {_party_name(party)}"


def _require_handler(user, case: DisputeCase):
    if not can_handle(user, case):
        raise NotAllowed(_("You do not handle this case."))


# --- the cap ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CapBasis:
    """What the final-award cap of one award was computed from (printed on the award, shown on the page)."""

    award_date: dt.date
    reference_date: dt.date
    reference: str            # "award_date" or "received"
    standard: object          # arrears.models.MinimumWageStandard
    months: Decimal
    cap: Decimal

    @property
    def source(self) -> str:
        s = self.standard
        return f"{plain_citation(s.source_doc)}（{s.region_code}，{s.effective_from.isoformat()}起）"[:255]


def award_reference_date(case: DisputeCase, award_date: dt.date) -> dt.date:
    """The date whose minimum wage sets the cap (spec §3: the texts do not say; configurable, default the award
    date). Legal parameter ``arbitration.final_cap_reference`` in force on the award date: 0 = the award date,
    1 = the date the application was received (the completion date when materials were supplemented)."""
    mode = param("arbitration.final_cap_reference", on=award_date, region_code=case.region_id)
    if mode == 0:
        return award_date
    if mode == 1:
        return case.complete_at or case.received_at
    raise MissingConfiguration(_("Configuration error: legal parameter arbitration.final_cap_reference must be 0 "
                                 "(award date) or 1 (date received), not %(value)s.") % {"value": mode})


def award_cap_basis(case: DisputeCase, award_date: dt.date) -> CapBasis:
    """The per-item cap of LDMAL art. 47(1): ``arbitration.final_cap_months`` (12) × the monthly minimum wage of the
    case's place on the reference date."""
    reference_date = award_reference_date(case, award_date)
    standard = minimum_wage_on(case.region_id, reference_date)
    months = param("arbitration.final_cap_months", on=award_date, region_code=case.region_id)
    reference = "award_date" if reference_date == award_date else "received"
    return CapBasis(award_date=award_date, reference_date=reference_date, reference=reference, standard=standard,
                    months=months, cap=final_award_cap(standard.monthly_yuan, months))


def _why(item: dict, cap: Decimal) -> str:
    """One line saying why an item is final or not (for the page)."""
    cat, amount = item["category"], item["amount"]
    if cat in CAPPED_CATEGORIES:
        if amount is None:
            return _("No amount: it cannot be tested against the cap, so it is not final (LDMAL art. 47(1)).")
        if amount <= cap:
            return _("%(amount)s yuan does not exceed the cap of %(cap)s yuan: final (LDMAL art. 47(1)).") % {
                "amount": amount, "cap": cap}
        return _("%(amount)s yuan exceeds the cap of %(cap)s yuan: not final (LDMAL art. 47(1)).") % {
            "amount": amount, "cap": cap}
    if cat in STANDARD_CATEGORIES:
        if item["national_standard_dispute"]:
            return _("A dispute over applying national working-time, rest or social-insurance standards: final "
                     "whatever the amount (LDMAL art. 47(2)).")
        return _("Not a dispute over applying national standards: not final (LDMAL art. 47(2)).")
    return _("Not an item LDMAL art. 47 makes final: not final.")


# --- items --------------------------------------------------------------------------------------------------------

def _amount(value, where: str, errors: dict):
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return None
    try:
        amount = money(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(where, []).append(_("Enter an amount in yuan."))
        return None
    if amount < 0:
        errors.setdefault(where, []).append(_("An awarded amount cannot be negative."))
    return amount


def _clean_items(case: DisputeCase, items) -> list[dict]:
    """Validate and normalise the award items; every problem is reported at once (field ``items.<n>.<key>``)."""
    if not items:
        raise DomainError({"items": [_("List at least one award item: an award states the result on each claim "
                                       "(《劳动人事争议仲裁办案规则》第五十三条).")]})
    errors: dict[str, list[str]] = {}
    claims = {c.pk: c for c in ArrearsLineItem.objects.filter(dispute=case)}
    decided = dict(AwardItem.objects.filter(case=case, claim__isnull=False, award__isnull=False)
                   .values_list("claim_id", "award__award_no"))
    seen_claims: set[int] = set()
    cleaned = []
    for i, raw in enumerate(items):
        p = f"items.{i}"
        if not isinstance(raw, dict):
            raise DomainError({p: [_("An award item must give its category, description and amount.")]})
        refuse_fee_fields(raw)
        category = str(raw.get("category") or "")
        if category not in AwardCategory.values:
            errors.setdefault(f"{p}.category", []).append(_("Unknown category “%(c)s”.") % {"c": category})
        description = str(raw.get("description") or "").strip()
        if not description:
            errors.setdefault(f"{p}.description", []).append(_("Say what the item is."))
        amount = _amount(raw.get("amount"), f"{p}.amount", errors)
        granted = bool(raw.get("granted", True))
        if granted and category in CAPPED_CATEGORIES and amount is None and f"{p}.amount" not in errors:
            errors.setdefault(f"{p}.amount", []).append(
                _("A granted money item needs the amount awarded: the final-award test is on each item's amount "
                  "(《劳动人事争议仲裁办案规则》第五十条)."))
        claim = None
        claim_id = raw.get("claim_id")
        if claim_id not in (None, ""):
            try:
                claim = claims.get(int(claim_id))
            except (TypeError, ValueError):
                claim = None
            if claim is None:
                errors.setdefault(f"{p}.claim_id", []).append(_("This claim is not one of this case's claims."))
            elif claim.pk in seen_claims:
                errors.setdefault(f"{p}.claim_id", []).append(_("Two items decide the same claim."))
            elif claim.pk in decided:
                errors.setdefault(f"{p}.claim_id", []).append(
                    _("This claim was already decided by award %(no)s; an omission or error is put right by a "
                      "correction decision (《劳动人事争议仲裁办案规则》第五十四条).") % {"no": decided[claim.pk]})
            else:
                seen_claims.add(claim.pk)
                if amount is not None and amount > claim.amount_claimed:
                    errors.setdefault(f"{p}.amount", []).append(
                        _("The amounts do not add up: the item awards %(amount)s yuan but the claim asked for "
                          "%(claimed)s yuan. The tribunal decides within the claims (仲裁请求; "
                          "《劳动人事争议仲裁办案规则》第五十三条).") % {"amount": amount,
                                                                     "claimed": claim.amount_claimed})
        cleaned.append({
            "index": i, "category": category, "description": description[:255], "amount": amount,
            "granted": granted, "national_standard_dispute": bool(raw.get("national_standard_dispute", False)),
            "reasons": str(raw.get("reasons") or ""), "claim": claim,
        })
    if errors:
        raise DomainError(errors)
    return cleaned


def _classify(items: list[dict], cap: Decimal) -> None:
    for it in items:
        it["finality"] = classify_award_item(category=it["category"], amount=it["amount"],
                                             national_standard_dispute=it["national_standard_dispute"], cap=cap)


def _groups(items: list[dict], documents) -> list[list[dict]]:
    """Default: one document per finality class present, final first (Rules 50 ¶4). An explicit grouping must put
    every item in exactly one document and never mix the classes (SPC Interp. I art. 20)."""
    if documents is None:
        groups = [[it for it in items if it["finality"] == f] for f in (FINAL, NON_FINAL)]
        return [g for g in groups if g]
    n = len(items)
    groups, used = [], []
    for g, indexes in enumerate(documents):
        if not indexes:
            raise DomainError({"documents": [_("Document %(n)s has no items.") % {"n": g + 1}]})
        group = []
        for ix in indexes:
            if not isinstance(ix, int) or isinstance(ix, bool) or not 0 <= ix < n:
                raise DomainError({"documents": [_("Document %(n)s lists an item that does not exist (%(ix)s).")
                                                 % {"n": g + 1, "ix": ix}]})
            used.append(ix)
            group.append(items[ix])
        groups.append(group)
    if sorted(used) != list(range(n)):
        raise DomainError({"documents": [_("Every item must be in exactly one award document.")]})
    for g, group in enumerate(groups):
        if len({it["finality"] for it in group}) > 1:
            raise DomainError({"documents": [_(
                "Document %(n)s would mix final and non-final items. A mixed award is treated as wholly non-final "
                "when a party sues (%(spc)s第二十条), so final and non-final items must be made into separate award "
                "documents (《劳动人事争议仲裁办案规则》第五十条).") % {"n": g + 1, "spc": SPC_I}]})
    return groups


# --- rights notices -----------------------------------------------------------------------------------------------

def _days(rule_id: str, on: dt.date) -> tuple[str, str]:
    r = rule(rule_id, on=on)
    return _zh_num(r.n), cite(r)


def rights_notice_text(case: DisputeCase, finality: str, *, on: dt.date) -> str:
    """The parties' rights (Rules 53) printed on an award of class ``finality``, in Chinese; every period and its
    citation come from the rule table in force on ``on`` (the award date). The award prints its finality (and,
    for a final award, that it is effective the day it is made) itself, above this text."""
    commission = case.commission
    basic = (f"{commission.basic_court_name}或者其他有管辖权的基层人民法院"
             if commission and commission.basic_court_name else "有管辖权的基层人民法院")
    intermediate = (commission.court_name if commission and commission.court_name
                    else "本仲裁委员会所在地的中级人民法院")
    enforce = (f"一方当事人逾期不履行发生法律效力的裁决的，另一方当事人可以依照民事诉讼法的有关规定向人民法院申请执行"
               f"（{LDMAL}第五十一条）。")
    if finality == FINAL:
        sue_n, sue_cite = _days("ARB-SUE-WORKER", on)
        rev_n, rev_cite = _days("ARB-REVOKE", on)
        after_suit_n, after_suit_cite = _days("ARB-REVOKE-AFTER-SUIT", on)
        after_rev_n, after_rev_cite = _days("ARB-SUE-AFTER-REVOKE", on)
        grounds = "".join(f"（{_zh_num(i)}）{g}；" for i, g in enumerate(REVOCATION_GROUNDS, start=1))[:-1] + "。"
        return "\n".join([
            f"一、劳动者对本裁决不服的，可以自收到本裁决书之日起{sue_n}日内向{basic}提起诉讼（{sue_cite}）。",
            f"二、用人单位有证据证明本裁决有下列情形之一的，可以自收到本裁决书之日起{rev_n}日内向{intermediate}申请撤销裁决"
            f"（{rev_cite}）：{grounds}",
            f"三、劳动者已向人民法院提起诉讼的，诉讼期间用人单位申请撤销本裁决，人民法院不予受理；劳动者的起诉被驳回或者劳动者撤诉的，"
            f"用人单位可以自收到裁定书之日起{after_suit_n}日内申请撤销本裁决（{after_suit_cite}）。",
            f"四、本裁决被人民法院裁定撤销的，当事人可以自收到裁定书之日起{after_rev_n}日内就该劳动争议事项向人民法院提起诉讼"
            f"（{after_rev_cite}）。",
            f"五、{enforce}",
        ])
    sue_n, sue_cite = _days("ARB-SUE-NONFINAL", on)
    lines = [
        f"一、当事人对本裁决不服的，可以自收到本裁决书之日起{sue_n}日内向有管辖权的人民法院提起诉讼；期满不起诉的，本裁决书发生"
        f"法律效力（{sue_cite}）。",
        f"二、当事人对本裁决中的部分事项不服，依法提起诉讼的，本裁决全部不发生法律效力（{SPC_I}第十六条）。",
    ]
    if case.workers_count > 1 or case.parties.filter(side=_worker_side(case), person__isnull=False).count() > 1:
        lines.append(f"三、部分劳动者对本裁决不服，依法提起诉讼的，本裁决对提起诉讼的劳动者不发生法律效力，对未提起诉讼的劳动者"
                     f"发生法律效力（{SPC_I}第十七条）。")
    lines.append(f"{_zh_num(len(lines) + 1)}、{enforce}")
    return "\n".join(lines)


# --- preview and issue --------------------------------------------------------------------------------------------

def award_preview(*, case: DisputeCase, award_date: dt.date, items: list[dict]) -> dict:
    """What ``award_issue`` would make of these items, without saving anything (spec §6.4, for the award page):
    each item's finality and why, the cap, the minimum wage used and its source, and how many award documents
    will be issued. Refuses invalid items exactly as ``award_issue`` does."""
    basis = award_cap_basis(case, award_date)
    cleaned = _clean_items(case, items)
    _classify(cleaned, basis.cap)
    classes = [f for f in (FINAL, NON_FINAL) if any(it["finality"] == f for it in cleaned)]
    decided = set(AwardItem.objects.filter(case=case, claim__isnull=False).values_list("claim_id", flat=True))
    covered = {it["claim"].pk for it in cleaned if it["claim"]} | decided
    return {
        "award_date": award_date,
        "reference_date": basis.reference_date,
        "reference": basis.reference,
        "min_wage_monthly": basis.standard.monthly_yuan,
        "min_wage_region": basis.standard.region_code,
        "min_wage_effective_from": basis.standard.effective_from,
        "min_wage_source": basis.source,
        "cap_months": basis.months,
        "cap": basis.cap,
        "items": [{
            "index": it["index"], "category": it["category"],
            "category_label": str(AwardCategory(it["category"]).label), "description": it["description"],
            "amount": it["amount"], "granted": it["granted"],
            "national_standard_dispute": it["national_standard_dispute"],
            "claim_id": it["claim"].pk if it["claim"] else None, "finality": it["finality"],
            "finality_label": str(Finality(it["finality"]).label), "why": _why(it, basis.cap),
        } for it in cleaned],
        "finalities": classes,
        "documents": len(classes),
        "claims_not_covered": sorted(set(ArrearsLineItem.objects.filter(dispute=case)
                                         .values_list("pk", flat=True)) - covered),
    }


def _tribunal(case: DisputeCase) -> list[TribunalMember]:
    members = case.tribunal.filter(active=True).select_related("arbitrator").order_by("id")
    return sorted(members, key=lambda m: m.role == TribunalMember.Role.MEMBER)  # presiding (or sole) first


def _arbitrator_name(user) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def _parties_context(case: DisputeCase) -> dict:
    rows = {DisputeParty.Side.APPLICANT: [], DisputeParty.Side.RESPONDENT: [], DisputeParty.Side.THIRD: []}
    for p in case.parties.select_related("person", "employer", "agent"):
        rows[p.side].append({
            "side": p.side, "side_zh": SIDE_ZH[p.side], "name": _party_name(p), "role": party_role(case, p),
            "occupation": p.occupation, "work_unit": p.work_unit,
            "address": p.employer.address if p.employer_id else "",
            "legal_rep": p.employer.legal_rep_name if p.employer_id else "",
            "agent": p.agent.name if p.agent_id else "", "agent_scope": p.agent_scope,
        })
    return {"applicants": rows[DisputeParty.Side.APPLICANT], "respondents": rows[DisputeParty.Side.RESPONDENT],
            "third_parties": rows[DisputeParty.Side.THIRD]}


def _award_numbers(case: DisputeCase, count: int, award_date: dt.date, partial: bool) -> list[str]:
    """The numbers of the ``count`` documents one decision makes: the case's docket number, with 之一, 之二... when
    there are several, when the case already has an award, or for a partial award (more will follow)."""
    base = case.docket_no or next_docket_no(case, year=award_date.year)
    earlier = case.awards.count()
    if count == 1 and earlier == 0 and not partial:
        numbers = [base]
    else:
        numbers = [f"{base}之{_zh_num(earlier + i)}" for i in range(1, count + 1)]
    taken = list(AwardDocument.objects.filter(award_no__in=numbers).values_list("award_no", flat=True))
    if taken:
        raise Conflict(_("Award number %(no)s is already taken.") % {"no": ", ".join(taken)})
    return numbers


def _require_issuer(case: DisputeCase, user) -> None:
    roles = [TribunalMember.Role.PRESIDING, TribunalMember.Role.SOLE]
    if not is_sitting_arbitrator(user, case, roles=roles):
        raise NotAllowed(_("Only the sitting presiding or sole arbitrator of this case records its award "
                           "(%(ldmal)s第三十一条、第四十五条).") % {"ldmal": LDMAL})
    if RecusalRequest.objects.filter(case=case, member__arbitrator=user, member__active=True,
                                     decided_on__isnull=True).exists():
        raise DomainError(_("A recusal request against you in this case is undecided: you cannot act on the case "
                            "until it is decided (%(rules)s第十二条).") % {"rules": RULES_ARB})


@transaction.atomic
def award_issue(*, case: DisputeCase, user, award_date: dt.date, items: list[dict], facts: str, reasons: str,
                dissent_text: str = "", decided_by_presiding: bool = False, partial: bool = False,
                documents: list[list[int]] | None = None) -> list[AwardDocument]:
    """Make the award (LDMAL arts. 43, 45-47; Rules 49-50, 53): classify each item, issue one award document per
    finality class (or per explicit group, never mixing classes), print the rights that apply to each, render and
    link the PDFs, close the award deadline (met or late) and set the case ARB_AWARDED. A partial award (先行裁决,
    ``partial``) may be made once the case is accepted; it leaves the state and the award deadline as they are.
    A final award is effective on the award date (LDMAL 47); a non-final one waits for the periods to pass."""
    with acting(user):
        case = lock(case, "commission")
        _require_issuer(case, user)
        allowed = [S.ARB_ACCEPTED, S.ARB_HEARING_SCHEDULED, S.ARB_HEARD] if partial else [S.ARB_HEARD]
        require_state(case, *allowed, message=(
            _("A partial award (先行裁决) can be made only in an accepted case not yet decided (%(ldmal)s第四十三条): "
              "the case is “%(state)s”.") if partial else
            _("The award is made after the hearing (%(ldmal)s第四十三条、第四十五条): the case is “%(state)s”."))
            % {"ldmal": LDMAL, "state": case.get_state_display()})
        errors: dict[str, list[str]] = {}
        if case.accepted_at is None:
            errors.setdefault("award_date", []).append(_("The case has no acceptance date."))
        elif award_date < case.accepted_at:
            errors.setdefault("award_date", []).append(
                _("The award date cannot be before the case was accepted (%(date)s).") % {"date": case.accepted_at})
        if award_date > _today():
            errors.setdefault("award_date", []).append(_("The award date cannot be in the future."))
        if not (facts or "").strip():
            errors.setdefault("facts", []).append(_("State the facts found (%(rules)s第五十三条).")
                                                  % {"rules": RULES_ARB})
        if not (reasons or "").strip():
            errors.setdefault("reasons", []).append(_("State the reasons (%(rules)s第五十三条).")
                                                    % {"rules": RULES_ARB})
        tribunal = _tribunal(case)
        sole = any(m.role == TribunalMember.Role.SOLE for m in tribunal)
        dissent_text = (dissent_text or "").strip()
        if sole and dissent_text:
            errors.setdefault("dissent_text", []).append(
                _("A sole arbitrator has no minority to record (%(ldmal)s第四十五条).") % {"ldmal": LDMAL})
        if sole and decided_by_presiding:
            errors.setdefault("decided_by_presiding", []).append(
                _("Only a three-member tribunal can lack a majority (%(ldmal)s第四十五条).") % {"ldmal": LDMAL})
        if errors:
            raise DomainError(errors)

        basis = award_cap_basis(case, award_date)
        cleaned = _clean_items(case, items)
        _classify(cleaned, basis.cap)
        groups = _groups(cleaned, documents)

        numbers = _award_numbers(case, len(groups), award_date, partial)
        notices = {f: rights_notice_text(case, f, on=award_date) for f in {g[0]["finality"] for g in groups}}
        parties = _parties_context(case)
        arbitrators = [{"name": _arbitrator_name(m.arbitrator), "role": m.role, "role_zh": ROLE_ZH[m.role]}
                       for m in tribunal]
        claims = [{"id": c.pk, "category": c.category, "category_label": str(c.get_category_display()),
                   "period_start": c.period_start, "period_end": c.period_end, "amount_claimed": c.amount_claimed}
                  for c in ArrearsLineItem.objects.filter(dispute=case).order_by("id")]

        made: list[tuple[AwardDocument, list[AwardItem]]] = []
        for award_no, group in zip(numbers, groups):
            finality = group[0]["finality"]
            award = save(AwardDocument(
                case=case, award_no=award_no, finality=finality, award_date=award_date,
                reference_date=basis.reference_date, min_wage_monthly=basis.standard.monthly_yuan,
                min_wage_source=basis.source, cap_amount=basis.cap, facts=facts.strip(), reasons=reasons.strip(),
                rights_notice=notices[finality], dissent=bool(dissent_text), dissent_text=dissent_text,
                decided_by_presiding=decided_by_presiding, partial=partial, issued_by=user,
                effective_on=award_date if finality == FINAL else None), user)
            rows = [save(AwardItem(case=case, award=award, claim=it["claim"], category=it["category"],
                                   description=it["description"], amount=it["amount"], granted=it["granted"],
                                   national_standard_dispute=it["national_standard_dispute"],
                                   reasons=it["reasons"], finality=finality), user) for it in group]
            made.append((award, rows))
        awards = [a for a, _rows in made]
        for award, rows in made:
            _render(case, award, rows, user=user, basis=basis, parties=parties, arbitrators=arbitrators,
                    claims=claims, siblings=[a.award_no for a in awards if a is not award])
        if not partial:
            close_dl(case, "ARB-AWARD", on=award_date)
            case.state = S.ARB_AWARDED
            save(case, user)
        event(case, "award_issued", user=user, partial=partial, award_date=award_date,
              awards=[{"id": a.pk, "award_no": a.award_no, "finality": a.finality} for a in awards],
              cap=str(basis.cap), reference_date=basis.reference_date)
        return awards


def _render(case, award: AwardDocument, rows: list[AwardItem], *, user, basis: CapBasis, parties, arbitrators,
            claims, siblings):
    """Render the award's PDF (disputes.documents) and link it. The renderer builds the case's own context (the
    parties with their addresses, the claims, the tribunal) and the award's (from ``award``); what is passed here
    adds everything else the award prints, under keys that do not shadow the renderer's own."""
    from ..documents import document_issue

    lines = [{
        "no": i, "category": r.category, "category_label": str(AwardCategory(r.category).label),
        "category_zh": CATEGORY_ZH.get(r.category, r.category), "description": r.description, "amount": r.amount,
        "granted": r.granted, "result_zh": "支持" if r.granted else "不予支持",
        "national_standard_dispute": r.national_standard_dispute, "reasons": r.reasons, "finality": r.finality,
        "finality_zh": FINALITY_ZH[r.finality], "claim_id": r.claim_id,
    } for i, r in enumerate(rows, start=1)]
    granted_total = sum((r.amount for r in rows if r.granted and r.amount is not None), Decimal("0.00"))
    context = {
        "award": award, "award_no": award.award_no, "award_date": award.award_date,
        "award_date_zh": _zh_date(award.award_date), "effective_on": award.effective_on,
        "award_parties": parties, "claims": claims, "award_lines": lines, "granted_total": money(granted_total),
        "facts": award.facts, "reasons": award.reasons,
        "finality": award.finality, "finality_zh": FINALITY_ZH[award.finality],
        "finality_words": f"本裁决为{FINALITY_ZH[award.finality]}。",
        "finality_basis": (f"依据{LDMAL}第四十七条、{RULES_ARB}第五十条，单项裁决数额不超过当地月最低工资标准十二个月金额"
                           f"（{basis.cap}元；月最低工资标准{basis.standard.monthly_yuan}元，{basis.source}，"
                           f"以{_zh_date(basis.reference_date)}为准）的劳动报酬、工伤医疗费、经济补偿或者赔偿金事项，"
                           f"以及因执行国家劳动标准在工作时间、休息休假、社会保险等方面发生的争议事项，为终局裁决。"),
        "cap": basis.cap, "cap_months": basis.months, "reference_date": basis.reference_date,
        "rights_notice": award.rights_notice, "remedies": award.rights_notice.split("\n"),
        "arbitrators": arbitrators, "dissent": award.dissent,
        "dissent_words": "少数仲裁员的不同意见已记入笔录。" if award.dissent else "",
        "decided_by_presiding": award.decided_by_presiding,
        "decided_by_presiding_words": "仲裁庭不能形成多数意见，本裁决按照首席仲裁员的意见作出。"
        if award.decided_by_presiding else "",
        "partial": award.partial, "partial_words": "本裁决为先行裁决。" if award.partial else "",
        "sibling_awards": siblings,
    }
    if award.dissent:
        context["dissent_text"] = award.dissent_text
    doc = document_issue(case, CaseDocument.Kind.AWARD, user=user, context=context, doc_no=award.award_no)
    award.document = doc
    save(award, user)


# --- service and the periods to go to court -----------------------------------------------------------------------

def _served_on(award: AwardDocument) -> dict[int, dt.date]:
    """The first day each party received this award."""
    served: dict[int, dt.date] = {}
    if award.document_id is None:
        return served
    for party_id, on in (ServiceRecord.objects.filter(document_id=award.document_id, served_on__isnull=False)
                         .order_by("served_on").values_list("party_id", "served_on")):
        served.setdefault(party_id, on)
    return served


def _remedy(case: DisputeCase, award: AwardDocument, role: str) -> tuple[str, str, str]:
    """(court action kind, rule id, court) for a party of ``role`` against this award."""
    commission = case.commission
    if award.finality == FINAL:
        if role == EMPLOYER:
            return (CourtAction.Kind.REVOCATION, "ARB-REVOKE",
                    commission.court_name or _("the intermediate people's court where the commission sits"))
        return (CourtAction.Kind.SUIT, "ARB-SUE-WORKER",
                commission.basic_court_name or _("the basic people's court"))
    return CourtAction.Kind.SUIT, "ARB-SUE-NONFINAL", commission.basic_court_name or _("the people's court")


def award_windows(award: AwardDocument, *, today: dt.date | None = None) -> list[dict]:
    """Per party: which remedy they have against this award (LDMAL 48-50), counted from the day they received it,
    until the last day (calendar days rolled forward past rest days on the case's calendar, spec §2.2: received
    Fri 2025-08-01 → sue until Mon 2025-08-18, apply to revoke until Mon 2025-09-01), whether it is still open
    and whether it was used (a court action of that kind by that party, or by its side when no party was named)."""
    now = today or _today()
    case = award.case
    served = _served_on(award)
    actions = list(award.court_actions.all())
    rows = []
    for p in case.parties.select_related("person", "employer").order_by("side", "id"):
        role = party_role(case, p)
        kind, rule_id, court = _remedy(case, award, role)
        start = served.get(p.pk)
        until = due(start, rule_id, case.region_id) if start else None
        used = [a for a in actions if a.kind == kind and (a.party_id == p.pk
                                                            or (a.party_id is None and a.by_side == p.side))]
        rows.append({
            "party_id": p.pk, "party": _party_name(p), "side": p.side, "role": role, "remedy": kind,
            "remedy_label": str(CourtAction.Kind(kind).label), "rule_id": rule_id,
            "citation": cite(rule_id, start or award.award_date), "court": court, "served_on": start,
            "from": start, "until": until, "open": bool(until and now <= until), "used": bool(used),
            "late": any(a.late for a in used),
        })
    return rows


@transaction.atomic
def award_served(*, award: AwardDocument, user, party_id: int, served_on: dt.date,
                 method: str = ServiceRecord.Method.IN_PERSON, note: str = "", refused_to_sign: bool = False,
                 business_stopped: bool = False, evidence=None) -> ServiceRecord:
    """Record that one party received the award (one service record per party, spec §2.2 rule 7); that party's
    period to go to court runs from that day (LDMAL 48-50; see ``award_windows``). The rules of service are
    disputes.services.arbitration.service_record's, applied to the award's document: never by phone, SMS or e-mail
    (Rules 59); left or posted at the address only on the grounds of Rules 20, in which case ``served_on`` is the
    day of posting and the award counts as received when ARB-DEEMED-SERVICE has passed. The period runs from the
    first receipt, so a second service on the same party is refused. Returns the ServiceRecord."""
    from .arbitration import service_record

    with acting(user):
        award = AwardDocument.objects.select_for_update().select_related("case").get(pk=award.pk)
        case = award.case
        _require_handler(user, case)
        party = case.parties.filter(pk=party_id).select_related("person", "employer").first()
        if party is None:
            raise DomainError({"party_id": [_("This is not a party to the case.")]})
        if served_on < award.award_date:
            raise DomainError({"served_on": [_("The award cannot be served before it was made (%(date)s).")
                                             % {"date": award.award_date}]})
        earlier = ServiceRecord.objects.filter(document_id=award.document_id, party=party,
                                               served_on__isnull=False).first()
        if earlier is not None:
            raise Conflict({"party_id": [_("Award %(no)s was already served on %(party)s on %(date)s: the period "
                                           "runs from the first receipt.") % {
                "no": award.award_no, "party": _party_label(party), "date": earlier.served_on}]})
        posting = method == ServiceRecord.Method.POSTING
        return service_record(
            case=case, user=user, party_id=party.pk, doc_kind=CaseDocument.Kind.AWARD, method=method,
            sent_on=served_on, served_on=None if posting else served_on,
            confirmed=method in (ServiceRecord.Method.IN_PERSON, ServiceRecord.Method.POST),
            refused_to_sign=refused_to_sign, evidence=evidence, document_id=award.document_id, note=note,
            business_stopped=business_stopped)


# --- effect -------------------------------------------------------------------------------------------------------

def _effective_event_exists(award: AwardDocument) -> bool:
    return DisputeEvent.objects.filter(case_id=award.case_id, code="award_effective",
                                       detail__award_id=award.pk).exists()


def award_effective_sweep(*, today: dt.date | None = None) -> int:
    """Non-final awards whose periods have all run out take effect (LDMAL 50; SPC Interp. I 16-17). An award takes
    effect, ``effective_on`` = the day after the last party's period ended, when every party has been served,
    every period has ended and nobody sued. A suit by the employer's side, or by the only worker, stops all of it.
    With several workers and suits by some of them only, it takes effect for those who did not sue (SPC Interp.
    I 17): recorded per party in the event, the document's ``effective_on`` staying empty. Idempotent (one
    ``award_effective`` event per award); returns how many awards took effect, wholly or in part."""
    now = today or _today()
    n = 0
    pending = list(AwardDocument.objects.filter(finality=NON_FINAL, effective_on__isnull=True)
                   .values_list("pk", flat=True))
    for pk in pending:
        with transaction.atomic(), acting(None):
            award = (AwardDocument.objects.select_for_update(of=("self", "case"))
                     .select_related("case", "case__commission")
                     .filter(pk=pk, effective_on__isnull=True).first())
            if award is None or _effective_event_exists(award):
                continue
            windows = award_windows(award, today=now)
            if not windows or any(w["until"] is None or w["until"] >= now for w in windows):
                continue
            case = award.case
            effective_on = max(w["until"] for w in windows) + ONE_DAY
            suits = list(award.court_actions.filter(kind=CourtAction.Kind.SUIT))
            if not suits:
                award.effective_on = effective_on
                save(award, None)
                event(case, "award_effective", award_id=award.pk, award_no=award.award_no,
                      effective_on=effective_on, effective_for=[w["party_id"] for w in windows],
                      not_effective_for=[])
                n += 1
                continue
            workers = [w["party_id"] for w in windows if w["role"] == WORKER and w["side"] == _worker_side(case)]
            roles = {w["party_id"]: w["role"] for w in windows}
            sued = {s.party_id for s in suits if s.party_id is not None}
            whole = any(s.party_id is None or roles.get(s.party_id) != WORKER or s.party_id not in workers
                        for s in suits)
            if whole or len(workers) < 2:
                continue  # SPC Interp. I 16: the suit stops the whole award taking effect
            effective_for = [p for p in workers if p not in sued]
            if not effective_for:
                continue
            event(case, "award_effective", award_id=award.pk, award_no=award.award_no, effective_on=effective_on,
                  effective_for=effective_for, not_effective_for=sorted(sued), partial=True)
            n += 1
    return n


def _effective_for(award: AwardDocument, party_id: int | None) -> bool:
    if award.finality == FINAL or award.effective_on is not None:
        return True
    if party_id is None:
        return False
    ev = DisputeEvent.objects.filter(case_id=award.case_id, code="award_effective",
                                     detail__award_id=award.pk).first()
    return bool(ev and party_id in ev.detail.get("effective_for", []))


# --- court actions ------------------------------------------------------------------------------------------------

@transaction.atomic
def court_action_record(*, award: AwardDocument, user, kind: str, by_side: str, filed_on: dt.date,
                        court_name: str = "", outcome: str = "", party_id: int | None = None) -> CourtAction:
    """Record a court action against an award (spec §12.7):
    - ``revocation``: only by the employer's side, only against a final award, within ARB-REVOKE of its receipt
      (late → refused, LDMAL 49), and never while a worker's suit against the same award is pending (SPC Interp.
      I 21: refused); once that suit has ended (its outcome recorded) the employer's new period runs from the
      court's ruling (ARB-REVOKE-AFTER-SUIT), which is not recorded here, so the application is recorded unchecked;
    - ``suit``: by the worker against a final award (LDMAL 48), by either party against a non-final one (LDMAL 50);
      the employer cannot sue over a final award unless its application to revoke is on record (after a
      revocation either party may sue, LDMAL 49 ¶3). A suit after the period is recorded and flagged ``late``:
      the court decides. A suit against a non-final award stops it taking effect (SPC Interp. I 16-17);
    - ``enforcement``: of an award that has taken effect, for the applying party (LDMAL 51).
    ``party_id`` names who went to court (needed with several workers, SPC Interp. I 17). The case may already be
    closed."""
    with acting(user):
        award = (AwardDocument.objects.select_for_update(of=("self", "case"))
                 .select_related("case", "case__commission").get(pk=award.pk))
        case = award.case
        _require_handler(user, case)
        if kind not in CourtAction.Kind.values:
            raise DomainError({"kind": [_("Unknown kind of court action.")]})
        if by_side not in DisputeParty.Side.values:
            raise DomainError({"by_side": [_("Unknown side.")]})
        party = None
        if party_id not in (None, ""):
            party = case.parties.filter(pk=party_id).first()
            if party is None or party.side != by_side:
                raise DomainError({"party_id": [_("This is not a party on that side of the case.")]})
        if filed_on > _today():
            raise DomainError({"filed_on": [_("This date is in the future.")]})
        if filed_on < award.award_date:
            raise DomainError({"filed_on": [_("A court action against the award cannot predate it (%(date)s).")
                                            % {"date": award.award_date}]})
        worker_side, employer_side = _worker_side(case), _employer_side(case)
        windows = [w for w in award_windows(award, today=filed_on)
                   if (w["party_id"] == party.pk if party else w["side"] == by_side)]
        ends = [w["until"] for w in windows if w["until"] is not None]
        late = bool(ends) and filed_on > max(ends)

        if kind == CourtAction.Kind.REVOCATION:
            if award.finality != FINAL:
                raise DomainError({"kind": [_("Only a final award can be revoked; a non-final award is challenged "
                                              "by a suit (%(cite)s).") % {"cite": cite("ARB-SUE-NONFINAL")}]})
            if by_side != employer_side or (party is not None and party_role(case, party) != EMPLOYER):
                raise DomainError({"by_side": [_("Only the employer may apply to revoke a final award; the worker "
                                                 "may sue (%(cite)s).") % {"cite": cite("ARB-REVOKE")}]})
            if award.court_actions.filter(kind=CourtAction.Kind.SUIT, by_side=worker_side, outcome="").exists():
                raise DomainError({"kind": [_(
                    "The worker's suit against this award is pending: while it is, the intermediate court does not "
                    "accept the employer's application to revoke (%(spc)s第二十一条). Record the suit's outcome "
                    "first.") % {"spc": SPC_I}]})
            ended_suit = award.court_actions.filter(kind=CourtAction.Kind.SUIT, by_side=worker_side).exclude(
                outcome="").exists()
            if late and ended_suit:
                # SPC Interp. I 21 ¶2: once the worker's suit is dismissed or withdrawn the employer has
                # ARB-REVOKE-AFTER-SUIT from receipt of that ruling, whose date is not recorded: the court checks it.
                late = False
            if late:
                period = rule("ARB-REVOKE", on=award.award_date)
                raise DomainError({"filed_on": [_(
                    "The application to revoke was filed on %(filed)s, after its period ended on %(until)s: %(n)s "
                    "days from receipt of the award (%(cite)s).") % {
                    "filed": filed_on, "until": max(ends), "n": period.n, "cite": cite(period)}]})
        elif kind == CourtAction.Kind.SUIT:
            if award.finality == FINAL and by_side == employer_side and not award.court_actions.filter(
                    kind=CourtAction.Kind.REVOCATION).exists():
                raise DomainError({"by_side": [_(
                    "The employer cannot sue over a final award: it may apply to the intermediate court to revoke "
                    "it (%(cite)s).") % {"cite": cite("ARB-REVOKE")}]})
            if award.finality == FINAL and by_side == employer_side:
                late = False  # after a revocation (LDMAL 49 ¶3) the period runs from the court's ruling, not recorded
        else:  # enforcement
            late = False
            if not _effective_for(award, party.pk if party else None):
                raise DomainError({"kind": [_(
                    "This non-final award has not taken effect%(for_whom)s, so it cannot be enforced (%(ldmal)s第五十"
                    "条、第五十一条).") % {"for_whom": _(" for this party") if party else "", "ldmal": LDMAL}]})

        action = save(CourtAction(award=award, kind=kind, by_side=by_side, party=party, filed_on=filed_on,
                                  late=late and kind == CourtAction.Kind.SUIT, court_name=court_name[:200],
                                  outcome=outcome[:255], recorded_by=user), user)
        detail = {"award_id": award.pk, "award_no": award.award_no, "kind": kind, "by_side": by_side,
                  "party_id": party.pk if party else None, "filed_on": filed_on, "late": action.late,
                  "court": action.court_name}
        if kind == CourtAction.Kind.SUIT and award.finality == NON_FINAL and award.effective_on is None:
            detail["award_takes_effect"] = False  # SPC Interp. I 16 (17 for the suing worker alone)
        event(case, "court_action", user=user, **detail)
        return action


@transaction.atomic
def court_action_outcome(*, action: CourtAction, user, outcome: str) -> CourtAction:
    """Record how a court action ended (judgment, ruling, dismissal, withdrawal...). A suit with an outcome is no
    longer pending, so the employer's application to revoke can be recorded again (SPC Interp. I 21)."""
    with acting(user):
        action = CourtAction.objects.select_for_update().select_related("award__case").get(pk=action.pk)
        _require_handler(user, action.award.case)
        outcome = (outcome or "").strip()
        if not outcome:
            raise DomainError({"outcome": [_("Say how it ended.")]})
        action.outcome = outcome[:255]
        save(action, user)
        event(action.award.case, "court_action", user=user, award_id=action.award_id,
              award_no=action.award.award_no, kind=action.kind, by_side=action.by_side, outcome=action.outcome)
        return action


# --- closing ------------------------------------------------------------------------------------------------------

@transaction.atomic
def post_award_close(*, case: DisputeCase, user, on: dt.date | None = None) -> DisputeCase:
    """Close a case decided by award (ARB_AWARDED → CLOSED, closure "award") once every award has been served on
    every party (their periods to go to court run from receipt: LDMAL 48-50); the refusal lists who is missing.
    The file is kept until ``closed + ARB-RETENTION-AWARD`` (Rules 24). Court actions and the effect of non-final
    awards can still be recorded afterwards."""
    with acting(user):
        case = lock(case, "commission")
        _require_handler(user, case)
        require_state(case, S.ARB_AWARDED)
        on = on or _today()
        if on > _today():
            raise DomainError({"on": [_("This date is in the future.")]})
        awards = list(case.awards.order_by("id"))
        parties = list(case.parties.select_related("person", "employer").order_by("side", "id"))
        served = set(ServiceRecord.objects.filter(case=case, doc_kind=CaseDocument.Kind.AWARD,
                                                  served_on__isnull=False)
                     .values_list("document_id", "party_id"))
        missing = [_("%(award)s: %(party)s") % {"award": a.award_no, "party": _party_label(p)}
                   for a in awards for p in parties if (a.document_id, p.pk) not in served]
        if missing:
            raise DomainError({"__all__": [_(
                "The case cannot be closed until every award has been served on every party (the periods to go to "
                "court run from receipt: %(ldmal)s第四十八条至第五十条). Not yet served: %(missing)s.") % {
                "ldmal": LDMAL, "missing": "; ".join(missing)}]})
        last = max([a.award_date for a in awards]
                   + list(ServiceRecord.objects.filter(case=case, doc_kind=CaseDocument.Kind.AWARD,
                                                       served_on__isnull=False)
                          .values_list("served_on", flat=True)))
        if on < last:
            raise DomainError({"on": [_("The case cannot be closed before its last award was served (%(date)s).")
                                      % {"date": last}]})
        case.state = S.CLOSED
        case.closure = DisputeCase.Closure.AWARD
        case.closed_at = on
        case.retention_until = due(on, "ARB-RETENTION-AWARD", case.region_id)
        save(case, user)
        _waive_running_deadlines(case)
        event(case, "closed", user=user, closure=case.closure, closed_at=on, retention_until=case.retention_until)
        return case


def _waive_running_deadlines(case: DisputeCase) -> None:
    """A closed file has no running period: every deadline still open, extended, paused, or breached and never met
    (a defence that never came, ARB-DEFENCE) no longer applies (its breach stays in the deadline's history), as
    disputes.services.arbitration closes its other closures."""
    from django.db.models import Q

    from casework.models import Deadline
    from casework.services.deadlines import deadlines_for

    for d in deadlines_for(case).filter(Q(status__in=[Deadline.Status.OPEN, Deadline.Status.EXTENDED,
                                                      Deadline.Status.PAUSED])
                                        | Q(status=Deadline.Status.BREACHED, met_at__isnull=True)):
        d.status = Deadline.Status.WAIVED
        d.save()
