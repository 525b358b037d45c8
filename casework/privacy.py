"""What each viewer may see of a person (spec §14). Every page and API response builds party data through
``person_view`` so masking rules exist once."""
from .access import sees_pii
from .identity import mask_id_for_employer, mask_id_public, mask_name, mask_phone

__all__ = ["person_view", "PUBLIC_PERSON_FIELDS", "pii_access_record"]

PUBLIC_PERSON_FIELDS = ()  # the public sees no person data of a complaint at all


def person_view(person, *, viewer, complaint=None, informant: bool = False) -> dict | None:
    """A dict of what ``viewer`` may see of ``person``. Case-handling staff of the region see everything (and
    the read is theirs to justify: it is logged by the caller's audit context); other staff see masks; an
    informant's identity is visible only to case-handling staff."""
    if person is None:
        return None
    full = sees_pii(viewer, complaint)
    if informant and not full:
        return {"name": "", "id_number": "", "phone": "", "confidential": True}
    if full:
        return {"name": person.name, "id_number": person.id_number, "phone": person.phone,
                "preferred_language": person.preferred_language, "gender": person.gender,
                "birth_date": person.birth_date.isoformat() if person.birth_date else None}
    return {"name": mask_name(person.name), "id_number": mask_id_public(person.id_number),
            "phone": mask_phone(person.phone), "preferred_language": person.preferred_language}


def mask_for_employer(person) -> dict:
    """What a document served on the employer shows of a worker (spec §14)."""
    return {"name": person.name, "id_number": mask_id_for_employer(person.id_number), "phone": mask_phone(person.phone)}


def pii_access_record(*, user, complaint, what: str, detail: str = "") -> None:
    """Log that ``user`` saw unmasked personal data of ``complaint`` (or downloaded its evidence)."""
    from .audit import current
    from .models import PiiAccess

    ctx = current()
    PiiAccess.objects.create(user=user, complaint=complaint, what=what, detail=detail[:255],
                             request_id=ctx.request_id if ctx else "")
