"""Canaries: unique strings planted in confidential places, and the detector that finds them.

Each canary remembers where it was planted and who may legitimately read it (its audience, as
grants a caller holds: see `GRANTS_OF_SCOPE`). Everyone outside the audience must never receive
it, in a body or a header, however the response encodes it.
"""

import contextlib
import html
import json
import re
import secrets
import string
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

from cases.models import PartnerAPIKey

Scope = PartnerAPIKey.Scope

MARKER = "canary"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# What a key's scopes let it read beyond the public data (api/access.py, docs/api.md):
# read:restricted adds internal notes, internal events and external identifiers of published
# records; the webhooks scope lists its own organisation's subscriptions; write:submissions reads
# back its own organisation's submissions (their ids and states). Nothing else reaches any key.
ANYONE = "anyone"  # planted in public fields: every reader must receive it (the detector works)
RESTRICTED = "read:restricted"
OWN_WEBHOOKS = "own webhooks"
OWN_SUBMISSIONS = "own submissions"
CONTACTS = "read:contacts"  # the channel and day of a published person's contacts, never the details
GRANTS_OF_SCOPE = {
    Scope.READ_CONTACTS: CONTACTS,
    Scope.READ_RESTRICTED: RESTRICTED,
    Scope.WEBHOOKS: OWN_WEBHOOKS,
    Scope.WRITE_SUBMISSIONS: OWN_SUBMISSIONS,
}


@dataclass(frozen=True)
class Canary:
    value: str
    place: str
    audience: frozenset = frozenset()

    def allowed_for(self, grants) -> bool:
        return bool(self.audience & set(grants))


@dataclass
class Leak:
    canary: Canary
    surface: str
    where: str = "body"

    def __str__(self):
        return f"{self.canary.place} [{self.canary.value}] -> {self.surface} ({self.where})"


@dataclass
class CanaryRegistry:
    """Every canary of the data set, and a detector over decoded response text."""

    canaries: list = field(default_factory=list)

    def text(self, place: str, audience=()) -> str:
        """A canary for a free-text or URL-safe field: CANARY-<hex>."""
        return self.add(f"CANARY-{secrets.token_hex(6)}", place, audience)

    def word(self, place: str, audience=()) -> str:
        """A canary of letters only, for names (the name search folds digits and hyphens away)."""
        letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
        return self.add(f"Canary{letters}", place, audience)

    def add(self, value: str, place: str, audience=()) -> str:
        """Register a value that is secret already (a slug, a raw key) as a canary."""
        self.canaries.append(Canary(value=value, place=place, audience=frozenset(audience)))
        self._index = None
        return value

    def __len__(self):
        return len(self.canaries)

    def _build_index(self):
        marked, uuids, literal = {}, {}, []
        for canary in self.canaries:
            value = canary.value.lower()
            if value.startswith(MARKER):
                marked.setdefault(value[:16], []).append(canary)
            elif UUID.fullmatch(value):
                uuids.setdefault(value, []).append(canary)
            else:
                literal.append(canary)
        self._index = (marked, uuids, literal)
        return self._index

    def found_in(self, text: str) -> set:
        """The canaries in `text` (already lower-cased): one pass over the marker, one over the
        UUIDs, and a plain search for the few others (raw keys, a slug without the marker)."""
        marked, uuids, literal = getattr(self, "_index", None) or self._build_index()
        found = set()
        position = text.find(MARKER)
        while position != -1:
            for canary in marked.get(text[position : position + 16], ()):
                if text.startswith(canary.value.lower(), position):
                    found.add(canary)
            position = text.find(MARKER, position + 1)
        for value in set(UUID.findall(text)) & uuids.keys():
            found.update(uuids[value])
        found.update(c for c in literal if c.value.lower() in text)
        return found


def readings(body: bytes, content_type: str) -> str:
    """The body as a reader could read it: raw, with HTML entities and URL escapes undone, and
    JSON strings decoded (\\u escapes), iCalendar lines unfolded and unescaped, lower-cased, in
    one string."""
    raw = body.decode("utf-8", errors="replace")
    if "calendar" in content_type or raw.startswith("BEGIN:VCALENDAR"):
        # RFC 5545 folds lines at 75 octets (a canary may be cut in two) and escapes , ; \\.
        raw = raw.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
    variants = {raw, html.unescape(raw), unquote(raw), unquote_plus(raw)}
    if "json" in content_type or raw[:1] in ("[", "{"):
        with contextlib.suppress(ValueError):  # not JSON after all: the other readings stand
            variants.add(json.dumps(json.loads(raw), ensure_ascii=False))
    variants |= {html.unescape(v) for v in list(variants)}
    return "\n".join(variants).lower()


def header_readings(response) -> str:
    lines = [f"{name}: {value}" for name, value in response.items()]
    lines += [morsel.OutputString() for morsel in response.cookies.values()]
    text = "\n".join(lines)
    return "\n".join({text, unquote(text), html.unescape(text)}).lower()
