"""Translations of the disputes tracks (docs/translation.md): every msgid of the disputes app and its templates is
in Chinese (the default language: staff and public pages alike), and everything a worker reads is in Tibetan — the
landing page, the application form and its errors, the receipt, the tracking result, the party pages, the state
and event texts. The Tibetan is a machine-assisted draft awaiting native review, like the rest of locale/bo."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from disputes.models import DisputeState, Track
from disputes.selectors import EVENT_TEXT, RULE_TEXT, STATUS_TEXT
from disputes.services.applications import application_validate
from tests.casework.test_i18n_bo import parse_po

TIBETAN = re.compile("[\u0F00-\u0FFF]")
CJK = re.compile("[\u4E00-\u9FFF]")
LOCALE = Path(settings.BASE_DIR) / "locale"
ZH, BO = LOCALE / "zh_Hans/LC_MESSAGES/django.po", LOCALE / "bo/LC_MESSAGES/django.po"

DISPUTES_SOURCES = ("disputes/", "templates/disputes/")
# What a worker (or an employer's clerk answering a case) reads: must be Tibetan too.
WORKER_SOURCES = ("templates/disputes/public/", "templates/disputes/party/", "disputes/forms.py",
                  "disputes/services/applications.py", "disputes/services/limitation.py", "disputes/selectors.py")
TOKEN = re.compile(r"%\(\w+\)s|%s|%d|\{\w*\}|</?\w+[^>]*>")


def entries(path, sources):
    return [e for e in parse_po(path) if any(o.startswith(sources) for o in e["occurrences"])]


def test_every_disputes_msgid_is_in_chinese():
    found = entries(ZH, DISPUTES_SOURCES)
    assert len(found) > 900  # the parser found the disputes part of the catalog
    missing = [e["msgid"] for e in found if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert not missing, f"{len(missing)} disputes msgids untranslated in {ZH}: {missing[:20]}"
    no_chinese = [e["msgid"] for e in found if not CJK.search(e["msgstr"]) and not TOKEN.fullmatch(e["msgstr"])]
    # a few msgids are only placeholders or codes and stay as they are
    assert all(not re.search(r"[A-Za-z]{4,}", TOKEN.sub("", m)) for m in no_chinese), no_chinese


def test_worker_facing_disputes_msgids_are_in_tibetan():
    found = entries(BO, WORKER_SOURCES)
    assert len(found) > 200
    missing = [e["msgid"] for e in found if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert not missing, f"{len(missing)} worker-facing disputes msgids untranslated in {BO}: {missing[:20]}"
    not_tibetan = [e["msgid"] for e in found if not TIBETAN.search(e["msgstr"])]
    assert not not_tibetan, not_tibetan


@pytest.mark.parametrize("path", [ZH, BO])
def test_placeholders_and_markup_are_kept(path):
    bad = [e["msgid"] for e in entries(path, DISPUTES_SOURCES)
           if e["msgstr"] and sorted(TOKEN.findall(e["msgid"])) != sorted(TOKEN.findall(e["msgstr"]))]
    assert not bad, bad


@pytest.mark.parametrize("lang,path,sources", [("zh-hans", ZH, DISPUTES_SOURCES), ("bo", BO, WORKER_SOURCES)])
def test_compiled_catalogs_are_up_to_date(lang, path, sources):
    """django.mo matches django.po (run compilemessages after editing a .po)."""
    with translation.override(lang):
        stale = [e["msgid"] for e in entries(path, sources)
                 if e["msgctxt"] is None and "msgid_plural" not in e and e["msgstr"]
                 and gettext(e["msgid"]) != e["msgstr"]]
    assert not stale, stale[:20]


@pytest.mark.parametrize("lang,script", [("bo", TIBETAN), ("zh-hans", CJK)])
def test_state_event_and_deadline_texts(lang, script):
    texts = {**{f"status {k}": v for k, v in STATUS_TEXT.items()}, **{f"event {k}": v for k, v in EVENT_TEXT.items()},
             **{f"rule {k}": v for k, v in RULE_TEXT.items()},
             **{f"state {s}": s.label for s in DisputeState}, **{f"track {t}": t.label for t in Track}}
    with translation.override(lang):
        wrong = {k: str(v) for k, v in texts.items() if not script.search(str(v))}
    assert not wrong, wrong
    assert set(STATUS_TEXT) == set(DisputeState)  # every state has a plain-words text for the party


def test_deadline_phrases_fit_into_the_next_deadline_sentence():
    """RULE_TEXT goes into "Next: …, by <date>." as a phrase: no shad of its own in Tibetan."""
    with translation.override("bo"):
        ended = [str(v) for v in RULE_TEXT.values() if str(v).endswith("།")]
    assert not ended, ended


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("disputes:index"), reverse("disputes:apply", args=["arbitration"]),
                                 reverse("disputes:apply", args=["mediation"]), reverse("disputes:receipt")])
def test_public_pages_in_tibetan(url):
    r = Client().get(url, {"lang": "bo"})
    body = r.content.decode()
    assert r.status_code == 200
    assert '<html lang="bo"' in body
    heading = re.sub(r"<[^>]+>", " ", re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1))
    assert TIBETAN.search(heading) and not CJK.search(heading), heading


@pytest.mark.django_db
@pytest.mark.parametrize("track", ["arbitration", "mediation"])
def test_application_errors_a_worker_sees_are_in_tibetan(track, commission, body):
    bad = {"region_code": "540102", "applicant": {"name": "扎西", "id_number": "540102199001011230", "phone": "1"},
           "employer": {}, "employment_status": "left", "items": [{"category": "wages", "amount": "x"}],
           "agent": {"name": "次仁"}}
    with translation.override("bo"):
        with pytest.raises(Exception) as raised:
            application_validate(bad, track=track)
    errors = raised.value.errors
    for key in ("applicant.id_number", "applicant.phone", "employer.name", "claims_text", "facts_text",
                "employment_end", "agent.scope", "agent.id_number"):
        assert key in errors, (key, errors)
    untranslated = {k: m for k, msgs in errors.items() for m in msgs if not TIBETAN.search(m)}
    assert not untranslated, untranslated
