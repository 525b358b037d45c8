"""One error format for the whole API: ``{"errors": {field_path: [messages]}, "detail": "all messages"}``.

A DomainError (the services' one error type) keeps its status: 400 field errors, 403 NotAllowed, 409 Conflict.
DRF's own errors (a malformed body, a missing login, a wrong type in a field) are put in the same shape, with
nested field errors flattened to dotted paths ("complainant.id_number", "items.0.amount_claimed"); errors that
belong to no field are under "__all__".
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_handler

from ..errors import DomainError

__all__ = ["exception_handler", "NotFound", "RateLimited", "flatten_errors", "raise_for_serializer"]

ALL = "__all__"


class NotFound(DomainError):
    """No such object, or the caller may not know it exists (the same answer for both)."""

    status = 404


class RateLimited(DomainError):
    status = 429

    def __init__(self, errors=None, message=None, *, retry_after: int | None = None):
        super().__init__(errors, message)
        self.retry_after = retry_after


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure → {dotted.path: [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in (api_settings.NON_FIELD_ERRORS_KEY, "non_field_errors", ALL):
                path = prefix or ALL  # a nested object's own errors belong to the object's path
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_errors(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, (list, tuple)):
        if all(not isinstance(x, (dict, list, tuple)) for x in detail):
            if detail:
                out.setdefault(prefix or ALL, []).extend(str(x) for x in detail)
        else:
            for i, value in enumerate(detail):
                for k, v in flatten_errors(value, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
    elif detail is not None:
        out.setdefault(prefix or ALL, []).append(str(detail))
    return out


def raise_for_serializer(serializer):
    """Validate an input serializer; on failure raise a DomainError with one message list per field path."""
    if not serializer.is_valid():
        raise DomainError(flatten_errors(serializer.errors))
    return serializer.validated_data


def _body(errors: dict) -> dict:
    return {"errors": errors, "detail": " ".join(m for msgs in errors.values() for m in msgs)}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(_body(exc.errors), status=exc.status)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail) or {ALL: [str(_("Invalid data."))]}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        if isinstance(detail, dict) and "detail" in detail:
            detail = detail["detail"]
        errors = flatten_errors(detail) or {ALL: [str(_("The request could not be processed."))]}
        if response.status_code == status.HTTP_404_NOT_FOUND:
            errors = {ALL: [str(_("Not found."))]}
    response.data = _body(errors)
    return response
