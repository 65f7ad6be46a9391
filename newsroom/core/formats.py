"""Dates and times as reader pages print them, in the active language.

The formats are Django's date format strings, translated like any other
message: the Spanish catalogue turns "j F Y" into "j \\d\\e F \\d\\e Y" (5 de
diciembre de 2026). A name ("day", "moment"...) stands for each; a template
or model asks for the name, never for a format string, so both editions
follow their catalogue.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext, pgettext_lazy

FORMATS = {
    # 5 December 2026 / 5 de diciembre de 2026
    "day": pgettext_lazy("date format", "j F Y"),
    # 5 Dec 2026 / 5 dic 2026
    "short day": pgettext_lazy("date format", "j M Y"),
    # December 2026 / diciembre de 2026
    "month": pgettext_lazy("date format", "F Y"),
    # 5 December 2026, 17:05 / 5 de diciembre de 2026, 17:05 (with the zone: see zoned)
    "moment": pgettext_lazy("date format", "j F Y, H:i"),
}


def format_string(name: str) -> str:
    """The active language's format for ``name``; a string that names no
    format is taken as a format itself ("Y", "c")."""
    found = FORMATS.get(name)
    return str(found) if found is not None else name


def zone_name() -> str:
    """The newsroom's time zone as people say it ("hora de Cuba")."""
    return settings.TIME_ZONE_LABEL or gettext("Cuba time")


def zoned(text: str) -> str:
    """A time followed by the newsroom's time zone: "17:05 (hora de Cuba)"."""
    return pgettext("time and its zone", "%(time)s (%(zone)s)") % {"time": text, "zone": zone_name()}


# The same, for labels built when a module loads (a form field, a column).
zoned_lazy = lazy(zoned, str)


def moment(value: datetime) -> str:
    """An aware time as a "moment" in the newsroom's zone, with the zone
    named: "9 December 2026, 08:00 (Cuba time)". A naive time is taken as
    already in that zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return zoned(dateformat.format(value, format_string("moment")))
