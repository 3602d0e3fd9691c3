"""Days without contact, as plain functions (issue 19).

A contact's date may be known only to the month or the year (RISK_RULES.md, "Dates that are not
known to the day"): it is a range of days. Silence is counted as a range too: at least the days
since the latest day any contact may have been on, at most the days since the latest earliest
day. A threshold counts as passed only when the silence is certainly that long (the smaller
number), so no alert is raised on a guess; staff see both numbers.

"Any contact" is the channel "" (ANY): the silence since the last word of any kind.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cases import partial_dates

ANY = ""

# Used for a jurisdiction that lists no thresholds of its own (cases/data/registry/*.yaml lists
# them per jurisdiction): 60 days without any contact, 30 without a lawyer's visit.
DEFAULT_THRESHOLDS: Mapping[str, int] = {ANY: 60, "lawyer_visit": 30}


@dataclass(frozen=True)
class ContactFact:
    """One recorded contact: its channel and the range of days it may have been on."""

    channel: str
    earliest: datetime.date
    latest: datetime.date

    @classmethod
    def dated(cls, channel: str, date: datetime.date, precision: str) -> "ContactFact":
        bounds = partial_dates.period(date, precision)
        if bounds is None:
            raise ValueError("a contact needs at least its year")
        return cls(channel, *bounds)


@dataclass(frozen=True)
class Silence:
    """How long since the last contact on one channel (ANY: of any kind), as of `today`."""

    channel: str
    days_at_least: int | None  # None: no contact of this kind recorded
    days_at_most: int | None
    last_earliest: datetime.date | None  # the range the last contact may have been on
    last_latest: datetime.date | None
    threshold: int | None = None

    @property
    def known(self) -> bool:
        return self.days_at_least is not None

    @property
    def passed(self) -> bool:
        """Certainly longer than the threshold: every day the last contact may have been on is
        at least `threshold` days ago."""
        return self.known and self.threshold is not None and self.days_at_least >= self.threshold

    @property
    def exact(self) -> bool:
        return self.days_at_least == self.days_at_most


def silence(
    contacts: Iterable[ContactFact], *, today: datetime.date, channel: str = ANY, threshold: int | None = None
) -> Silence:
    """The silence on `channel` (ANY: any contact) as of `today`."""
    relevant = [c for c in contacts if channel == ANY or c.channel == channel]
    if not relevant:
        return Silence(channel, None, None, None, None, threshold)
    last_latest = max(c.latest for c in relevant)
    last_earliest = max(c.earliest for c in relevant)
    return Silence(
        channel,
        max((today - last_latest).days, 0),
        max((today - last_earliest).days, 0),
        last_earliest,
        last_latest,
        threshold,
    )


def silences(
    contacts: Iterable[ContactFact],
    *,
    today: datetime.date,
    thresholds: Mapping[str, int],
    channels: Iterable[str],
) -> list[Silence]:
    """Any contact first, then each channel in `channels`, each with its threshold (if any)."""
    contacts = list(contacts)
    wanted = [ANY] + [c for c in channels if c != ANY]
    return [silence(contacts, today=today, channel=c, threshold=thresholds.get(c)) for c in wanted]


def passed_thresholds(
    contacts: Iterable[ContactFact], *, today: datetime.date, thresholds: Mapping[str, int]
) -> list[Silence]:
    """The silences that certainly passed their threshold, for the channels that have one. A
    channel with no contact recorded at all passes nothing: there is no day to count from (the
    staff list shows those people apart)."""
    contacts = list(contacts)
    return [
        s
        for s in (silence(contacts, today=today, channel=c, threshold=days) for c, days in thresholds.items())
        if s.passed
    ]


@dataclass(frozen=True)
class Resumption:
    """Contact that came back after a silence at least as long as the channel's threshold."""

    channel: str
    gap_at_least: int
    threshold: int


def resumptions(
    earlier: Iterable[ContactFact], new: ContactFact, *, thresholds: Mapping[str, int]
) -> list[Resumption]:
    """What a newly recorded contact ends: for each channel with a threshold that it counts for
    (ANY always), the gap between the last contact before it and it, when that gap was certainly
    at least the threshold. A contact recorded late, older than one already known on the channel,
    resumes nothing: contact had come back already."""
    earlier = list(earlier)
    found = []
    for channel, threshold in thresholds.items():
        if channel not in (ANY, new.channel):
            continue
        before = [c for c in earlier if channel == ANY or c.channel == channel]
        if not before or any(c.latest > new.latest for c in before):
            continue
        previous_latest = max(c.latest for c in before)
        gap = (new.earliest - previous_latest).days
        if gap >= threshold:
            found.append(Resumption(channel, gap, threshold))
    return found


def thresholds_for(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """A jurisdiction's thresholds from its (channel, days) rows; the defaults when it has none."""
    rows = list(rows)
    return dict(rows) if rows else dict(DEFAULT_THRESHOLDS)


def describe_days(s: Silence) -> str:
    """'45 days' or '45 to 74 days' (a partial date), '' when no contact is recorded."""
    if not s.known:
        return ""
    if s.exact:
        return f"{s.days_at_least} days"
    return f"{s.days_at_least} to {s.days_at_most} days"
