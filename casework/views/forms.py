"""Input definitions for the pages. They describe how a field looks (label, hint, widget) and how its raw value is
read from a POST; they check nothing. The rules live in the services: the guided intake is checked step by step
with ``casework.services.intake.intake_validate(payload, fields=STEP_FIELDS[n])`` and the staff actions by
``casework.services.case_actions``.

The intake form uses the API's payload shape directly: an input named ``complainant.id_number`` or
``items.2.amount_claimed`` is stored at that path in the draft and errors come back under the same path, so an
error lands next to its field without any mapping table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.models import Category

from ..models import Attachment, Complaint, InspectionRecord, Language, Region
from ..services.intake import STEP_FIELDS

__all__ = [
    "Input", "Group", "Step", "STEPS", "BoundInput", "read_step", "bind_step", "error_summary", "step_of_error",
    "region_choices", "label_for", "form_error_summary", "step_url", "InspectionRecordForm", "VerifyItemForm", "PaymentForm", "EvidenceForm",
    "CaseFilterForm", "TrackForm", "ResubmitForm",
]


# --- choices ------------------------------------------------------------------------------------------------------

def region_choices() -> list:
    """Prefectures as option groups, each with itself ("not sure of the county") and its counties."""
    regions = list(Region.objects.exclude(level=Region.Level.PROVINCE).order_by("code"))
    groups = []
    for pref in (r for r in regions if r.level == Region.Level.PREFECTURE):
        opts = [(pref.code, _("%(name)s (whole prefecture, county not known)") % {"name": pref.display_name})]
        opts += [(r.code, r.display_name) for r in regions if r.parent_id == pref.code]
        groups.append((pref.display_name, opts))
    return groups


KIND_CHOICES = [
    (Complaint.Kind.COMPLAINT, _("Complaint: I (or my group of workers) am owed wages")),
    (Complaint.Kind.REPORT, _("Report: I am reporting a violation; I may stay anonymous")),
]
KIND_HINTS = {
    Complaint.Kind.COMPLAINT: _("You give your name, ID number and phone so that the office can act for you."),
    Complaint.Kind.REPORT: _("Your identity is kept secret by law (Inspection Regulation art. 9)."),
}
SECTOR_CHOICES = [
    (Complaint.Sector.CONSTRUCTION, _("Construction project (buildings, roads, bridges, water works)")),
    (Complaint.Sector.OTHER, _("Any other work (restaurant, shop, factory, mine, transport, …)")),
]
STATUS_CHOICES = [
    (Complaint.EmploymentStatus.EMPLOYED, _("I still work there")),
    (Complaint.EmploymentStatus.LEFT, _("I have left")),
]


def _choices(value):
    return value() if callable(value) else value


# --- the guided intake ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str = "text"  # text, tel, number, decimal, date, select, radio, checkbox, textarea
    hint: str = ""
    choices: object = None  # list, or a callable returning one; option groups as (label, [(value, label)])
    optional: bool = False
    autocomplete: str = ""
    inputmode: str = ""
    maxlength: int | None = None
    width: str = ""  # a CSS width class: w-4, w-10, w-20
    blank_label: str = ""
    choice_hints: dict | None = None


@dataclass(frozen=True)
class Group:
    key: str  # "" = top-level fields; otherwise the nested object or the repeated list in the payload
    legend: str
    inputs: tuple
    hint: str = ""
    repeat: bool = False
    row_label: str = ""  # "Row %(n)s" for repeated groups
    add_label: str = ""
    remove_label: str = ""
    max_rows: Callable | None = None
    min_rows: int = 0


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    intro: str
    groups: tuple
    uploads: bool = False


PERSON_INPUTS = (
    Input("name", _("Full name"), autocomplete="name", maxlength=64, width="w-20"),
    Input("id_number", _("Resident ID number"), hint=_("18 characters, as printed on the ID card."),
          autocomplete="off", inputmode="text", maxlength=21, width="w-20"),
    Input("phone", _("Mobile phone"), kind="tel", hint=_("11 digits. The office will call you on this number."),
          autocomplete="tel-national", inputmode="tel", maxlength=16, width="w-10"),
)


def _max_reps():
    from ..services.config import param

    return int(param("intake.max_representatives"))


STEPS = {
    1: Step(1, _("Who you are"), _("Tell us whether you are owed wages yourself or reporting a violation."), (
        Group("", "", (
            Input("kind", _("What do you want to do?"), kind="radio", choices=KIND_CHOICES, choice_hints=KIND_HINTS),
        )),
        Group("complainant", _("Your details"), PERSON_INPUTS + (
            Input("address", _("Address"), optional=True, autocomplete="street-address", maxlength=255),
            Input("preferred_language", _("Language for letters and calls"), kind="select",
                  choices=Language.choices),
        ), hint=_("For a report you may leave these empty. They are never shown to the public.")),
        Group("", _("Other workers"), (
            Input("is_collective", _("Several workers are complaining together about the same employer"),
                  kind="checkbox"),
            Input("workers_affected", _("How many workers are owed wages?"), kind="number",
                  hint=_("Count yourself too."), inputmode="numeric", width="w-4"),
        )),
        Group("representatives", _("Representatives of a group complaint"), PERSON_INPUTS, repeat=True,
              hint=_("A group of workers elects up to 5 representatives. Leave this empty if you complain alone."),
              row_label=_("Representative %(n)s"), add_label=_("Add a representative"),
              remove_label=_("Remove representative %(n)s"), max_rows=_max_reps),
    )),
    2: Step(2, _("Employer and workplace"), _("Who owes the wages, and where the work was done."), (
        Group("employer", _("Employer"), (
            Input("name", _("Employer's name"), hint=_("The company, shop or boss who should pay you."),
                  autocomplete="organization", maxlength=200),
            Input("uscc", _("Unified social credit code"), optional=True,
                  hint=_("18 characters, on the business licence. Leave empty if you do not know it."),
                  autocomplete="off", maxlength=20, width="w-20"),
            Input("address", _("Employer's address"), optional=True, maxlength=255),
            Input("legal_rep_name", _("Name of the boss or legal representative"), optional=True, maxlength=64,
                  width="w-20"),
        )),
        Group("", _("Workplace"), (
            Input("region_code", _("Where did you work?"), kind="select", choices=region_choices,
                  blank_label=_("Choose a prefecture or county"),
                  hint=_("The labour inspection office of that place handles your case.")),
            Input("sector", _("Kind of work"), kind="radio", choices=SECTOR_CHOICES),
            Input("project_name", _("Project name (construction only)"), optional=True, maxlength=200,
                  hint=_("As on the sign at the site, for example “Lhasa Chengguan resettlement housing”.")),
            Input("project_location", _("Project location (construction only)"), optional=True, maxlength=255),
        )),
    )),
    3: Step(3, _("Employment and dates"), _("When you worked and when the wages stopped being paid."), (
        Group("", _("Your work"), (
            Input("employment_status", _("Do you still work there?"), kind="radio", choices=STATUS_CHOICES),
            Input("employment_end_date", _("Last day of work"), kind="date",
                  hint=_("Only if you have left."), optional=True),
        )),
        Group("", _("Unpaid wages"), (
            Input("violation_start", _("Since when have wages not been paid?"), kind="date",
                  hint=_("The first day of the first unpaid period, for example 2026-07-01.")),
            Input("is_continuing", _("Wages are still not being paid now"), kind="checkbox"),
            Input("violation_end", _("Until when were wages not paid?"), kind="date",
                  hint=_("Leave empty if wages are still not being paid."), optional=True),
        )),
    )),
    4: Step(4, _("Amounts owed"), _("One row per worker, per month and per kind of pay. Rough amounts are fine: "
                                   "an inspector checks them."), (
        Group("items", _("Unpaid amounts, one row each"), (
            Input("category", _("Kind of pay"), kind="select", choices=Category.choices,
                  blank_label=_("Choose")),
            Input("period_start", _("From"), kind="date"),
            Input("period_end", _("To"), kind="date"),
            Input("amount_claimed", _("Amount owed (yuan)"), kind="decimal", inputmode="decimal", width="w-10",
                  hint=_("For example 3500 or 3500.50.")),
            Input("worker_name", _("Worker's name"), optional=True, maxlength=64, width="w-20",
                  hint=_("Only if the row is for another worker of the group.")),
            Input("worker_id_number", _("Worker's ID number"), optional=True, maxlength=21, width="w-20",
                  autocomplete="off"),
        ), repeat=True, row_label=_("Row %(n)s"), add_label=_("Add another row"),
            remove_label=_("Remove row %(n)s"), min_rows=1),
    )),
    5: Step(5, _("What happened"), _("Describe the facts in your own words, say what you ask for, and add photos "
                                    "or PDFs if you have them."), (
        Group("", "", (
            Input("facts", _("What happened?"), kind="textarea",
                  hint=_("Who owes you, for what work, since when, and what the employer said.")),
            Input("requests", _("What do you ask for?"), kind="textarea", optional=True,
                  hint=_("For example: pay the unpaid wages for July to September.")),
        )),
    ), uploads=True),
}
LAST_STEP = max(STEPS)
REVIEW_STEP = LAST_STEP + 1


def _get(data: dict, path: str):
    cur = data
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
    return cur


@dataclass
class Option:
    value: str
    label: str
    selected: bool
    id: str = ""
    hint: str = ""


@dataclass
class BoundInput:
    input: Input
    path: str
    value: object
    errors: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + self.path.replace(".", "-")

    @property
    def anchor(self) -> str:
        return self.id + "-0" if self.input.kind == "radio" else self.id

    @property
    def kind(self):
        return self.input.kind

    @property
    def html_type(self) -> str:
        return {"tel": "tel", "date": "date"}.get(self.input.kind, "text")

    @property
    def described_by(self) -> str:
        return " ".join(x for x in [f"{self.id}-hint" if self.input.hint else "",
                                    f"{self.id}-error" if self.errors else ""] if x)

    @property
    def checked(self) -> bool:
        return self.value is True or str(self.value).lower() in {"1", "true", "on", "yes"}

    @property
    def text(self) -> str:
        return "" if self.value is None or isinstance(self.value, bool) else str(self.value)

    @property
    def options(self) -> list:
        """Flat options (radio, select without groups)."""
        current = self.text
        hints = self.input.choice_hints or {}
        return [Option(str(v), lbl, str(v) == current, f"{self.id}-{i}", hints.get(v, ""))
                for i, (v, lbl) in enumerate(_choices(self.input.choices) or [])]

    @property
    def optgroups(self) -> list:
        """[(group label, [Option])] for a select with option groups; [] if it has none."""
        raw = _choices(self.input.choices) or []
        if not raw or not isinstance(raw[0][1], (list, tuple)):
            return []
        current = self.text
        return [(label, [Option(str(v), lbl, str(v) == current) for v, lbl in opts]) for label, opts in raw]

    def display(self) -> str:
        """The value as the worker reads it back on the review page."""
        if self.input.kind == "checkbox":
            return str(_("Yes")) if self.checked else str(_("No"))
        raw = _choices(self.input.choices)
        if raw:
            flat = []
            for v, lbl in raw:
                flat.extend(lbl if isinstance(lbl, (list, tuple)) else [(v, lbl)])
            return str(dict((str(k), v) for k, v in flat).get(self.text, self.text))
        return self.text


@dataclass
class BoundGroup:
    group: Group
    fields: list  # BoundInput, for a plain group
    rows: list  # [{index, label, remove_label, fields: [BoundInput]}] for a repeated group
    errors: list

    @property
    def id(self) -> str:
        return "s-" + (self.group.key or self.fields[0].input.name)

    @property
    def can_add(self) -> bool:
        return self.group.max_rows is None or len(self.rows) < self.group.max_rows()


def _row_indexes(post, key: str) -> list[int]:
    pat = re.compile(rf"^{re.escape(key)}\.(\d+)\.")
    return sorted({int(m.group(1)) for k in post.keys() if (m := pat.match(k))})


def _read(post, path: str, inp: Input):
    if inp.kind == "checkbox":
        return path in post and post.get(path) not in ("", "0", "false")
    return post.get(path, "")


def read_step(step: int, post, data: dict, steps: dict | None = None) -> dict:
    """A copy of ``data`` with the step's inputs replaced by what was posted (exactly as typed). ``steps``: another
    form described with the same pieces (the dispute application), default the complaint's."""
    out = dict(data)
    for group in (steps or STEPS)[step].groups:
        if group.repeat:
            names = [i.name for i in group.inputs]
            out[group.key] = [{n: post.get(f"{group.key}.{idx}.{n}", "") for n in names}
                              for idx in _row_indexes(post, group.key)]
        elif group.key:
            obj = dict(out.get(group.key) or {})
            for inp in group.inputs:
                obj[inp.name] = _read(post, f"{group.key}.{inp.name}", inp)
            out[group.key] = obj
        else:
            for inp in group.inputs:
                out[inp.name] = _read(post, inp.name, inp)
    return out


