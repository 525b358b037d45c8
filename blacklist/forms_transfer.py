"""Input definitions for the criminal-transfer steps (task page, task API, the opening page): labels and widgets
only. The rules are in blacklist.services_transfer."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casework.access import Role

from .models_transfer import CriminalTransfer as C

__all__ = ["OpenForm", "ReportForm", "HeadDecisionForm", "TransferSendForm", "PoliceReceiveForm",
           "PoliceDecisionForm", "ReconsiderationForm", "PoliceReconsiderationForm", "OutcomeForm", "staff_usernames"]

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})
SHORT = forms.Textarea(attrs={"rows": 2})


def staff_usernames():
    """Active inspectors and inspection heads (the service checks that each one reaches the case's region)."""
    users = (get_user_model().objects.filter(is_active=True, groups__name__in=[Role.INSPECTOR, Role.INSPECTION_HEAD])
             .distinct().order_by("username").values_list("username", flat=True))
    return [(u, u) for u in users]


class OpenForm(forms.Form):
    order_service = forms.ChoiceField(label=_("How the order to pay reached the employer"),
                                      choices=C.OrderService.choices, widget=forms.RadioSelect)
    order_served_on = forms.DateField(label=pgettext_lazy("date the order to pay was served", "Served on"),
                                      required=False, widget=DATE)
    posted_on = forms.DateField(label=_("Posted on"), required=False, widget=DATE)
    posted_place = forms.CharField(label=_("Posted at (residence or business premises)"), required=False,
                                   max_length=255)
    posted_evidence = forms.TypedChoiceField(label=_("Photo or video of the posting"), required=False, coerce=int,
                                             empty_value=None, choices=())
    posted_upload = forms.FileField(label=_("…or upload the photo or video now"), required=False)

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        atts = complaint.attachments.order_by("uploaded_at", "pk") if complaint is not None else []
        self.fields["posted_evidence"].choices = [("", "—")] + [
            (a.pk, f"{a.original_name} ({a.uploaded_at:%Y-%m-%d})") for a in atts
            if a.mime.startswith("image/") or a.mime.startswith("video/")]


class ReportForm(forms.Form):
    officers = forms.MultipleChoiceField(
        label=_("Task team (at least 2 officers)"), choices=(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Inspectors or inspection heads of the case's region who made the report."))
    report_text = forms.CharField(label=_("Investigation report"), widget=forms.Textarea(attrs={"rows": 8}))
    evidence_list = forms.CharField(label=_("List of evidence and items"), widget=TEXT)
    conduct = forms.ChoiceField(label=_("Conduct"), choices=C.Conduct.choices, widget=forms.RadioSelect)
    evasion_kinds = forms.MultipleChoiceField(label=_("Means of evasion"), required=False,
                                              choices=C.Evasion.choices, widget=forms.CheckboxSelectMultiple)
    evasion_facts = forms.CharField(label=_("Facts of the evasion"), required=False, widget=TEXT)
    consequence_kinds = forms.MultipleChoiceField(label=_("Serious consequences"), required=False,
                                                  choices=C.Consequence.choices, widget=forms.CheckboxSelectMultiple)
    consequence_facts = forms.CharField(label=_("Facts of the serious consequences"), required=False, widget=TEXT)
    other_materials = forms.CharField(label=_("Other materials (one per line)"), required=False, widget=SHORT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = staff_usernames()


class HeadDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve the transfer")), ("no", _("Refuse the transfer"))])
    reasons = forms.CharField(label=_("Reasons (required for a refusal)"), required=False, widget=TEXT)


class TransferSendForm(forms.Form):
    police_agency = forms.CharField(label=_("Police agency (same level)"), max_length=200)
    transfer_doc_no = forms.CharField(label=_("Transfer letter number (empty: numbered by the system)"),
                                      required=False, max_length=64)
    procuratorate_copied = forms.BooleanField(label=_("A copy was sent to the procuratorate"), required=False)


class PoliceReceiveForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    receipt_no = forms.CharField(label=_("Receipt number"), required=False, max_length=64)


class PoliceDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=C.PoliceDecision.choices)
    notice_no = forms.CharField(label=_("Notice number"), max_length=64)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reasons = forms.CharField(label=_("Reasons (required when not filed)"), required=False, widget=TEXT)


class ReconsiderationForm(forms.Form):
    request = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Ask the police to reconsider")),
                                              ("no", _("Accept the non-filing"))])
    requested_on = forms.DateField(label=_("Requested on"), required=False, widget=DATE)
    reasons = forms.CharField(label=_("Grounds for reconsideration, or why the non-filing is accepted"),
                              widget=TEXT)


class PoliceReconsiderationForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=C.ReconsiderationResult.choices)
    notice_no = forms.CharField(label=_("Notice number"), max_length=64)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reasons = forms.CharField(label=_("Reasons (required when the non-filing is upheld)"), required=False,
                              widget=TEXT)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=C.Outcome.choices)
    outcome_on = forms.DateField(label=_("Date"), widget=DATE)
    judgment_no = forms.CharField(label=_("Judgment or decision number"), required=False, max_length=64)
    note = forms.CharField(label=_("Note"), required=False, widget=SHORT)
