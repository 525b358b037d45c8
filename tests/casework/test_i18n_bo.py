"""Tibetan (bo): the worker-facing pages, form errors, API errors and tracking texts are in Tibetan, and the catalog
locale/bo covers every msgid of the worker-facing code and templates (staff-only texts are not translated yet: they
fall back to Chinese). The Tibetan itself is a machine-assisted draft awaiting native review (docs/translation.md)."""
import codecs
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from casework.models import ComplaintState
from casework.selectors import tracking_view
from tests.api.conftest import make_client
from tests.factories import payload, submit

pytestmark = pytest.mark.django_db

TIBETAN = re.compile("[\u0F00-\u0FFF]")
CJK = re.compile("[\u4E00-\u9FFF]")
PO = Path(settings.BASE_DIR) / "locale" / "bo" / "LC_MESSAGES" / "django.po"
WRONG_ID = "540102199001011234"  # check digit should be 3
CHECK_DIGIT = "This ID number's check digit is wrong. Please check each digit against the ID card."

# Where the worker-facing msgids live: every msgid with an occurrence here must be translated.
WORKER_SOURCES = ("templates/public/", "templates/includes/", "templates/base.html", "casework/views/public.py",
                  "casework/views/forms.py", "casework/services/intake.py", "casework/services/evidence.py",
                  "casework/identity.py", "casework/selectors.py")


def bo(msgid: str) -> str:
    with translation.override("bo"):
        return gettext(msgid)


