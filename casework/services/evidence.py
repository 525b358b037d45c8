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
                   audience: str = Attachment.Audience.PARTIES, description: str = "",
                   video: bool = False) -> Attachment:
    """Validate and store one uploaded file. ``upload`` is a Django UploadedFile (or any file with .name,
    .size and .read()). ``video``: a video (``EVIDENCE_VIDEO_TYPES``, checked by content like the rest, up to
    ``EVIDENCE_VIDEO_MAX_BYTES``) is accepted too, where the law asks for a photo or video record (an order posted
    at the premises of an employer who fled, 法释〔2013〕3号 art. 4)."""
    name = getattr(upload, "name", "upload") or "upload"
    size = getattr(upload, "size", None)
    videos = list(settings.EVIDENCE_VIDEO_TYPES) if video else []
    max_bytes = settings.EVIDENCE_MAX_BYTES
    read_limit = max(max_bytes, settings.EVIDENCE_VIDEO_MAX_BYTES) if video else max_bytes

    def too_large(limit):
        return DomainError({field: [_("“%(name)s” is larger than %(mb)s MB. Take a smaller photo or split the PDF.")
                                    % {"name": name, "mb": limit // (1024 * 1024)}]})

    if size is not None and size > read_limit:
        raise too_large(read_limit)
    data = upload.read(read_limit + 1)
    if len(data) > read_limit:
        raise too_large(read_limit)
    if not data:
        raise DomainError({field: [_("“%(name)s” is empty.") % {"name": name}]})
    mime = sniff_mime(data[:8192])
    if mime not in list(settings.EVIDENCE_ALLOWED_TYPES) + videos:
        if video:
            raise DomainError({field: [_("“%(name)s” is not a photo (JPEG, PNG, WebP, HEIC), a video (MP4, WebM) or "
                                         "a PDF, whatever its name says.") % {"name": name}]})
        raise DomainError({field: [_("“%(name)s” is not a photo (JPEG, PNG, WebP, HEIC) or a PDF, whatever its "
                                     "name says. Nothing else was lost: the rest of your complaint is kept.")
                                   % {"name": name}]})
    if mime not in videos and len(data) > max_bytes:  # a photo or PDF keeps its own, smaller limit
        raise too_large(max_bytes)
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
