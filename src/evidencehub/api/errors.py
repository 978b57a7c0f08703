"""Turn service-layer ``ValidationError``s into 400 responses naming each field,
and permission errors into 403, so no bad input ever becomes a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from evidencehub.apps.accounts.selectors import CapabilityDenied


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail: Any = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, CapabilityDenied):
        exc = exceptions.PermissionDenied(
            f"Your role does not allow this ({exc.args[0] if exc.args else ''})."
        )
    return drf_exception_handler(exc, context)