def h1(body: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    assert match, "no <h1>"
    return re.sub(r"<[^>]+>", " ", match.group(1))


@pytest.mark.parametrize("url", ["/", reverse("intake-start"), reverse("track")])
def test_public_pages_in_tibetan(url):
    r = Client().get(url, {"lang": "bo"})
    body = r.content.decode()
    assert r.status_code == 200
    assert '<html lang="bo"' in body
    heading = h1(body)
    assert TIBETAN.search(heading), heading
    assert not CJK.search(heading), heading  # no Chinese fallback in the heading


def test_shared_link_sticks_in_tibetan():
    client = Client()
    r = client.get("/", {"lang": "bo"})
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bo"
    assert '<html lang="bo"' in client.get(reverse("track")).content.decode()


def test_step1_error_in_tibetan():
    from tests.casework.test_pages_public import STEP1

    client = Client()
    client.get(reverse("intake-start"), {"lang": "bo"})
    r = client.post(reverse("intake-start"), {**STEP1, "complainant.id_number": WRONG_ID, "action": "next"})
    body = r.content.decode()
    assert r.status_code == 400 and '<html lang="bo"' in body
    message = bo(CHECK_DIGIT)
    assert message != CHECK_DIGIT and TIBETAN.search(message)
    assert message in body
    assert bo("Please check the following") in body


def test_api_intake_errors_in_tibetan():
    bad = payload(complainant={"name": "扎西", "id_number": WRONG_ID, "phone": "138", "preferred_language": "bo"})
    r = make_client(language="bo").post("/api/v1/complaints/", bad, format="json")
    assert r.status_code == 400, r.content
    assert r["Content-Language"] == "bo"
    errors = r.json()["errors"]
    assert errors["complainant.id_number"] == [bo(CHECK_DIGIT)]
    for field in ("complainant.id_number", "complainant.phone"):
        for message in errors[field]:
            assert TIBETAN.search(message), (field, message)


def test_api_tracking_in_tibetan():
    r = submit()
    resp = make_client(language="bo").get(f"/api/v1/track/{r.complaint.case_number}/", {"code": r.access_code})
    assert resp.status_code == 200 and resp["Content-Language"] == "bo"
    body = resp.json()
    assert TIBETAN.search(body["status_display"])
    assert all(TIBETAN.search(e["text"]) for e in body["events"])
    wrong = make_client(language="bo").get(f"/api/v1/track/{r.complaint.case_number}/", {"code": "00000000"})
    assert wrong.status_code == 404 and TIBETAN.search(str(wrong.json()))


def test_every_status_is_translated():
    complaint = submit().complaint
    for state in ComplaintState:
        complaint.state = state
        with translation.override("en"):
            english = tracking_view(complaint)["status_display"]
        with translation.override("bo"):
            tibetan = tracking_view(complaint)["status_display"]
        assert tibetan != english and TIBETAN.search(tibetan), (state, tibetan)


def test_tracking_result_page_in_tibetan():
    r = submit()
    client = Client()
    client.get(reverse("track"), {"lang": "bo"})
    ok = client.post(reverse("track"), {"case_number": r.complaint.case_number, "access_code": r.access_code})
    assert ok.status_code == 302
    body = client.get(reverse("track-result")).content.decode()
    status = re.search(r'class="status-text"[^>]*>(.*?)<', body, re.S).group(1)
    assert TIBETAN.search(status), status


# --- the catalog ---------------------------------------------------------------------------------------------------

def _unquote(line: str) -> str:
    return codecs.escape_decode(line.strip()[1:-1].encode("utf-8"))[0].decode("utf-8")


def parse_po(path: Path) -> list[dict]:
    """A small .po reader (polib is not a dependency): per entry its occurrences, flags, msgctxt, msgid and msgstr
    (msgstr[0] for plurals); obsolete (#~) entries are skipped."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            close()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"occurrences": [], "flags": set(), "msgctxt": None}
        if line.startswith("#:"):
            entry["occurrences"] += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            field = "msgstr" if keyword == "msgstr[0]" else keyword
            if keyword.startswith("msgstr[") and keyword != "msgstr[0]":
                field = "_other_plural"
            entry[field] = _unquote(rest)
    return [e for e in entries if e["msgid"]]


def worker_entries():
    return [e for e in parse_po(PO) if any(o.startswith(WORKER_SOURCES) for o in e["occurrences"])]


def test_catalog_header():
    text = PO.read_text(encoding="utf-8")
    assert '"Language: bo\\n"' in text
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text


def test_worker_facing_msgids_are_all_translated():
    entries = worker_entries()
    assert len(entries) > 300  # the parser found the worker-facing part of the catalog
    missing = [e["msgid"] for e in entries if not e["msgstr"] or "fuzzy" in e["flags"]]
    assert not missing, f"{len(missing)} worker-facing msgids untranslated in {PO}: {missing[:20]}"


def test_placeholders_and_markup_are_kept():
    token = re.compile(r"%\(\w+\)s|%s|%d|\{\w*\}|</?\w+[^>]*>")
    bad = [e["msgid"] for e in parse_po(PO)
           if e["msgstr"] and sorted(token.findall(e["msgid"])) != sorted(token.findall(e["msgstr"]))]
    assert not bad, bad


def test_compiled_catalog_is_up_to_date():
    """django.mo matches django.po: every translated worker-facing entry comes back from gettext in bo (run
    `manage.py compilemessages -l bo` after editing the .po)."""
    stale = [e["msgid"] for e in worker_entries()
             if e["msgctxt"] is None and "msgid_plural" not in e and bo(e["msgid"]) != e["msgstr"]]
    assert not stale, stale[:20]


# --- the worker's messages (notifications/locale/bo) ---------------------------------------------------------------

def test_worker_notification_texts_are_tibetan():
    from notifications.texts import TEXTS

    worker = {key: texts for key, texts in TEXTS.items() if key[0] == "worker"}
    assert worker
    with translation.override("bo"):
        untranslated = [str(t) for texts in worker.values() for t in texts if not TIBETAN.search(str(t))]
    assert not untranslated, untranslated


def test_receipt_sms_in_tibetan():
    from notifications.models import Message

    r = submit()  # the demo payload asks for letters and calls in Tibetan
    message = Message.objects.get(case_number=r.complaint.case_number, recipient_kind="worker")
    assert message.language == "bo"
    assert TIBETAN.search(message.body) and r.complaint.case_number in message.body
    assert r.access_code not in message.body
