"""How the staff screens write a time: in the registry's time zone (settings.TIME_ZONE), as the
admin's own fields, inputs and templates do.

Times come from the database in UTC. Django converts them to the current time zone wherever it
renders them itself (a template variable, a read-only field, a list column), but a string built in
Python with `strftime` or an f-string keeps the UTC wall clock: the case page listed an assessment
at 14:07 beside "assessed at 5:07 p.m." and Minsk-time date inputs. Every time the admin writes in
Python goes through `local_time`.
"""

import datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, gettext, gettext_lazy

# The zones the registry runs in, named as people say them in each language.
ZONE_NAMES = {
    "Europe/Minsk": gettext_lazy("Minsk time"),
    "Europe/Moscow": gettext_lazy("Moscow time"),
    "UTC": "UTC",
}

TIME_FORMAT = "Y-m-d H:i"


def local_time(value: datetime.datetime | None, fmt: str = TIME_FORMAT) -> str:
    """`value` in the current time zone (the registry's), in Django's date format `fmt`; "" for None."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), fmt)


def time_zone_name() -> str:
    """The zone the staff screens show times in, as people say it: "Europe/Minsk" -> "Minsk time",
    in the staff member's language."""
    zone = timezone.get_current_timezone_name()
    if zone in ZONE_NAMES:
        return str(ZONE_NAMES[zone])
    return gettext("%(city)s time") % {"city": zone.rsplit("/", 1)[-1].replace("_", " ")}


def language() -> str:
    """The staff member's language as the registry's describers take it: "en", "be" or "ru"."""
    code = (get_language() or "en").split("-")[0]
    return code if code in ("be", "ru") else "en"
