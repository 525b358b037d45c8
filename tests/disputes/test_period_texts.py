"""The periods the disputes texts state (landing page, application form, party status and event texts) come from the
rule table and the legal parameters, never from the msgid: a new effective-dated row changes what every language
shows (spec §2: legal numbers are data)."""
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from casework.models import DeadlineRule, LegalParameter
from disputes.models import DisputeState as S
from disputes.selectors import event_text, rule_text, status_text, tracking_view

SINCE = dt.date(2020, 1, 1)  # after the seeded rows (2017/2008), before the cases' application dates


def _new_rule(rule_id, n, unit):
    old = DeadlineRule.objects.filter(rule_id=rule_id).latest("effective_from")
    DeadlineRule.objects.create(rule_id=rule_id, n=n, unit=unit, anchor_event=old.anchor_event,
                                citation=old.citation, description=old.description, effective_from=SINCE)


def _new_param(key, value):
    old = LegalParameter.objects.filter(key=key, region=None).latest("effective_from")
    LegalParameter.objects.create(key=key, value=value, citation=old.citation, description=old.description,
                                  effective_from=SINCE)


@pytest.fixture
def changed(db):
    """Every number the texts state, changed to a value no text ever held."""
    _new_rule("MED-ACCEPT", 4, "WD")
    _new_rule("MED-END", 20, "CD")
    _new_rule("ARB-ACCEPT", 7, "WD")
    _new_rule("ARB-AWARD", 60, "CD")
    _new_rule("ARB-LIMITATION", 2, "YEAR")
    _new_rule("MED-REVIEW-EXT", 6, "WD")
    _new_param("arbitration.max_extension_days", "20")
    _new_param("arbitration.collective_min_workers", "12")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_landing_page_periods_from_the_rule_table(changed):
    zh = _text(Client().get(reverse("disputes:index")).content.decode())
    for phrase in ("调解组织在4个工作日内决定是否受理", "20自然日内未达成协议的", "仲裁委员会在7个工作日内决定是否受理",
                   "受理之日起60自然日内作出（延长的，最多再延长20自然日）", "发放之日起2年内申请"):
        assert phrase in zh, phrase
    for old in ("3个工作日", "5个工作日", "45日", "15日", "一年"):
        assert old not in zh, old
    bo = _text(Client().get(reverse("disputes:index"), {"lang": "bo"}).content.decode())
    for phrase in ("ལས་ཉིན 4 ནང", "ཉིན་གྲངས 20 ནང", "ལས་ཉིན 7 ནང", "ཉིན་གྲངས 60 ནང", "ཉིན་གྲངས 20 ལས་མང་བ", "ལོ 2 ནང"):
        assert phrase in bo, phrase
    assert "ལས་ཉིན 3" not in bo and "ལས་ཉིན 5" not in bo and "ལོ་གཅིག" not in bo


@pytest.mark.parametrize("track,lang,phrases", [
    ("mediation", "zh-hans", ["调解组织在4个工作日内决定是否受理；20自然日内未达成协议的", "12人以上为集体案件",
                              "用于核对2年的仲裁时效"]),
    ("arbitration", "zh-hans", ["仲裁委员会在7个工作日内决定是否受理您的申请", "12人以上为集体案件"]),
    ("mediation", "bo", ["ལས་ཉིན 4 ནང", "ཉིན་གྲངས 20 ནང", "མི་ 12 ཡན", "ལོ 2 གི་དུས་བཀག"]),
    ("arbitration", "bo", ["ལས་ཉིན 7 ནང་ཁྱེད་ཀྱི་ཞུ་བ", "མི་ 12 ཡན"]),
])
def test_application_intro_and_hints(changed, track, lang, phrases):
    page = _text(Client().get(reverse("disputes:apply", args=[track]), {"lang": lang}).content.decode())
    for phrase in phrases:
        assert phrase in page, phrase
    assert "10人以上" not in page and "མི་ 10 ཡན" not in page


@pytest.mark.parametrize("lang,arb,med,unlocked,review,end", [
    ("zh-hans", "仲裁委员会将在7个工作日内", "调解组织将在4个工作日内", "20自然日内未达成协议", "延长6个工作日",
     "20自然日调解期限届满"),
    ("bo", "ལས་ཉིན 7 ནང", "ལས་ཉིན 4 ནང", "ཉིན་གྲངས 20 ནང་གྲོས་མཐུན", "ལས་ཉིན 6 རྒྱང་སྐྱེད", "ཉིན་གྲངས 20 ཡི་དུས་བཀག"),
])
def test_status_event_and_deadline_texts(changed, make_case, lang, arb, med, unlocked, review, end):
    arbitration = make_case(track="arbitration", state=S.ARB_RECEIVED)
    mediation = make_case(track="mediation", state=S.MED_APPLIED, region="540102")
    with translation.override(lang):
        assert arb in status_text(arbitration)
        assert arb in tracking_view(arbitration)["status_display"]
        assert med in status_text(mediation)
        assert unlocked in event_text("med_unlocked")
        assert review in event_text("review_extended")
        assert end in rule_text("MED-END")
        assert event_text("applied") and "%(" not in event_text("applied")


def test_a_case_keeps_the_period_in_force_when_it_was_received(changed, make_case):
    """A row effective after the application does not rewrite what that case was told."""
    DeadlineRule.objects.create(rule_id="ARB-ACCEPT", n=9, unit="WD", anchor_event="x", citation="x",
                                description="x", effective_from=dt.date(2025, 7, 1))
    with translation.override("zh-hans"):
        assert "7个工作日" in status_text(make_case(track="arbitration", received_at=dt.date(2025, 6, 9)))
        assert "9个工作日" in status_text(make_case(track="arbitration", received_at=dt.date(2025, 7, 2)))
