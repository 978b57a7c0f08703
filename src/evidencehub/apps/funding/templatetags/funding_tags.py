"""Template helpers: show unknown values as unknown, deadlines in plain words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def known(value: Any) -> Any:
    """The value, or "Not known" for None, "" and empty lists (never 0 or "no")."""
    if value is None or value == "" or value == [] or value == {}:
        return _("Not known")
    return value


@register.filter
def tristate(value: bool | None) -> str:
    if value is None:
        return _("Not known")
    return _("Yes") if value else _("No")


@register.inclusion_tag("funding/_deadline.html")
def deadline(shown: Any, tz: str) -> dict[str, Any]:
    return {"d": shown, "tz": tz}
