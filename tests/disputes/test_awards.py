"""Awards (spec §6.4, §12.7): finality per item against 12 × the minimum wage, one document per finality class,
the rights printed on each, who may issue, service and the periods to go to court on the real calendar, the
employer's application to revoke, a non-final award taking effect, and closing the file."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from freezegun import freeze_time

from casework.errors import Conflict, DomainError, NotAllowed
from tests.factories import make_user

D = dt.date
pytestmark = pytest.mark.django_db


# --- fixtures and helpers -------------------------------------------------------------------------------------------

@pytest.fixture
def heard(make_case, dstaff):
    """heard(...) -> a case in ARB_HEARD with arb1 presiding, arb2 and arb3 members (or arb1 sole)."""
    from disputes.models import TribunalMember

    def make(*, received_at=D(2025, 6, 9), accepted_at=D(2025, 6, 13), sole=False, state="ARB_HEARD", **fields):
        case = make_case(state=state, received_at=received_at, accepted_at=accepted_at, **fields)
        if sole:
            TribunalMember.objects.create(case=case, arbitrator=dstaff["arb1"], role="sole", appointed_on=accepted_at)
        else:
            TribunalMember.objects.create(case=case, arbitrator=dstaff["arb1"], role="presiding",
                                          appointed_on=accepted_at)
            for arb in ("arb2", "arb3"):
                TribunalMember.objects.create(case=case, arbitrator=dstaff[arb], role="member",
                                              appointed_on=accepted_at)
        return case

    return make


def item(category="wages", amount="20000.00", *, granted=True, nsd=False, claim_id=None, description=None):
    return {"category": category, "description": description or f"{category} item",
            "amount": None if amount is None else Decimal(amount), "granted": granted,
            "national_standard_dispute": nsd, "reasons": "依法支持", "claim_id": claim_id}


def issue(case, user, items, award_date=D(2025, 8, 1), **kw):
    from disputes.services.awards import award_issue

    kw.setdefault("facts", "申请人于2025年3月至5月在被申请人处工作，工资未发。")
    kw.setdefault("reasons", "用人单位应当按时足额支付劳动报酬。")
    return award_issue(case=case, user=user, award_date=award_date, items=items, **kw)


def parties(case):
    worker = case.parties.get(side="applicant")
    employer = case.parties.get(side="respondent")
    return worker, employer


def serve_all(award, clerk, on):
    from disputes.services.awards import award_served

    for p in award.case.parties.all():
        award_served(award=award, user=clerk, party_id=p.pk, served_on=on)


def photo():
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from casework.models import Attachment

    return Attachment.objects.create(file=ContentFile(b"\xff\xd8photo", name="posting.jpg"),
                                     original_name="posting.jpg", sha256="0" * 64, mime="image/jpeg", size=7,
                                     uploaded_at=timezone.now(), audience="internal")


def counts():
    from disputes.models import AwardDocument, AwardItem, CaseDocument

    return AwardDocument.objects.count(), AwardItem.objects.count(), CaseDocument.objects.count()


# --- the cap on the real minimum wage --------------------------------------------------------------------------------

def test_exactly_22200_is_final_and_effective_on_the_award_date(heard, dstaff):
    from disputes.models import DisputeState

    case = heard()
    [award] = issue(case, dstaff["arb1"], [item(amount="22200.00")])
    assert award.finality == "final"
    assert award.cap_amount == Decimal("22200.00") and award.min_wage_monthly == Decimal("1850.00")
    assert award.reference_date == D(2025, 8, 1)
    assert award.min_wage_source == "藏政办发〔2021〕19号（540000，2021-07-01起）"
    assert award.effective_on == D(2025, 8, 1)  # LDMAL 47: effective on the day it is made
    assert award.award_no == "拉劳人仲案字〔2025〕1号"
    assert award.document.kind == "award" and award.items.get().finality == "final"
    case.refresh_from_db()
    assert case.state == DisputeState.ARB_AWARDED


def test_one_cent_over_22200_is_non_final_and_not_yet_effective(heard, dstaff):
    [award] = issue(heard(), dstaff["arb1"], [item(amount="22200.01")])
    assert award.finality == "non_final" and award.effective_on is None
    assert award.items.get().finality == "non_final"


@pytest.mark.parametrize("amount,finality", [("19800.00", "final"), ("19800.01", "non_final")])
def test_the_cap_was_19800_before_july_2021(heard, dstaff, amount, finality):
    case = heard(received_at=D(2021, 6, 1), accepted_at=D(2021, 6, 4))
    [award] = issue(case, dstaff["arb1"], [item(amount=amount)], award_date=D(2021, 6, 30))
    assert award.cap_amount == Decimal("19800.00") and award.min_wage_monthly == Decimal("1650.00")
    assert award.finality == finality


@pytest.mark.parametrize("award_date,finality,cap", [
    (D(2021, 6, 30), "non_final", Decimal("19800.00")),
    (D(2021, 7, 1), "final", Decimal("22200.00")),
])
def test_the_same_20000_turns_final_on_the_day_the_new_minimum_wage_applies(heard, dstaff, award_date, finality,
                                                                             cap):
    case = heard(received_at=D(2021, 6, 1), accepted_at=D(2021, 6, 4))
    [award] = issue(case, dstaff["arb1"], [item(amount="20000.00")], award_date=award_date)
    assert (award.finality, award.cap_amount) == (finality, cap)


def test_reference_date_is_configurable_and_the_received_date_then_picks_the_cap(heard, dstaff):
    from casework.models import LegalParameter
    from disputes.services.awards import award_reference_date

    before = heard(received_at=D(2021, 6, 20), accepted_at=D(2021, 6, 25))
    [a] = issue(before, dstaff["arb1"], [item(amount="20000.00")], award_date=D(2021, 7, 10))
    assert (a.finality, a.reference_date, a.cap_amount) == ("final", D(2021, 7, 10), Decimal("22200.00"))

    LegalParameter.objects.create(key="arbitration.final_cap_reference", value=Decimal("1"),
                                  effective_from=D(2021, 7, 5), citation="test: the date received")
    case = heard(received_at=D(2021, 6, 20), accepted_at=D(2021, 6, 25))
    assert award_reference_date(case, D(2021, 7, 4)) == D(2021, 7, 4)    # the new row is not yet in force
    [b] = issue(case, dstaff["arb1"], [item(amount="20000.00")], award_date=D(2021, 7, 10))
    assert (b.finality, b.reference_date, b.cap_amount) == ("non_final", D(2021, 6, 20), Decimal("19800.00"))
    case.complete_at = D(2021, 7, 2)   # materials completed later: the receipt date is the completion date
    assert award_reference_date(case, D(2021, 7, 10)) == D(2021, 7, 2)


# --- per item, categories -------------------------------------------------------------------------------------------

def test_per_item_not_on_the_total(heard, dstaff):
    [award] = issue(heard(), dstaff["arb1"], [item(amount="20000.00", description="2025年3-4月工资"),
                                              item(amount="20000.00", description="2025年5-6月工资")])
    assert award.finality == "final"   # 40,000 in total, but each item is within 22,200
    assert list(award.items.values_list("finality", flat=True)) == ["final", "final"]


def test_national_standard_working_time_item_is_final_whatever_the_amount(heard, dstaff):
    [award] = issue(heard(), dstaff["arb1"], [item("working_time", "150000.00", nsd=True)])
    assert award.finality == "final"


def test_relationship_confirmation_is_non_final(heard, dstaff):
    [award] = issue(heard(), dstaff["arb1"], [item("relationship", None, description="确认双方存在劳动关系")])
    assert award.finality == "non_final" and award.items.get().amount is None


def test_dismissed_items_are_listed_and_classified_like_the_rest(heard, dstaff):
    awards = issue(heard(), dstaff["arb1"], [item(amount="5000.00"), item("damages", "0.00", granted=False),
                                             item("compensation", None, granted=False)])
    final, non_final = awards
    assert [(i.category, i.granted) for i in final.items.all()] == [("wages", True), ("damages", False)]
    assert [(i.category, i.granted) for i in non_final.items.all()] == [("compensation", False)]


# --- two documents ----------------------------------------------------------------------------------------------

def test_mixed_items_make_two_documents_each_with_its_own_finality_and_remedies(heard, dstaff):
    from disputes.models import CaseDocument, DisputeEvent

    case = heard()
    final, non_final = issue(case, dstaff["arb1"], [item(amount="22200.01", description="经济补偿"),
                                                    item(amount="8000.00", description="工资"),
                                                    item("relationship", None, description="确认劳动关系")])
    assert final.award_no == "拉劳人仲案字〔2025〕1号之一" and non_final.award_no == "拉劳人仲案字〔2025〕1号之二"
    assert (final.finality, non_final.finality) == ("final", "non_final")
    assert [i.description for i in final.items.all()] == ["工资"]
    assert sorted(i.description for i in non_final.items.all()) == ["确认劳动关系", "经济补偿"]
    assert CaseDocument.objects.filter(case=case, kind="award").count() == 2
    assert final.document_id != non_final.document_id

    f = final.rights_notice
    assert f.startswith("一、劳动者对本裁决不服的") and "十五日" in f and "三十日" in f
    assert "拉萨市城关区人民法院" in f and "拉萨市中级人民法院" in f
    assert "仲裁员在仲裁该案时有索贿受贿、徇私舞弊、枉法裁决行为的" in f and "（六）" in f
    assert "第二十一条" in f and "第四十八条" in f and "第四十九条" in f and "[C]" not in f
    n = non_final.rights_notice
    assert "十五日" in n and "期满不起诉的，本裁决书发生法律效力" in n
    assert "第十六条" in n and "第五十条" in n and "三十日" not in n and "撤销" not in n
    assert "第十七条" not in n   # one worker: the several-workers rule is not printed

    ev = DisputeEvent.objects.get(case=case, code="award_issued")
    assert ev.public and [a["finality"] for a in ev.detail["awards"]] == ["final", "non_final"]


def test_notice_periods_come_from_the_rule_table(heard, dstaff):
    from casework.models import DeadlineRule

    row = DeadlineRule.objects.get(rule_id="ARB-SUE-NONFINAL")
    row.n = 20
    row.save()
    [award] = issue(heard(), dstaff["arb1"], [item("relationship", None)])
    assert "二十日" in award.rights_notice and "十五日" not in award.rights_notice


def test_several_workers_are_told_of_spc_interp_17(heard, dstaff):
    [award] = issue(heard(workers_count=3), dstaff["arb1"], [item("relationship", None)])
    assert "第十七条" in award.rights_notice and "对未提起诉讼的劳动者发生法律效力" in award.rights_notice


def test_award_numbers_follow_the_case_docket_number(heard, dstaff):
    case = heard(state="ARB_HEARING_SCHEDULED", docket_no="拉劳人仲案字〔2025〕7号")
    [first] = issue(case, dstaff["arb1"], [item(amount="6000.00")], partial=True, award_date=D(2025, 7, 1))
    assert first.award_no == "拉劳人仲案字〔2025〕7号之一"       # a partial award: more may follow
    case.state = "ARB_HEARD"
    case.save()
    later = issue(case, dstaff["arb1"], [item(amount="9000.00"), item("relationship", None)])
    assert [a.award_no for a in later] == ["拉劳人仲案字〔2025〕7号之二", "拉劳人仲案字〔2025〕7号之三"]
    [only] = issue(heard(docket_no="拉劳人仲案字〔2025〕8号"), dstaff["arb1"], [item()])
    assert only.award_no == "拉劳人仲案字〔2025〕8号"


def test_explicit_mixed_grouping_is_refused_and_nothing_is_saved(heard, dstaff):
    from disputes.models import DisputeState

    case = heard()
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item(amount="8000.00"), item("relationship", None)], documents=[[0, 1]])
    assert "第二十条" in e.value.message and "documents" in e.value.errors
    assert counts() == (0, 0, 0)
    case.refresh_from_db()
    assert case.state == DisputeState.ARB_HEARD


def test_explicit_grouping_may_split_one_class_but_must_cover_every_item(heard, dstaff):
    case = heard()
    with pytest.raises(DomainError):
        issue(case, dstaff["arb1"], [item(amount="8000.00"), item(amount="9000.00")], documents=[[0]])
    with pytest.raises(DomainError):
        issue(case, dstaff["arb1"], [item(amount="8000.00"), item(amount="9000.00")], documents=[[0, 1], [1]])
    assert counts() == (0, 0, 0)
    a, b = issue(case, dstaff["arb1"], [item(amount="8000.00"), item(amount="9000.00")], documents=[[1], [0]])
    assert (a.finality, b.finality) == ("final", "final")
    assert a.items.get().amount == Decimal("9000.00") and a.award_no.endswith("之一")


# --- who may issue, when ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["arb2", "clerk", "chair", "arb_shigatse"])
def test_only_the_sitting_presiding_arbitrator_may_issue(heard, dstaff, who):
    case = heard()
    user = make_user("arb_sh", "arbitrator", region="540200", perm=None) if who == "arb_shigatse" else dstaff[who]
    with pytest.raises(NotAllowed) as e:
        issue(case, user, [item()])
    assert "第三十一条" in e.value.message
    assert counts() == (0, 0, 0)


def test_a_sole_arbitrator_may_issue(heard, dstaff):
    [award] = issue(heard(sole=True), dstaff["arb1"], [item()])
    assert award.issued_by == dstaff["arb1"]
    assert award.history.first().history_user == dstaff["arb1"]


def test_an_arbitrator_who_left_the_tribunal_may_not_issue(heard, dstaff):
    case = heard()
    seat = case.tribunal.get(arbitrator=dstaff["arb1"])
    seat.active, seat.left_on, seat.left_reason = False, D(2025, 7, 1), "回避"
    seat.save()
    with pytest.raises(NotAllowed):
        issue(case, dstaff["arb1"], [item()])


def test_not_while_a_recusal_against_the_presiding_arbitrator_is_pending(heard, dstaff):
    from disputes.models import RecusalRequest

    case = heard()
    seat = case.tribunal.get(arbitrator=dstaff["arb1"])
    rr = RecusalRequest.objects.create(case=case, member=seat, ground="interest", requested_on=D(2025, 7, 1))
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item()])
    assert "第十二条" in e.value.message
    rr.decided_on, rr.upheld = D(2025, 7, 3), False
    rr.save()
    assert issue(case, dstaff["arb1"], [item()])


def test_an_award_needs_a_heard_case(heard, dstaff):
    case = heard(state="ARB_HEARING_SCHEDULED")
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item()])
    assert "第四十三条" in e.value.message


def test_a_partial_award_before_the_hearing_keeps_the_case_and_its_deadline_open(heard, dstaff):
    from casework.models import Deadline
    from disputes.services.common import open_dl

    case = heard(state="ARB_HEARING_SCHEDULED")
    open_dl(case, "ARB-AWARD", D(2025, 6, 13))
    [award] = issue(case, dstaff["arb1"], [item(amount="6000.00")], partial=True, award_date=D(2025, 7, 1))
    assert award.partial and award.finality == "final"
    case.refresh_from_db()
    assert case.state == "ARB_HEARING_SCHEDULED"
    assert Deadline.objects.get(rule_id="ARB-AWARD").status == "OPEN"
    with pytest.raises(DomainError):   # a partial award still needs an accepted case
        issue(heard(state="ARB_RECEIVED"), dstaff["arb1"], [item()], partial=True)


@pytest.mark.parametrize("award_date,status", [(D(2025, 7, 28), "MET"), (D(2025, 7, 29), "BREACHED")])
def test_the_award_deadline_is_closed_met_or_late(heard, dstaff, award_date, status):
    from casework.models import Deadline
    from disputes.services.common import open_dl

    case = heard()
    open_dl(case, "ARB-AWARD", D(2025, 6, 13))   # accepted Fri 2025-06-13: +45 CD → Mon 2025-07-28
    assert Deadline.objects.get(rule_id="ARB-AWARD").due_date == D(2025, 7, 28)
    issue(case, dstaff["arb1"], [item()], award_date=award_date)
    d = Deadline.objects.get(rule_id="ARB-AWARD")
    assert (d.status, d.met_at) == (status, award_date)


def test_the_award_date_is_not_before_acceptance_nor_in_the_future(heard, dstaff):
    case = heard()
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item()], award_date=D(2025, 6, 12))
    assert "award_date" in e.value.errors
    with freeze_time("2025-08-01 12:00:00+08:00"):
        with pytest.raises(DomainError) as e, translation.override("en"):  # messages asserted in English
            issue(case, dstaff["arb1"], [item()], award_date=D(2025, 8, 2))
        assert "future" in e.value.message
        assert issue(case, dstaff["arb1"], [item()], award_date=D(2025, 8, 1))


def test_items_are_checked_and_amounts_must_add_up(heard, dstaff, make_case):
    case = heard()
    claim = case.items.get()       # the fixture's claim: wages 6,000
    other = make_case().items.get()
    with pytest.raises(DomainError) as e, translation.override("en"):
        issue(case, dstaff["arb1"], [item(amount="7000.00", claim_id=claim.pk)])
    assert "do not add up" in e.value.message and "7000.00" in e.value.message and "6000.00" in e.value.message
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item(amount="100.00", claim_id=other.pk), item(amount=None),
                                     item(amount="-1.00"), item("bonus", "1.00")])
    assert set(e.value.errors) == {"items.0.claim_id", "items.1.amount", "items.2.amount", "items.3.category"}
    with pytest.raises(DomainError):
        issue(case, dstaff["arb1"], [])
    with pytest.raises(DomainError) as e:
        issue(case, dstaff["arb1"], [item()], facts=" ")
    assert "facts" in e.value.errors
    assert counts() == (0, 0, 0)

    [award] = issue(case, dstaff["arb1"], [item(amount="6000.00", claim_id=claim.pk)])
    assert award.items.get().claim == claim


def test_fee_fields_are_refused(heard, dstaff):
    with pytest.raises(DomainError) as e:
        issue(heard(), dstaff["arb1"], [{**item(), "fee": "100"}])
    assert "第五十三条" in e.value.message


def test_dissent_and_the_presiding_opinion_are_recorded(heard, dstaff):
    [award] = issue(heard(), dstaff["arb1"], [item()], dissent_text="仲裁员乙认为应驳回。", decided_by_presiding=True)
    assert award.dissent and award.dissent_text == "仲裁员乙认为应驳回。" and award.decided_by_presiding
    with pytest.raises(DomainError) as e:
        issue(heard(sole=True), dstaff["arb1"], [item()], dissent_text="不同意见")
    assert "dissent_text" in e.value.errors


def test_the_pdf_gets_everything_the_award_prints(heard, dstaff, monkeypatch):
    import disputes.documents as documents

    seen = []
    real = documents.document_issue

    def spy(case, kind, **kw):
        seen.append((kind, kw))
        return real(case, kind, **kw)

    monkeypatch.setattr(documents, "document_issue", spy)
    final, non_final = issue(heard(), dstaff["arb1"], [item(amount="8000.00"), item("relationship", None)],
                             dissent_text="少数意见")
    (kind, kw), (_, kw2) = seen
    ctx = kw["context"]
    assert kind == "award" and kw["user"] == dstaff["arb1"] and kw["doc_no"] == final.award_no
    assert ctx["award_no"] == final.award_no and ctx["finality"] == "final" and ctx["finality_zh"] == "终局裁决"
    assert ctx["award"] == final      # the renderer reads the award itself too
    parties_ = ctx["award_parties"]
    assert parties_["applicants"][0]["name"] == "次仁" and parties_["respondents"][0]["name"] == "拉萨某建筑工程有限公司"
    lines = ctx["award_lines"]
    assert lines[0]["amount"] == Decimal("8000.00") and lines[0]["finality"] == "final" and len(lines) == 1
    assert ctx["claims"][0]["amount_claimed"] == Decimal("6000.00")
    assert ctx["remedies"][0].startswith("一、劳动者对本裁决不服的，可以自收到本裁决书之日起十五日内")
    assert ctx["rights_notice"] == final.rights_notice and len(ctx["remedies"]) == 5
    assert [a["role_zh"] for a in ctx["arbitrators"]] == ["首席仲裁员", "仲裁员", "仲裁员"]
    assert ctx["dissent"] and ctx["dissent_text"] == "少数意见" and ctx["award_date_zh"] == "2025年8月1日"
    assert ctx["cap"] == Decimal("22200.00") and ctx["sibling_awards"] == [non_final.award_no]
    assert kw2["context"]["finality_words"] == "本裁决为非终局裁决。"


def test_preview_classifies_without_saving(heard, dstaff):
    from disputes.services.awards import award_preview

    case = heard()
    claim = case.items.get()
    with translation.override("en"):  # the reasons are asserted in English
        p = award_preview(case=case, award_date=D(2025, 8, 1),
                          items=[item(amount="6000.00", claim_id=claim.pk), item(amount="22200.01"),
                                 item("working_time", "90000.00", nsd=True), item(amount="22200.00")])
    assert [i["finality"] for i in p["items"]] == ["final", "non_final", "final", "final"]
    assert p["cap"] == Decimal("22200.00") and p["min_wage_monthly"] == Decimal("1850.00")
    assert p["min_wage_region"] == "540000" and "藏政办发〔2021〕19号" in p["min_wage_source"]
    assert p["documents"] == 2 and p["finalities"] == ["final", "non_final"] and p["claims_not_covered"] == []
    assert "exceeds" in p["items"][1]["why"]
    assert counts() == (0, 0, 0)


# --- service and the periods ------------------------------------------------------------------------------------------

def _window(award, party):
    from disputes.services.awards import award_windows

    return next(w for w in award_windows(award) if w["party_id"] == party.pk)


def test_windows_roll_past_the_weekend(heard, dstaff):
    from disputes.services.awards import award_served

    case = heard()
    [award] = issue(case, dstaff["arb1"], [item()])
    worker, employer = parties(case)
    assert _window(award, worker)["until"] is None and _window(award, worker)["served_on"] is None
    for p in (worker, employer):
        award_served(award=award, user=dstaff["clerk"], party_id=p.pk, served_on=D(2025, 8, 1))   # a Friday
    w, e = _window(award, worker), _window(award, employer)
    assert (w["remedy"], w["until"], w["court"]) == ("suit", D(2025, 8, 18), "拉萨市城关区人民法院")  # Sat 16 → Mon 18
    assert (e["remedy"], e["until"], e["court"]) == ("revocation", D(2025, 9, 1), "拉萨市中级人民法院")  # Sun 31 → Mon
    assert "第四十九条" in e["citation"] and not w["used"] and not e["used"]


def test_non_final_windows_for_both_sides_and_the_october_holiday(heard, dstaff):
    from disputes.services.awards import award_served

    case = heard(accepted_at=D(2025, 8, 1))
    [award] = issue(case, dstaff["arb1"], [item("relationship", None)], award_date=D(2025, 9, 12))
    worker, employer = parties(case)
    award_served(award=award, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 9, 16))
    award_served(award=award, user=dstaff["clerk"], party_id=employer.pk, served_on=D(2025, 9, 26))
    # Tue 16 Sep + 15 = Wed 1 Oct, a holiday until 8 Oct: rolls to Thu 9 Oct
    assert (_window(award, worker)["remedy"], _window(award, worker)["until"]) == ("suit", D(2025, 10, 9))
    # Fri 26 Sep + 15 = Sat 11 Oct, a make-up working day: it stays
    assert (_window(award, employer)["remedy"], _window(award, employer)["until"]) == ("suit", D(2025, 10, 11))


def test_service_rules(heard, dstaff):
    from disputes.models import ServiceRecord
    from disputes.services.awards import award_served

    case = heard()
    [award] = issue(case, dstaff["arb1"], [item()])
    worker, employer = parties(case)
    with pytest.raises(DomainError) as e:
        award_served(award=award, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 8, 4),
                     method="electronic")
    assert "第五十九条" in e.value.message
    with pytest.raises(DomainError):
        award_served(award=award, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 7, 31))
    with pytest.raises(NotAllowed):
        award_served(award=award, user=dstaff["clerk_shigatse"], party_id=worker.pk, served_on=D(2025, 8, 4))
    rec = award_served(award=award, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 8, 4))
    assert (rec.doc_kind, rec.method, rec.document_id, rec.served_on) == ("award", "in_person", award.document_id,
                                                                          D(2025, 8, 4))
    with pytest.raises(Conflict):
        award_served(award=award, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 8, 5))
    with pytest.raises(DomainError) as e:   # posting needs the grounds of Rules 20, a note and a photo
        award_served(award=award, user=dstaff["clerk"], party_id=employer.pk, served_on=D(2025, 8, 1),
                     method="posting")
    assert "第二十条" in e.value.message
    # posted at the address on Fri 1 Aug after a refusal to sign: served when 3 working days have passed, Wed 6 Aug
    rec = award_served(award=award, user=dstaff["clerk"], party_id=employer.pk, served_on=D(2025, 8, 1),
                       method="posting", refused_to_sign=True, note="拒绝签收，留置送达", evidence=photo())
    assert (rec.sent_on, rec.served_on, rec.document_id) == (D(2025, 8, 1), D(2025, 8, 6), award.document_id)
    assert _window(award, employer)["until"] == D(2025, 9, 5)
    assert ServiceRecord.objects.filter(document=award.document).count() == 2


# --- court actions ---------------------------------------------------------------------------------------------------

@pytest.fixture
def final_served(heard, dstaff):
    """A final award served on both sides on Fri 2025-08-01."""
    case = heard()
    [award] = issue(case, dstaff["arb1"], [item()])
    serve_all(award, dstaff["clerk"], D(2025, 8, 1))
    return award


def test_revocation_refused_while_the_workers_suit_is_pending(final_served, dstaff):
    from disputes.services.awards import court_action_outcome, court_action_record

    clerk = dstaff["clerk"]
    suit = court_action_record(award=final_served, user=clerk, kind="suit", by_side="applicant",
                               filed_on=D(2025, 8, 10), court_name="拉萨市城关区人民法院")
    assert not suit.late
    with pytest.raises(DomainError) as e:
        court_action_record(award=final_served, user=clerk, kind="revocation", by_side="respondent",
                            filed_on=D(2025, 8, 20))
    assert "第二十一条" in e.value.message
    court_action_outcome(action=suit, user=clerk, outcome="劳动者撤诉")
    rev = court_action_record(award=final_served, user=clerk, kind="revocation", by_side="respondent",
                              filed_on=D(2025, 8, 20))
    assert rev.kind == "revocation" and final_served.court_actions.count() == 2


@pytest.mark.parametrize("filed_on,accepted", [(D(2025, 9, 1), True), (D(2025, 9, 2), False)])
def test_revocation_within_30_days_rolled_to_monday_and_refused_after(final_served, dstaff, filed_on, accepted):
    from disputes.services.awards import court_action_record

    if accepted:
        action = court_action_record(award=final_served, user=dstaff["clerk"], kind="revocation",
                                     by_side="respondent", filed_on=filed_on)
        assert not action.late
    else:
        with pytest.raises(DomainError) as e:
            court_action_record(award=final_served, user=dstaff["clerk"], kind="revocation", by_side="respondent",
                                filed_on=filed_on)
        assert "2025-09-01" in e.value.message and "第四十九条" in e.value.message
        assert final_served.court_actions.count() == 0


def test_who_may_take_which_action_against_a_final_award(final_served, dstaff):
    from disputes.services.awards import court_action_record

    clerk = dstaff["clerk"]
    with pytest.raises(DomainError) as e:   # the worker sues; only the employer applies to revoke
        court_action_record(award=final_served, user=clerk, kind="revocation", by_side="applicant",
                            filed_on=D(2025, 8, 5))
    assert "by_side" in e.value.errors
    with pytest.raises(DomainError) as e:   # the employer cannot sue over a final award
        court_action_record(award=final_served, user=clerk, kind="suit", by_side="respondent",
                            filed_on=D(2025, 8, 5))
    assert "第四十九条" in e.value.message
    enforcement = court_action_record(award=final_served, user=clerk, kind="enforcement", by_side="applicant",
                                      filed_on=D(2025, 8, 5))
    assert enforcement.kind == "enforcement"


def test_a_late_suit_is_recorded_but_flagged(final_served, dstaff):
    from disputes.models import DisputeEvent
    from disputes.services.awards import award_windows, court_action_record

    on_time = court_action_record(award=final_served, user=dstaff["clerk"], kind="suit", by_side="applicant",
                                  filed_on=D(2025, 8, 18))
    late = court_action_record(award=final_served, user=dstaff["clerk"], kind="suit", by_side="applicant",
                               filed_on=D(2025, 8, 19))
    assert (on_time.late, late.late) == (False, True)
    ev = DisputeEvent.objects.filter(code="court_action").last()
    assert ev.public and ev.detail["late"] is True
    worker_window = next(w for w in award_windows(final_served) if w["side"] == "applicant")
    assert worker_window["used"] and worker_window["late"]


def test_revoking_a_non_final_award_is_refused(heard, dstaff):
    from disputes.services.awards import court_action_record

    case = heard()
    [award] = issue(case, dstaff["arb1"], [item("relationship", None)])
    with pytest.raises(DomainError) as e:
        court_action_record(award=award, user=dstaff["clerk"], kind="revocation", by_side="respondent",
                            filed_on=D(2025, 8, 5))
    assert "第五十条" in e.value.message


# --- a non-final award taking effect ---------------------------------------------------------------------------------

@pytest.fixture
def non_final(heard, dstaff):
    case = heard()
    [award] = issue(case, dstaff["arb1"], [item("relationship", None)])
    return award


def test_non_final_award_takes_effect_when_nobody_sued(non_final, dstaff):
    from disputes.models import DisputeEvent
    from disputes.services.awards import award_effective_sweep, court_action_record

    worker, employer = parties(non_final.case)
    from disputes.services.awards import award_served

    award_served(award=non_final, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 8, 1))
    assert award_effective_sweep(today=D(2025, 9, 30)) == 0          # the employer has not been served
    award_served(award=non_final, user=dstaff["clerk"], party_id=employer.pk, served_on=D(2025, 8, 1))
    assert award_effective_sweep(today=D(2025, 8, 18)) == 0          # the last day of the period: still open
    with pytest.raises(DomainError):                                  # not effective: no enforcement yet
        court_action_record(award=non_final, user=dstaff["clerk"], kind="enforcement", by_side="applicant",
                            filed_on=D(2025, 8, 18))
    assert award_effective_sweep(today=D(2025, 8, 19)) == 1
    non_final.refresh_from_db()
    assert non_final.effective_on == D(2025, 8, 19)
    assert award_effective_sweep(today=D(2025, 8, 20)) == 0          # idempotent
    ev = DisputeEvent.objects.get(code="award_effective")
    assert ev.public and ev.detail["effective_on"] == "2025-08-19"
    assert sorted(ev.detail["effective_for"]) == sorted([worker.pk, employer.pk])
    assert court_action_record(award=non_final, user=dstaff["clerk"], kind="enforcement", by_side="applicant",
                               filed_on=D(2025, 8, 25)).kind == "enforcement"


def test_a_suit_stops_a_non_final_award_taking_effect(non_final, dstaff):
    from disputes.models import DisputeEvent
    from disputes.services.awards import award_effective_sweep, court_action_record

    serve_all(non_final, dstaff["clerk"], D(2025, 8, 1))
    court_action_record(award=non_final, user=dstaff["clerk"], kind="suit", by_side="respondent",
                        filed_on=D(2025, 8, 15))
    assert DisputeEvent.objects.get(code="court_action").detail["award_takes_effect"] is False
    assert award_effective_sweep(today=D(2025, 9, 1)) == 0
    non_final.refresh_from_db()
    assert non_final.effective_on is None


def test_with_several_workers_it_takes_effect_for_those_who_did_not_sue(heard, dstaff):
    from casework.fields import pii_hash
    from casework.models import Person
    from disputes.models import DisputeEvent, DisputeParty
    from disputes.services.awards import award_effective_sweep, court_action_record

    case = heard(workers_count=2)
    second = Person.objects.create(name="扎西", id_number="540102199001011233",
                                   id_number_hash=pii_hash("540102199001011233"), region_id="540102")
    b = DisputeParty.objects.create(case=case, side="applicant", person=second)
    [award] = issue(case, dstaff["arb1"], [item("relationship", None)])
    a = case.parties.filter(side="applicant").exclude(pk=b.pk).get()
    serve_all(award, dstaff["clerk"], D(2025, 8, 1))
    court_action_record(award=award, user=dstaff["clerk"], kind="suit", by_side="applicant", party_id=a.pk,
                        filed_on=D(2025, 8, 12))
    assert award_effective_sweep(today=D(2025, 8, 19)) == 1
    assert award_effective_sweep(today=D(2025, 8, 20)) == 0
    award.refresh_from_db()
    assert award.effective_on is None                      # not effective as a whole
    ev = DisputeEvent.objects.get(code="award_effective")
    assert ev.detail["effective_for"] == [b.pk] and ev.detail["not_effective_for"] == [a.pk]
    with pytest.raises(DomainError):
        court_action_record(award=award, user=dstaff["clerk"], kind="enforcement", by_side="applicant",
                            party_id=a.pk, filed_on=D(2025, 8, 25))
    assert court_action_record(award=award, user=dstaff["clerk"], kind="enforcement", by_side="applicant",
                               party_id=b.pk, filed_on=D(2025, 8, 25)).party_id == b.pk
    with pytest.raises(DomainError):   # the party must be on the side named
        court_action_record(award=award, user=dstaff["clerk"], kind="suit", by_side="respondent", party_id=b.pk,
                            filed_on=D(2025, 8, 12))


# --- closing --------------------------------------------------------------------------------------------------------

def test_closing_needs_every_award_served_on_every_party(heard, dstaff):
    from disputes.models import DisputeState
    from disputes.services.awards import award_served, court_action_record, post_award_close

    case = heard()
    final, non_final = issue(case, dstaff["arb1"], [item(amount="8000.00"), item("relationship", None)])
    worker, employer = parties(case)
    serve_all(final, dstaff["clerk"], D(2025, 8, 1))
    award_served(award=non_final, user=dstaff["clerk"], party_id=worker.pk, served_on=D(2025, 8, 1))
    with pytest.raises(DomainError) as e:
        post_award_close(case=case, user=dstaff["clerk"], on=D(2025, 9, 1))
    assert non_final.award_no in e.value.message and "拉萨某建筑工程有限公司" in e.value.message
    assert final.award_no + ":" not in e.value.message
    award_served(award=non_final, user=dstaff["clerk"], party_id=employer.pk, served_on=D(2025, 8, 4))
    with pytest.raises(DomainError):
        post_award_close(case=case, user=dstaff["clerk"], on=D(2025, 8, 3))    # before the last service
    closed = post_award_close(case=case, user=dstaff["clerk"], on=D(2025, 9, 1))
    assert (closed.state, closed.closure, closed.closed_at) == (DisputeState.CLOSED, "award", D(2025, 9, 1))
    assert closed.retention_until == D(2035, 9, 1)           # Rules 24: 10 years
    assert closed.history.first().history_user == dstaff["clerk"]
    with pytest.raises(DomainError):
        post_award_close(case=closed, user=dstaff["clerk"])
    # court actions can still be recorded after closing
    assert court_action_record(award=final, user=dstaff["clerk"], kind="suit", by_side="applicant",
                               filed_on=D(2025, 8, 15)).pk


def test_closing_is_refused_before_the_award(heard, dstaff):
    from disputes.services.awards import post_award_close

    with pytest.raises(DomainError):
        post_award_close(case=heard(), user=dstaff["clerk"])