def blank_row(row: dict) -> bool:
    return not any(str(v).strip() for v in row.values())


def bind_step(step: int, data: dict, errors: dict, *, defaults: dict | None = None,
              steps: dict | None = None) -> list[BoundGroup]:
    defaults = defaults or {}
    bound = []
    for group in (steps or STEPS)[step].groups:
        if group.repeat:
            rows = []
            for idx, _row in enumerate(data.get(group.key) or []):
                rows.append({"index": idx, "label": str(group.row_label) % {"n": idx + 1},
                             "remove_label": str(group.remove_label) % {"n": idx + 1},
                             "fields": [BoundInput(i, p, _get(data, p), errors.get(p, []))
                                        for i in group.inputs for p in [f"{group.key}.{idx}.{i.name}"]]})
            group_errors = list(errors.get(group.key, []))
            for idx in range(len(rows)):
                group_errors += errors.get(f"{group.key}.{idx}", [])
            bound.append(BoundGroup(group, [], rows, group_errors))
        else:
            fields = []
            for inp in group.inputs:
                path = f"{group.key}.{inp.name}" if group.key else inp.name
                value = _get(data, path)
                if value in (None, "") and path in defaults:
                    value = defaults[path]
                fields.append(BoundInput(inp, path, value, errors.get(path, [])))
            bound.append(BoundGroup(group, fields, [], list(errors.get(group.key, [])) if group.key else []))
    return bound


