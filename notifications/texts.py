"""What each message says, per event and recipient kind, as gettext strings (English msgids; Chinese in this
app's own catalog, notifications/locale/, so the project catalog in locale/ may override it; Tibetan falls back to
Chinese until a catalog exists). Rendered under ``translation.override(language)``.

Worker texts are plain and short: what happened, the case number, what to do next; never internal state names.
No text carries the access code (see docs/notifications.md: it is a credential; SMS bodies are stored in the outbox,
shown to staff and kept by the gateway). No employer text says who complained."""
import datetime as dt

from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

__all__ = ["TEXTS", "DISPUTE_TEXTS", "render", "has_text"]


TEXTS = {
    # --- to the worker ---------------------------------------------------------------------------------------------
    ("worker", "received"): (
        _("Complaint %(case)s received"),
        _("Your wage complaint was received. Case number: %(case)s. We will tell you by %(date)s whether it is "
          "accepted.")),
    ("worker", "resubmitted"): (
        _("Complaint %(case)s received again"),
        _("Your corrected complaint %(case)s was received. We will tell you by %(date)s whether it is accepted.")),
    ("worker", "accepted"): (
        _("Complaint %(case)s accepted"),
        _("Your complaint %(case)s was accepted. An inspector is now investigating. We will send you a message "
          "when there is news.")),
    ("worker", "needs_correction"): (
        _("Complaint %(case)s: information needed"),
        _("Your complaint %(case)s needs more information: %(request)s Please open your case on the website and "
          "send it.")),
    ("worker", "refused_limitation"): (
        _("Complaint %(case)s not accepted"),
        _("Your complaint %(case)s could not be accepted: the matter is older than the legal time limit. A written "
          "notice explains why. You may still ask for labour dispute mediation or arbitration; call 12333 for "
          "help.")),
    ("worker", "redirected_dispute"): (
        _("Complaint %(case)s: go to mediation or arbitration"),
        _("Your complaint %(case)s is a matter for labour dispute mediation or arbitration. Please apply there; "
          "call 12333 if you need help.")),
    ("worker", "forwarded"): (
        _("Complaint %(case)s sent to another office"),
        _("Your complaint %(case)s was sent to the labour inspection office responsible for your workplace. It "
          "will tell you by %(date)s whether it is accepted.")),
    ("worker", "forwarded_outside"): (
        _("Complaint %(case)s sent to another department"),
        _("Your complaint %(case)s was sent to %(to)s, which is responsible for it. They will contact you.")),
    ("worker", "investigation_extended"): (
        _("Case %(case)s: more time for the investigation"),
        _("The investigation of your case %(case)s needs more time. It will end by %(date)s.")),
    ("worker", "order_issued"): (
        _("Case %(case)s: employer ordered to pay"),
        _("In case %(case)s your employer was ordered to pay you by %(date)s. Tell the inspector if you are not "
          "paid by then.")),
    ("worker", "decided"): (
        _("Case %(case)s: decision issued"),
        _("A decision was issued in your case %(case)s. Your employer must pay by %(date)s.")),
    ("worker", "payment_recorded"): (
        _("Case %(case)s: payment recorded"),
        _("In case %(case)s a payment of %(amount)s yuan from your employer was recorded.")),
    ("worker", "complied"): (
        _("Case %(case)s: employer paid"),
        _("In case %(case)s your employer has paid what was ordered.")),
    ("worker", "non_compliant"): (
        _("Case %(case)s: employer did not pay"),
        _("In case %(case)s your employer did not pay in time. The labour inspection office is taking enforcement "
          "measures. You do not need to do anything now.")),
    ("worker", "withdraw_case"): (
        _("Case %(case)s closed"),
        _("Your case %(case)s was closed: the employer corrected the problem. Call 12333 if you were not paid.")),
    ("worker", "transfer"): (
        _("Case %(case)s sent to another department"),
        _("Your case %(case)s was sent to another department responsible for it. They will contact you.")),
    ("worker", "no_violation"): (
        _("Case %(case)s: no violation found"),
        _("The investigation of your case %(case)s found no violation. If you disagree, you may ask for labour "
          "dispute mediation or arbitration; call 12333 for help.")),
    ("worker", "closed"): (
        _("Case %(case)s closed"),
        _("Your case %(case)s is closed. Amount recovered for the workers: %(amount)s yuan.")),
    # --- to the employer (never says who complained) ---------------------------------------------------------------
    ("employer", "order_issued"): (
        _("Labour inspection case %(case)s: order to pay"),
        _("Labour inspection case %(case)s: an order to pay wages by %(date)s has been issued to your unit. The "
          "written order will be served on you; you may state your case and defence.")),
    ("employer", "decided"): (
        _("Labour inspection case %(case)s: decision"),
        _("Labour inspection case %(case)s: a decision has been issued to your unit. Payment is due by %(date)s. "
          "The written decision will be served on you.")),
    ("employer", "grade_notified"): (
        _("Labour-security integrity grade %(year)s"),
        _("%(employer)s: your unit's labour-security integrity grade for %(year)s (from the records of "
          "%(record_year)s) is %(grade)s. If you disagree, you may ask the labour inspection office to review it.")),
    # --- to staff ------------------------------------------------------------------------------------------------
    ("staff", "task_assigned"): (
        _("Case %(case)s: task for you"),
        _("Case %(case)s: the task “%(task)s” is assigned to you.")),
    ("staff", "deadline_reminder"): (
        _("Case %(case)s: deadline in %(n)s working days"),
        _("Case %(case)s: the deadline “%(rule)s” is due on %(date)s (%(n)s working days).")),
    ("staff", "deadline_breached"): (
        _("Case %(case)s: deadline missed, under supervision"),
        _("Case %(case)s: the deadline “%(rule)s” was due on %(date)s and has passed. The case is under "
          "supervision until it is dealt with.")),
    ("staff", "transfer_deadline_breached"): (
        _("Case %(case)s: criminal transfer deadline missed"),
        _("Case %(case)s: the criminal-transfer deadline “%(rule)s” was due on %(date)s and has passed. Record the "
          "step now; the delay stays on the record.")),
    ("staff", "message_failed"): (
        _("Case %(case)s: a message could not be delivered"),
        _("Case %(case)s: a message to the %(who)s by %(channel)s could not be delivered after %(n)s attempts.")),
}


