"""The worker's half-filled online complaint: kept server-side in ``ComplaintDraft`` (encrypted), found again by
the token in the session or in the resume link. The draft is a scratch pad with no legal effect, so these helpers
hold no rules: they store exactly what was typed, and ``intake_validate`` / ``complaint_submit`` judge it."""
import datetime as dt
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ComplaintDraft

__all__ = ["SESSION_KEY", "draft_current", "draft_by_token", "draft_create", "draft_data", "draft_save",
           "draft_attachment_remove", "draft_discard", "draft_remember"]

SESSION_KEY = "intake_draft"


def _lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "INTAKE_DRAFT_DAYS", 30)))


def draft_by_token(token) -> ComplaintDraft | None:
    if not token:
        return None
    try:
        return ComplaintDraft.objects.filter(token=str(token), expires_at__gt=timezone.now()).first()
    except Exception:  # a malformed token in an old session: treat as no draft
        return None


def draft_current(request, key: str = SESSION_KEY) -> ComplaintDraft | None:
    """``key``: which form's draft (the complaint's by default; the dispute applications keep their own)."""
    return draft_by_token(request.session.get(key))


def draft_remember(request, draft: ComplaintDraft, key: str = SESSION_KEY) -> None:
    request.session[key] = str(draft.token)


def draft_create(request, data: dict | None = None, key: str = SESSION_KEY) -> ComplaintDraft:
    draft = ComplaintDraft.objects.create(data=json.dumps(data or {}, ensure_ascii=False),
                                          expires_at=timezone.now() + _lifetime())
    draft_remember(request, draft, key)
    return draft


def draft_data(draft: ComplaintDraft | None) -> dict:
    if draft is None:
        return {}
    try:
        data = json.loads(draft.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def draft_save(draft: ComplaintDraft, data: dict, *, reached: int | None = None) -> ComplaintDraft:
    """Store ``data`` as typed; ``reached`` moves the furthest step forward (never back). Each save renews the
    draft's lifetime."""
    draft.data = json.dumps(data, ensure_ascii=False)
    if reached is not None and reached > draft.step:
        draft.step = reached
    draft.expires_at = timezone.now() + _lifetime()
    draft.save(update_fields=["data", "step", "expires_at", "updated_at"])
    return draft


@transaction.atomic
def draft_attachment_remove(draft: ComplaintDraft, attachment_id) -> bool:
    att = draft.attachments.filter(pk=attachment_id).first()
    if att is None:
        return False
    name = att.file.name
    storage = att.file.storage
    att.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return True


def draft_discard(request, draft: ComplaintDraft | None = None, *, delete_files: bool = True,
                  key: str = SESSION_KEY) -> None:
    """Forget the draft in this session and delete it. Files still linked to it (never submitted) go too."""
    draft = draft or draft_current(request, key)
    request.session.pop(key, None)
    if draft is None:
        return
    if delete_files:
        for att in list(draft.attachments.all()):
            draft_attachment_remove(draft, att.pk)
    draft.delete()
