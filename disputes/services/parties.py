"""Party accounts (spec §1 roles 1, 2, 4): the commission or mediation body links a user account to a party of a
case, so that the worker, their representative (with a power of attorney whose scope is recorded on the party) or
the employer's clerk sees that case's main file (正卷) and, for a respondent, files its defence on line."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from casework.access import has_role
from casework.audit import acting
from casework.errors import DomainError, NotAllowed

from ..access import Role, can_handle
from ..models import DisputeCase, DisputeParty, PartyAccess
from .common import event, save

__all__ = ["party_account_link", "PARTY_ROLES"]

# Which account roles may act for which kind of party.
PARTY_ROLES = {"person": (Role.WORKER, Role.WORKER_REP), "employer": (Role.EMPLOYER_USER,)}


@transaction.atomic
def party_account_link(*, case: DisputeCase, user, party_id: int, username: str) -> PartyAccess:
    if not (has_role(user, Role.CLERK, Role.CHAIR, Role.MEDIATOR) and can_handle(user, case)):
        raise NotAllowed({"__all__": [_("Only the commission or the mediation body of the case links accounts.")]})
    party = DisputeParty.objects.filter(case=case, pk=party_id).first()
    if party is None:
        raise DomainError({"party_id": [_("No such party on this case.")]})
    account = get_user_model().objects.filter(username=username, is_active=True).first()
    if account is None:
        raise DomainError({"username": [_("No active account with this user name.")]})
    allowed = PARTY_ROLES["employer" if party.employer_id else "person"]
    if not has_role(account, *allowed):
        raise DomainError({"username": [_("This account cannot act for this party: an employer is represented "
                                          "by an employer's clerk account, a worker by the worker's own or a "
                                          "representative's account.")]})
    if has_role(account, Role.WORKER_REP) and party.person_id and not party.agent_scope:
        raise DomainError({"username": [_("Record the representative and the scope of the power of attorney on "
                                          "the party first (《劳动争议调解仲裁法》第二十四条).")]})
    with acting(user):
        link = PartyAccess.objects.filter(party=party, user=account).first()
        if link is None:
            link = save(PartyAccess(party=party, user=account, granted_by=user), user)
            event(case, "account_linked", user=user, public=False, party=party.pk, account=account.get_username())
    return link
