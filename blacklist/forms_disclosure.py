"""Input definitions of the disclosure pages and API (labels and widgets only; the rules are in
blacklist.services_disclosure). One form per step; the step table (blacklist.disclosure_steps) names them."""
from django import forms
from django.utils.translation import gettext_lazy as _l

from casework.models import Region

from .models_disclosure import Disclosure, DisclosureBatch, DisclosureCategory, DisclosureMediaRef

__all__ = ["PublicSearchForm", "QueueForm", "EditForm", "EmptyForm", "NoteForm", "ApproveForm", "MoveForm",
           "MediaForm", "ObjectionForm", "ObjectionDecideForm", "WithdrawForm", "AdHocForm"]

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 4})


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=_l("Employer name (or part of it)"), required=False, max_length=100)
    uscc = forms.CharField(label=_l("Unified social credit code"), required=False, max_length=32)
    region = forms.ChoiceField(label=_l("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level=Region.Level.PREFECTURE).order_by("code")
        self.fields["region"].choices = [("", _l("All of Tibet"))] + [(r.code, r.display_name) for r in regions]


class _DisclosureForm(forms.Form):
    def __init__(self, *args, disclosure=None, **kwargs):
        self.disclosure = disclosure
        super().__init__(*args, **kwargs)


class QueueForm(forms.Form):
    """Queue a decision: ``document`` (a handling or penalty decision), ``transfer`` (an approved criminal
    transfer) or, for ``source`` MANUAL, the decision entered by hand (employer, region, number, date)."""
    source = forms.ChoiceField(label=_l("Source"), choices=Disclosure.Source.choices)
    category = forms.TypedChoiceField(label=_l("Category (Order 29)"), coerce=int,
                                      choices=DisclosureCategory.choices)
    facts = forms.CharField(label=_l("Main facts of the violation (no names of workers, no ID or phone numbers)"),
                            widget=TEXT)
    handling = forms.CharField(label=_l("How it was handled"), widget=TEXT)
    document = forms.IntegerField(label=_l("Decision document"), required=False, widget=forms.HiddenInput)
    transfer = forms.IntegerField(label=_l("Criminal transfer"), required=False, widget=forms.HiddenInput)
    employer = forms.IntegerField(label=_l("Employer (id)"), required=False)
    region_code = forms.RegexField(label=_l("Deciding region (code)"), regex=r"^\d{6}$", required=False)
    decision_no = forms.CharField(label=_l("Decision number"), required=False, max_length=64)
    decision_date = forms.DateField(label=_l("Decided on"), required=False, widget=DATE)


class EditForm(_DisclosureForm):
    category = forms.TypedChoiceField(label=_l("Category (Order 29)"), coerce=int, choices=DisclosureCategory.choices)
    unit_name = forms.CharField(label=_l("Entity's full name"), max_length=200)
    uscc = forms.CharField(label=_l("Unified social credit code or registration number"), max_length=32,
                           required=False)
    address = forms.CharField(label=_l("Address"), max_length=255, required=False)
    legal_rep_name = forms.CharField(label=_l("Legal representative or person in charge"), max_length=64)
    facts = forms.CharField(label=_l("Main facts of the violation"), widget=TEXT)
    handling = forms.CharField(label=_l("How it was handled"), widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.disclosure is not None and not self.is_bound:
            for name in self.fields:
                self.fields[name].initial = getattr(self.disclosure, name)


class EmptyForm(_DisclosureForm):
    pass


class NoteForm(_DisclosureForm):
    note = forms.CharField(label=_l("Why it goes back"), widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(_DisclosureForm):
    no_secrets = forms.BooleanField(label=_l("I checked the text: it contains no state secret, business secret or "
                                             "personal privacy"), required=False)


class MoveForm(_DisclosureForm):
    batch = forms.TypedChoiceField(label=_l("Batch"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.disclosure is not None:
            d = self.disclosure
            qs = DisclosureBatch.objects.filter(region_id=d.region_id).filter(
                kind=DisclosureBatch.Kind.AD_HOC) | DisclosureBatch.objects.filter(pk=d.batch_id)
            self.fields["batch"].choices = [(b.pk, f"{b.label} ({b.get_kind_display()})")
                                            for b in qs.order_by("-period_start", "-id")[:50]]


class MediaForm(_DisclosureForm):
    medium = forms.ChoiceField(label=_l("Medium"), choices=DisclosureMediaRef.Medium.choices)
    name = forms.CharField(label=_l("Name of the newspaper, station or site"), max_length=200)
    published_on = forms.DateField(label=_l("Published on"), widget=DATE)


class ObjectionForm(_DisclosureForm):
    received_on = forms.DateField(label=_l("Objection received on"), widget=DATE)
    text = forms.CharField(label=_l("What the employer says"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecideForm(_DisclosureForm):
    result = forms.ChoiceField(label=_l("Outcome"), choices=Disclosure.ObjectionResult.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_l("Answer to the employer"), widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_l("Corrected main facts (only for a correction)"), required=False, widget=TEXT)
    handling = forms.CharField(label=_l("Corrected handling (only for a correction)"), required=False, widget=TEXT)


class WithdrawForm(_DisclosureForm):
    reason = forms.CharField(label=_l("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3}))


class AdHocForm(forms.Form):
    region_code = forms.ChoiceField(label=_l("Department (region)"), choices=())
    reason = forms.CharField(label=_l("Why an ad hoc release"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [(r.code, f"{r.name_zh} {r.code}") for r in regions]
