"""Evidence uploads: the type is checked by content (not by name or the browser's claim), the size is limited,
the file is stored privately through Django's storage API with its sha256, and only served through a view that
checks who is asking."""
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import filetype

from ..errors import DomainError
from ..models import Attachment

__all__ = ["evidence_store", "sniff_mime", "drafts_purge_expired"]


def sniff_mime(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return kind.mime if kind else None


@transaction.atomic
def evidence_store(*, upload, complaint=None, draft=None, user=None, field: str = "evidence",
                   audience: str = Attachment.Audience.PARTIES, description: str = "") -> Attachment:
    """Validate and store one uploaded file. ``upload`` is a Django UploadedFile (or any file with .name,
    .size and .read())."""
    name = getattr(upload, "name", "upload") or "upload"
    size = getattr(upload, "size", None)
    max_bytes = settings.EVIDENCE_MAX_BYTES
    if size is not None and size > max_bytes:
        raise DomainError({field: [_("“%(name)s” is larger than %(mb)s MB. Take a smaller photo or split the PDF.")
                                   % {"name": name, "mb": max_bytes // (1024 * 1024)}]})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError({field: [_("“%(name)s” is larger than %(mb)s MB. Take a smaller photo or split the PDF.")
                                   % {"name": name, "mb": max_bytes // (1024 * 1024)}]})
    if not data:
        raise DomainError({field: [_("“%(name)s” is empty.") % {"name": name}]})
    mime = sniff_mime(data[:8192])
    if mime not in settings.EVIDENCE_ALLOWED_TYPES:
        raise DomainError({field: [_("“%(name)s” is not a photo (JPEG, PNG, WebP, HEIC) or a PDF, whatever its "
                                     "name says. Nothing else was lost: the rest of your complaint is kept.")
                                   % {"name": name}]})
    owner = complaint if complaint is not None else draft  # an unfinished online complaint has the same limit
    if owner is not None and owner.attachments.count() >= settings.EVIDENCE_MAX_FILES:
        raise DomainError({field: [_("At most %(n)s files per case.") % {"n": settings.EVIDENCE_MAX_FILES}]})
    att = Attachment(complaint=complaint, draft=draft, original_name=name[:255], sha256=hashlib.sha256(data)
                     .hexdigest(), mime=mime, size=len(data), audience=audience, description=description[:255],
                     uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                     uploaded_at=timezone.now())
    att.file.save("evidence", ContentFile(data), save=False)
    att._history_user = att.uploaded_by
    att.save()
    return att


def drafts_purge_expired(*, now=None) -> int:
    """Delete unfinished complaints past their lifetime, with the evidence files uploaded to them (a worker's
    scratch pad is not kept forever). Idempotent; one query selects what is due."""
    from ..models import ComplaintDraft

    now = now or timezone.now()
    n = 0
    for draft in ComplaintDraft.objects.filter(expires_at__lte=now).iterator():
        with transaction.atomic():
            for att in Attachment.objects.filter(draft=draft, complaint__isnull=True):
                storage, name = att.file.storage, att.file.name
                att.delete()
                transaction.on_commit(lambda s=storage, f=name: s.delete(f))
            draft.delete()
            n += 1
    return n
