"""The online application for mediation or arbitration, described with the same pieces as the guided complaint
(casework.views.forms: Input, Group, Step). Inputs are named by their path in the payload that
``disputes.services.applications.application_validate`` checks, so an error lands next to its field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from arrears.models import Category
from casework.models import Language
from casework.views.forms import PERSON_INPUTS, Group, Input, Step, region_choices

__all__ = ["application_steps", "STAFF_CHANNELS", "DefenceForm", "CaseFilterForm"]

STATUS_CHOICES = [("employed", _("I still work there")), ("left", _("I have left"))]
STAFF_CHANNELS = [("walk_in", _("in person at the office")), ("oral", _("oral application recorded on the spot")),
                  ("letter", _("letter")), ("phone", _("phone"))]


def application_steps(track: str, *, staff: bool = False) -> dict:
    """The form's one step; the periods and the collective threshold its texts state come from the rule table and
    the legal parameters in force today (built per request, in the request's language)."""
    from .selectors import public_periods

    arbitration = track == "arbitration"
    pp = public_periods()
    where_hint = (_("The labour-dispute arbitration commission of that place handles your application.")
                  if arbitration else _("The labour-dispute mediation body of that place handles your application."))
    groups = [
        Group("", _("Where you worked"), (
            Input("region_code", _("Where did you work?"), kind="select", choices=region_choices,
                  blank_label=_("Choose a prefecture or county"), hint=where_hint),
        )),
        Group("applicant", _("You, the applicant"), PERSON_INPUTS + (
            Input("address", _("Address"), autocomplete="street-address", maxlength=255,
                  hint=_("Where documents can be delivered to you.")),
            Input("occupation", _("Occupation"), optional=True, maxlength=64, width="w-20"),
            Input("work_unit", _("Work unit"), optional=True, maxlength=200),
            Input("preferred_language", _("Language for letters and calls"), kind="select",
                  choices=Language.choices),
        ), hint=_("Never shown to the public. The other side receives your name and address with the "
                  "application, as the law requires.")),
        Group("employer", _("The employer (the other side)"), (
            Input("name", _("Employer's name"), autocomplete="organization", maxlength=200),
            Input("uscc", _("Unified social credit code"), optional=True, maxlength=20, width="w-20",
                  hint=_("18 characters, on the business licence. Leave empty if you do not know it.")),
            Input("address", _("Employer's address"), maxlength=255),
            Input("legal_rep_name", _("Legal representative or boss"), optional=True, maxlength=64, width="w-20"),
            Input("contact_phone", _("Employer's phone"), kind="tel", optional=True, maxlength=32, width="w-10"),
        )),
        Group("agent", _("Your representative (optional)"), PERSON_INPUTS + (
            Input("scope", _("What the representative may do for you"), optional=True, maxlength=255,
                  hint=_("As written in the signed power of attorney, e.g. “file the application, attend the "
                         "hearing, accept documents”.")),
        ), hint=_("Only if someone acts for you. Bring the signed power of attorney (授权委托书).")),
        Group("", _("Your employment"), (
            Input("workers_count", _("How many workers make this claim together?"), kind="number",
                  inputmode="numeric", width="w-4",
                  hint=_("Count yourself too. %(n)s or more is a collective case.") % {"n": pp["collective"]}),
            Input("employment_status", _("Do you still work there?"), kind="radio", choices=STATUS_CHOICES),
            Input("employment_start", _("First day of work"), kind="date", optional=True),
            Input("employment_end", _("Last day of work"), kind="date", optional=True,
                  hint=_("Only if you have left.")),
            Input("knew_on", _("When did you learn that you would not be paid?"), kind="date", optional=True,
                  hint=_("For example the pay day that was missed. Used to check the time limit of %(n)s %(unit)s.")
                  % pp["limitation"]),
        )),
        Group("items", _("What you claim, one row each"), (
            Input("category", _("Kind of pay"), kind="select", choices=Category.choices, blank_label=_("Choose")),
            Input("period_start", _("From"), kind="date"),
            Input("period_end", _("To"), kind="date"),
            Input("amount", _("Amount (yuan)"), kind="decimal", inputmode="decimal", width="w-10"),
        ), repeat=True, row_label=_("Row %(n)s"), add_label=_("Add another row"),
            remove_label=_("Remove row %(n)s"), min_rows=1),
        Group("", _("Your request and the facts"), (
            Input("claims_text", _("What do you ask for?"), kind="textarea",
                  hint=_("For example: order the employer to pay the wages of March to May 2025, 18,000 yuan.")),
            Input("facts_text", _("Facts and reasons"), kind="textarea",
                  hint=_("Who employed you, for what work, since when, what was not paid and what the employer "
                         "said.")),
            Input("evidence_text", _("Evidence and where it comes from"), kind="textarea", optional=True,
                  hint=_("For example: pay slips, chat messages, the site roster, witnesses.")),
            Input("witnesses_text", _("Witnesses (names and addresses)"), kind="textarea", optional=True),
            *((Input("hearing_private_requested", _("I ask for a hearing that is not public (personal privacy or "
                                                  "business secrets)"), kind="checkbox"),) if arbitration else
              (Input("respondent_consented", _("The employer has agreed to mediation"), kind="checkbox"),)),
        )),
    ]
    if staff:
        groups.append(Group("", _("How the application was received (staff)"), (
            Input("received_at", _("Received on"), kind="date"),
            Input("channel", _("How"), kind="select", choices=STAFF_CHANNELS),
            Input("oral_application", _("Oral application: recorded and signed by the applicant"),
                  kind="checkbox"),
        )))
    title = _("Apply for arbitration") if arbitration else _("Apply for mediation")
    intro = (_("Labour-dispute arbitration is free of charge. The commission decides within %(n)s %(unit)s "
               "whether to accept your application.") % pp["arb_accept"] if arbitration else
             _("Mediation is free and voluntary. The mediation body decides within %(accept_n)s %(accept_unit)s "
               "whether to accept; without an agreement within %(end_n)s %(end_unit)s you may apply for "
               "arbitration.") % {"accept_n": pp["med_accept"]["n"], "accept_unit": pp["med_accept"]["unit"],
                                  "end_n": pp["med_end"]["n"], "end_unit": pp["med_end"]["unit"]})
    return {1: Step(1, title, intro, tuple(groups))}


class DefenceForm(forms.Form):
    """The respondent's defence, filed from its own account (Arbitration Rules art. 33)."""

    text = forms.CharField(label=_("Your defence"), widget=forms.Textarea(attrs={"rows": 8}))


class CaseFilterForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"), required=False,
                              choices=[("", _("all")), ("mediation", _("mediation")), ("arbitration", _("arbitration"))])
    q = forms.CharField(label=_("Case number, docket number or employer"), required=False, max_length=100)
