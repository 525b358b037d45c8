"""DRF exception handler: a DomainError becomes its status with one message list per field."""
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from ..errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"errors": exc.errors, "detail": exc.message}, status=exc.status)
    return drf_handler(exc, context)