STEP_OF_FIELD = {name: n for n, names in STEP_FIELDS.items() for name in names}


def step_of_error(path: str) -> int | None:
    return STEP_OF_FIELD.get(path.split(".")[0])


def label_for(path: str, steps: dict | None = None) -> str:
    """A readable label for an error path: "Row 2: Amount owed (yuan)"."""
    parts = path.split(".")
    for step in (steps or STEPS).values():
        for group in step.groups:
            if group.repeat and parts[0] == group.key:
                if len(parts) == 1:
                    return str(group.legend)
                row = str(group.row_label) % {"n": int(parts[1]) + 1} if parts[1].isdigit() else ""
                inp = next((i for i in group.inputs if len(parts) > 2 and i.name == parts[2]), None)
                return f"{row}: {inp.label}" if inp else row
            if group.key and parts[0] == group.key:
                inp = next((i for i in group.inputs if len(parts) > 1 and i.name == parts[1]), None)
                return f"{group.legend}: {inp.label}" if inp else str(group.legend)
            if not group.key:
                inp = next((i for i in group.inputs if i.name == parts[0]), None)
                if inp:
                    return str(inp.label)
    if parts[0] == "evidence":
        return str(_("Evidence files"))
    return ""


def _anchor(path: str, steps: dict | None = None) -> str:
    """The id of the input (or section) an error path belongs to, for the links of the error summary."""
    parts = path.split(".")
    if path == "evidence":
        return "f-evidence"
    for step in (steps or STEPS).values():
        for group in step.groups:
            if group.key and parts[0] == group.key:
                deep_enough = len(parts) >= (3 if group.repeat else 2)
                return "f-" + path.replace(".", "-") if deep_enough else "s-" + group.key
            for inp in group.inputs:
                if not group.key and path == inp.name:
                    return "f-" + path + ("-0" if inp.kind == "radio" else "")
    return "main"


