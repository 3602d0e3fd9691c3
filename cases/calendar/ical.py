"""iCalendar (RFC 5545) text for a list of events, written here rather than with a library: the
subset is small (VCALENDAR, VEVENT, text and date values) and its two traps are handled below:
TEXT values escaped (section 3.3.11) and content lines folded at 75 octets without splitting a
UTF-8 character (section 3.1), with CRLF line ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Political prisoners registry//Calendar//EN"
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """One VEVENT. `start` is a date for a whole-day event (then `end`, exclusive, is a date too)
    or an aware datetime for a timed one (written in UTC, without an end: the time it ends is not
    known)."""

    uid: str
    start: datetime.date | datetime.datetime
    summary: str
    end: datetime.date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every line break as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Control characters are not allowed in TEXT (section 3.3.11): a tab is kept, the rest go.
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F)


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets, continuation lines starting with
    a space, never inside a UTF-8 character."""
    parts, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # the leading space counts
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _date(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


def _utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a timed event needs an aware datetime")
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{escape_text(event.uid)}", f"DTSTAMP:{stamp}"]
    if isinstance(event.start, datetime.datetime):
        lines.append(f"DTSTART:{_utc(event.start)}")
    else:
        end = event.end or event.start + datetime.timedelta(days=1)
        lines += [f"DTSTART;VALUE=DATE:{_date(event.start)}", f"DTEND;VALUE=DATE:{_date(end)}"]
        lines.append("TRANSP:TRANSPARENT")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def calendar_text(*, name: str, events: Iterable[Event], now: datetime.datetime) -> str:
    """The whole calendar: its name (X-WR-CALNAME, which calendar apps show) and its events."""
    stamp = _utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
