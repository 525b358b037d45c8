"""The one domain error type. Every interface turns it into a clear message: 400 with field errors in the API,
form errors on pages, 409 for conflicts."""
from django.utils.translation import gettext_lazy as _

__all__ = ["DomainError", "Conflict", "NotAllowed"]


class DomainError(Exception):
    """A rule was not met. ``errors`` maps a field path ("complainant.id_number", "items.0.amount_claimed",
    or "__all__") to a list of messages in the user's language."""

    status = 400

    def __init__(self, errors=None, message=None):
        if errors is None:
            errors = {"__all__": [message or _("The request could not be processed.")]}
        elif isinstance(errors, (str,)) or hasattr(errors, "_proxy____cast"):
            errors = {"__all__": [errors]}
        self.errors = {k: [str(m) for m in (v if isinstance(v, (list, tuple)) else [v])] for k, v in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

    @property
    def message(self) -> str:
        return " ".join(m for msgs in self.errors.values() for m in msgs)


class Conflict(DomainError):
    """Someone else already did this (two clerks pressing the same button)."""

    status = 409


class NotAllowed(DomainError):
    status = 403