def step_url(step: int) -> str:
    from django.urls import reverse

    if step == 1:
        return reverse("intake-start")
    return reverse("intake-step", args=[step]) if step in STEPS else reverse("intake-review")


def error_summary(errors: dict, *, across_steps: bool = False, steps: dict | None = None) -> list[dict]:
    """[{label, message, href, step}] in the order the fields appear on the pages. ``across_steps``: links go to
    the step's page (the review page lists errors of every step). ``steps``: another form (one page), whose
    field order is the order of its inputs."""
    if steps is not None:
        names = [i.name if not g.key else g.key for st in steps.values() for g in st.groups for i in g.inputs]
        order = {name: i for i, name in enumerate(dict.fromkeys(names))}
    else:
        order = {name: i for i, name in enumerate(n for s in sorted(STEP_FIELDS) for n in STEP_FIELDS[s])}

    def key(path):
        parts = path.split(".")
        return (order.get(parts[0], -1 if parts[0] == "__all__" else 999),
                int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1, path)

    out = []
    for path in sorted(errors, key=key):
        step = step_of_error(path) if steps is None else None
        anchor = "" if path == "__all__" else _anchor(path, steps)
        href = ""
        if anchor:
            href = (step_url(step) if across_steps and step else "") + "#" + anchor
        for message in errors[path]:
            out.append({"label": "" if path == "__all__" else label_for(path, steps), "message": message, "href": href,
                        "step": step})
    return out


