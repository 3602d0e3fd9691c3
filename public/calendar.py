"""The public calendar (issue 19, point 3): published people's public hearings and birthdays, as a
page of the coming weeks and as an iCalendar feed. What may be shown is decided by
`cases.calendar_data.public_facts` (published people, hearings staff marked public); nothing
here adds to it."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases import calendar_data, choices
from cases.calendar import entries as rules
from cases.calendar import ical
from public.cache import cached
from public.views import _language

# The page shows the coming weeks; the feed also keeps the last month, so a subscribed calendar
# does not lose a hearing the day after it.
PAGE_DAYS = 60
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 365


def _row(entry: rules.Entry, language: str) -> dict:
    hearing = entry.hearing
    return {
        "kind": entry.kind,
        "time": timezone.localtime(entry.at).strftime("%H:%M") if entry.at else "",
        "at": entry.at.isoformat() if entry.at else "",
        "name": entry.person.name,
        "slug": entry.person.slug,
        "title": calendar_data.entry_title(entry, language),
        # The court as staff wrote it (marked with its language on the page), the room apart.
        "court": hearing.court if hearing else "",
        "room": hearing.room if hearing else "",
        "note": hearing.note if hearing else "",
        "called_off": bool(hearing) and hearing.state != choices.HearingState.SCHEDULED,
    }


def _days(start: datetime.date, end: datetime.date, language: str) -> list[dict]:
    entries = calendar_data.public_entries(start, end, language=language)
    return [
        {"day": day, "rows": [_row(entry, language) for entry in day_entries]}
        for day, day_entries in rules.by_day(entries, start)
    ]


@require_safe
def calendar_page(request):
    language = _language()
    today = timezone.localdate()
    end = today + datetime.timedelta(days=PAGE_DAYS - 1)
    days = cached("calendar", today, build=lambda: _days(today, end, language))
    return render(request, "public/calendar.html", {"days": days, "start": today, "end": end})


@require_safe
def calendar_ics(request):
    language = _language()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=FEED_DAYS_BACK)
    end = today + datetime.timedelta(days=FEED_DAYS_AHEAD)

    def build():
        entries = calendar_data.public_entries(start, end, language=language)
        events = calendar_data.ical_events(
            entries,
            language=language,
            link=lambda e: request.build_absolute_uri(reverse("public:person-detail", args=[e.person.slug])),
        )
        name = _("Registry of political prisoners: hearings and birthdays")
        return ical.calendar_text(name=name, events=events, now=timezone.now())

    text = cached("calendar-ics", today, request.get_host(), build=build)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response
