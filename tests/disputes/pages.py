"""Driving the disputes pages as a browser would, with Django's test client: read a form from the HTML the page
sent (its inputs, selected options, checked boxes and textareas), change only fields that the page really has, and
post it. A test that posts a field the page does not offer fails here, so the tests prove the pages, not the views'
tolerance of extra keys."""
import re
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

__all__ = ["Form", "forms_of", "form_with", "submit", "text", "task_ids", "staff_client", "apply_online",
           "code_from_receipt", "track", "take_and_complete", "case_act", "APPLICATION"]


class Form:
    def __init__(self, action: str, method: str, css: str):
        self.action = action
        self.method = method
        self.css = css
        self.fields: dict[str, object] = {}   # name -> value ("" for an empty input, "on" for a checked box)
        self.kinds: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}
        self.buttons: set[tuple[str, str]] = set()

    def data(self, button: tuple[str, str] | None = None, **changes) -> dict:
        unknown = [k for k in changes if k not in self.fields]
        assert not unknown, f"the form has no field {unknown}; it has {sorted(self.fields)}"
        out = {}
        for name, value in {**self.fields, **changes}.items():
            if self.kinds.get(name) == "checkbox":
                if value in (True, "on"):
                    out[name] = "on"
            elif value is not None:
                out[name] = value
        if button is not None:
            assert button in self.buttons, f"no button {button}; the form has {sorted(self.buttons)}"
            out[button[0]] = button[1]
        return out


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower(), a.get("class") or "")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "button" and name:
            self._form.buttons.add((name, a.get("value", "")))
        elif tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            self._form.kinds[name] = kind
            if kind == "checkbox":
                self._form.fields[name] = "on" if "checked" in a else ""
            elif kind == "radio":
                self._form.choices.setdefault(name, []).append(a.get("value", ""))
                self._form.fields.setdefault(name, "")
                if "checked" in a:
                    self._form.fields[name] = a.get("value", "")
            else:
                self._form.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._form.kinds[name] = "select"
            self._form.fields.setdefault(name, "")
            self._form.choices[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form.choices[self._select].append(value)
            if "selected" in a:
                self._form.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.kinds[name] = "textarea"
            self._form.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data.lstrip("\n") if not self._form.fields[self._textarea] else data


def text(response) -> str:
    return response.content.decode()


def forms_of(html: str) -> list[Form]:
    p = _Parser()
    p.feed(html)
    return p.forms


def form_with(html: str, field: str | None = None, value=None, css: str | None = None) -> Form:
    """The form of the page that has ``field`` (with ``value``, e.g. the hidden "action" of a case act), or the
    CSS class ``css``."""
    for f in forms_of(html):
        if css is not None and css not in f.css.split():
            continue
        if field is None or (field in f.fields and (value is None or f.fields[field] == value)):
            return f
    raise AssertionError(f"no form with {field}={value!r} {css or ''} on the page")


def submit(client: Client, url: str, form: Form, expect: int = 302, button=None, **changes):
    response = client.post(form.action or url, form.data(button, **changes))
    assert response.status_code == expect, text(response)[:4000]
    return response


def staff_client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# The online application as typed by a worker (the payload shape of application_validate, as field paths).
APPLICATION = {
    "region_code": "540102",
    "applicant.name": "次仁多吉", "applicant.id_number": "540102199001011233", "applicant.phone": "13900000011",
    "applicant.address": "拉萨市城关区八廓街1号", "applicant.occupation": "钢筋工",
    "applicant.preferred_language": "zh-hans",
    "employer.name": "西藏示例建筑工程有限公司", "employer.uscc": "91540100MA6T00012D",
    "employer.address": "拉萨市城关区金珠西路8号", "employer.legal_rep_name": "王某",
    "employer.contact_phone": "08916330000",
    "workers_count": "1", "employment_status": "left", "employment_start": "2024-09-01",
    "employment_end": "2025-05-31", "knew_on": "2025-04-15",
    "items.0.category": "wages", "items.0.period_start": "2025-03-01", "items.0.period_end": "2025-05-31",
    "items.0.amount": "6000",
    "claims_text": "请求裁决被申请人支付拖欠工资6000元。", "facts_text": "申请人在被申请人工地做钢筋工，三个月工资未付。",
}


def apply_online(client: Client, track: str, **changes):
    """GET the application page, fill in its form and send it; returns the receipt page's response."""
    url = reverse("disputes:apply", args=[track])
    page = client.get(url)
    assert page.status_code == 200, text(page)[:2000]
    form = form_with(text(page), "claims_text")
    submit(client, url, form, button=("action", "submit"), **{**APPLICATION, **changes})
    receipt = client.get(reverse("disputes:receipt"))
    assert receipt.status_code == 200
    return receipt


def code_from_receipt(html: str) -> tuple[str, str]:
    number = re.search(r"\b(\d{4}-\d{4}-[12]-\d{5}-\d)\b", html).group(1)
    code = re.search(r'<span class="digit-group">(\d{4})</span><span class="sep"> </span><wbr>'
                     r'<span class="digit-group">(\d{4})</span>', html)
    return number, code.group(1) + code.group(2)


def track(client: Client, number: str, code: str):
    """casework's tracking page with a dispute number: it hands over to the disputes tracking page."""
    r = client.post(reverse("track"), {"case_number": number, "access_code": code})
    assert r.status_code == 302 and r["Location"] == reverse("disputes:track-result"), text(r)[:2000]
    page = client.get(r["Location"])
    assert page.status_code == 200
    return page


def task_ids(client: Client, number: str) -> list[int]:
    """The open tasks listed on the staff case page."""
    page = client.get(reverse("disputes:staff-case", args=[number]))
    assert page.status_code == 200, text(page)[:2000]
    return [int(i) for i in re.findall(r'href="/staff/tasks/(\d+)/"', text(page))]


def take_and_complete(client: Client, number: str, expect: int = 302, take: bool = True, **values):
    """Open the case's one open task on its page, take it, fill in the step's form and complete it."""
    ids = task_ids(client, number)
    assert len(ids) == 1, ids
    url = reverse("staff-task", args=[ids[0]])
    if take:
        r = client.post(reverse("staff-task-take", args=[ids[0]]))
        assert r.status_code == 302 and r["Location"] == url, text(r)[:2000]
    page = client.get(url)
    assert page.status_code == 200, text(page)[:2000]
    form = form_with(text(page), css="task-form")
    return submit(client, url, form, expect=expect, **values)


def case_act(client: Client, number: str, act: str, expect: int = 302, **values):
    """A case act from the staff case page: the form of that act, filled in and sent."""
    url = reverse("disputes:staff-case", args=[number])
    page = client.get(url)
    assert page.status_code == 200, text(page)[:2000]
    form = form_with(text(page), "action", act)
    return submit(client, url, form, expect=expect, **values)