def form_error_summary(form, errors: dict | None = None) -> list[dict]:
    """The same summary for a Django form; ``errors`` (a DomainError's) defaults to the form's own."""
    errors = form.errors if errors is None else errors
    out = []
    for key, msgs in errors.items():
        label, href = "", ""
        if key in form.fields and not form.fields[key].widget.is_hidden:
            bf = form[key]
            label = str(bf.label)
            href = "#" + (bf.id_for_label or f"{bf.auto_id}_0")
        for m in msgs:
            out.append({"label": label, "message": str(m), "href": href})
    return out


# --- tracking ------------------------------------------------------------------------------------------------------

class TrackForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40,
                                  help_text=_("14 digits for a complaint (for example 2026-5401-00042-7), 15 for mediation or arbitration."),
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                                "class": "w-20"}))
    access_code = forms.CharField(label=_("Access code"), max_length=20,
                                  help_text=_("8 digits, given to you when you submitted."),
                                  widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                                    "class": "w-10"}))


class ResubmitForm(forms.Form):
    facts = forms.CharField(label=_("What happened (corrected and completed)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 8}),
                            help_text=_("Add what the office asked for. This text replaces your earlier description."))
    employer_name = forms.CharField(label=_("Employer's correct name"), required=False, max_length=200,
                                    help_text=_("Only if the name was wrong or missing."))
    employer_address = forms.CharField(label=_("Employer's address"), required=False, max_length=255)
    note = forms.CharField(label=_("Message to the office"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))


# --- staff ----------------------------------------------------------------------------------------------------------

STAGE_CHOICES = [
    ("", _("All stages")), ("intake", _("Intake")), ("investigation", _("Investigation")), ("order", _("Order")),
    ("decision", _("Decision")), ("enforcement", _("Enforcement")), ("closed", _("Closed")),
]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number or employer"), required=False, max_length=100)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=STAGE_CHOICES)
    region = forms.ChoiceField(label=_("Region"), required=False)
    overdue = forms.ChoiceField(label=_("Deadlines"), required=False, choices=[
        ("", _("All")), ("1", _("Overdue only")), ("0", _("Not overdue"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + region_choices()


class InspectionRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionRecord.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=255)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    inspectors = forms.MultipleChoiceField(label=_("Inspectors present (at least 2)"),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].choices = [(str(u.pk), u.get_full_name() or u.get_username()) for u in inspectors]


class VerifyItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    amount_verified = forms.DecimalField(label=_("Verified amount (yuan)"), max_digits=14, decimal_places=2,
                                         widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-10"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class PaymentForm(forms.Form):
    item_id = forms.TypedChoiceField(label=_("Item"), coerce=int)
    amount = forms.DecimalField(label=_("Amount paid (yuan)"), max_digits=14, decimal_places=2,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "w-10"}))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Method"), choices=[
        ("bank_transfer", _("bank transfer")), ("cash", _("cash")), ("wage_account", _("dedicated wage account")),
        ("other", _("other"))])
    reference = forms.CharField(label=_("Reference"), required=False, max_length=128)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_id"].choices = [(i.pk, lbl) for i, lbl in items]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File (photo or PDF)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)
    audience = forms.ChoiceField(label=_("Who may see it"), choices=Attachment.Audience.choices)