# The parties of a labour dispute (disputes.notices), applicant or respondent, a person ("worker") or an employer:
# the same texts. Never a name, phone, ID number or the free-text reasons of the act: those are in the documents
# the party downloads with its own access.
DISPUTE_TEXTS = {
    "dispute_applied": (
        _("Labour dispute %(case)s: application received"),
        _("Your application for mediation or arbitration was received. Case number: %(case)s. Follow the case at "
          "%(url)s with the case number and the access code on your receipt.")),
    "dispute_med_accepted": (
        _("Labour dispute %(case)s: mediation accepted"),
        _("Labour dispute %(case)s: the mediation body accepted the application for mediation. The mediator will "
          "contact you. Follow the case at %(url)s.")),
    "dispute_med_refused": (
        _("Labour dispute %(case)s: mediation not accepted"),
        _("Labour dispute %(case)s: the mediation body did not accept the application. The written notice gives the"
          " reasons; you may apply for arbitration. Follow the case at %(url)s.")),
    "dispute_accepted": (
        _("Labour dispute %(case)s: case accepted"),
        _("Labour dispute %(case)s: the arbitration commission accepted the case. The documents will be served on "
          "you. Follow the case at %(url)s.")),
    "dispute_not_accepted": (
        _("Labour dispute %(case)s: case not accepted"),
        _("Labour dispute %(case)s: the arbitration commission did not accept the application. The written notice "
          "gives the reasons; you may sue at the people's court. Follow the case at %(url)s.")),
    "dispute_no_jurisdiction": (
        _("Labour dispute %(case)s: another commission is competent"),
        _("Labour dispute %(case)s: another arbitration commission is competent. The written explanation tells you "
          "where to apply. Follow the case at %(url)s.")),
    "dispute_hearing_scheduled": (
        _("Labour dispute %(case)s: hearing set"),
        _("Labour dispute %(case)s: the hearing is set for %(date)s. The hearing notice gives the place; download "
          "it at %(url)s.")),
    "dispute_hearing_postponed": (
        _("Labour dispute %(case)s: hearing postponed"),
        _("Labour dispute %(case)s: the hearing was postponed. Follow the case at %(url)s for the new date.")),
    "dispute_med_agreement": (
        _("Labour dispute %(case)s: mediation agreement signed"),
        _("Labour dispute %(case)s: a mediation agreement was signed. Its payments are followed at %(url)s.")),
    "dispute_med_failed": (
        _("Labour dispute %(case)s: mediation ended without agreement"),
        _("Labour dispute %(case)s: mediation ended without an agreement. The applicant may apply for arbitration. "
          "Follow the case at %(url)s.")),
    "dispute_award_issued": (
        _("Labour dispute %(case)s: award made"),
        _("Labour dispute %(case)s: the award was made. The award says what you may do next and by when; download "
          "it at %(url)s.")),
    "dispute_suspended": (
        _("Labour dispute %(case)s: arbitration suspended"),
        _("Labour dispute %(case)s: the arbitration is suspended for now. Follow the case at %(url)s.")),
    "dispute_resumed": (
        _("Labour dispute %(case)s: arbitration resumed"),
        _("Labour dispute %(case)s: the arbitration has resumed. Follow the case at %(url)s.")),
    "dispute_document_issued": (
        _("Labour dispute %(case)s: new document"),
        _("Labour dispute %(case)s: a new document is ready: %(document)s. Download it at %(url)s.")),
}
TEXTS.update({(kind, event): texts for event, texts in DISPUTE_TEXTS.items() for kind in ("worker", "employer")})


def has_text(kind: str, event: str) -> bool:
    return (kind, event) in TEXTS


def _fmt(value):
    if isinstance(value, dt.date):
        if (translation.get_language() or "").startswith("bo"):  # Django has no Tibetan date format: use ISO
            return value.isoformat()
        return formats.date_format(value, "DATE_FORMAT")
    return value


class _Ctx(dict):
    def __missing__(self, key):  # a missing value prints as nothing rather than failing the caller's transaction
        return ""


def render(kind: str, event: str, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) of ``event`` for a ``kind`` recipient in ``language``."""
    subject, body = TEXTS[(kind, event)]
    with translation.override(language or "zh-hans"):
        ctx = _Ctx({k: str(_fmt(v)) for k, v in context.items()})
        return str(subject) % ctx, str(body) % ctx
