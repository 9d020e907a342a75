"""Template filters: French dates, sizes and roles."""

from datetime import datetime
from zoneinfo import ZoneInfo

from .. import titles
from ..models import ROLE_NAMES

TIMEZONE = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def date_fr(value: datetime | None, with_time: bool = True) -> str:
    """'22 novembre 2026 à 14:05', in the territory's time zone."""
    if value is None:
        return ""
    local = value.astimezone(TIMEZONE)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text} à {local:%H:%M}" if with_time else text


def time_fr(value: datetime) -> str:
    """'14:05', in the territory's time zone."""
    return f"{value.astimezone(TIMEZONE):%H:%M}"


def size_delta(delta: int) -> str:
    return (
        f"+{delta:,}".replace(",", "\u202f") if delta > 0 else f"{delta:,}".replace(",", "\u202f")
    )


def register(app) -> None:
    app.add_template_filter(date_fr)
    app.add_template_filter(size_delta)
    app.add_template_filter(time_fr)
    app.add_template_filter(titles.to_path, "title_url")
    app.add_template_global(ROLE_NAMES, "ROLE_NAMES")
