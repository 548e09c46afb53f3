"""`{% platform_figures %}`: the staff's platform figures on the admin index."""

from __future__ import annotations

from typing import Any

from django import template

from analytics.dashboards.platform import platform_figures as figures

register = template.Library()


@register.inclusion_tag("admin/analytics/_platform_figures.html")
def platform_figures() -> dict[str, Any]:
    return figures()


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as "3 d 4 h", "2 h 5 min" or "40 s"."""
    if seconds is None:
        return "\u2013"
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"
