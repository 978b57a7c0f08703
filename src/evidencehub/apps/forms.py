"""Helpers shared by the web forms of every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_validation_error(form: Any, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message next to
    the field it names, anything else at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
