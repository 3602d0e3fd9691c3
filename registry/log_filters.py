"""Logging filters: no visitor's address is ever written to a log, nor what they searched for.

Whoever reads the public pages must not be traceable through our logs, even if the logs are
seized. The filter is attached to every handler in `settings.LOGGING`, so it applies to records
of any logger that reaches them (django.request, django.server, the project's own). A request line
in a message ("GET /people/?q=Name HTTP/1.1", the development server's) keeps only the names of
its query parameters."""

import copy
import ipaddress
import logging
import re
from urllib.parse import parse_qsl

REDACTED = "[address removed]"

# Request headers and environ keys that carry a client's address (set by a proxy or the server).
ADDRESS_KEYS = frozenset(
    {
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
        "HTTP_FORWARDED",
        "HTTP_X_CLIENT_IP",
        "HTTP_CLIENT_IP",
        "HTTP_CF_CONNECTING_IP",
        "HTTP_TRUE_CLIENT_IP",
        "HTTP_X_CLUSTER_CLIENT_IP",
    }
)

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Candidates only (hex groups with colons, perhaps ending in an IPv4 address); each is confirmed
# by the ipaddress module so that times like 12:30:05 are left alone.
_IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%\w+)?(?![\w:])"
)


# A request line as the development server logs it: "GET /people/?q=Name HTTP/1.1".
_REQUEST_LINE_QUERY = re.compile(r'("[A-Z]+ [^"\s?]*)\?([^"\s]*)( HTTP/[\d.]+")')


def _query_names_only(match: re.Match) -> str:
    names = dict.fromkeys(name for name, _ in parse_qsl(match.group(2), keep_blank_values=True))
    return match.group(1) + ("?" + "&".join(f"{name}=" for name in names) if names else "") + match.group(3)


def without_query_values(text: str) -> str:
    """The text with the values of every logged request line's query string removed (the
    parameter names are kept): a query string can hold a name someone searched for."""
    return _REQUEST_LINE_QUERY.sub(_query_names_only, text)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def redact_addresses(text: str) -> str:
    """The text with every IPv4 and IPv6 address replaced."""
    text = _IPV6_CANDIDATE.sub(lambda m: REDACTED if _is_ip(m.group()) else m.group(), text)
    return _IPV4.sub(lambda m: REDACTED if _is_ip(m.group()) else m.group(), text)


class RedactAddresses(logging.Filter):
    """Removes client addresses from a record: from its message, and from the request it carries
    (an HttpRequest's address headers; the development server's socket is dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact_addresses(without_query_values(message)), None
        request = getattr(record, "request", None)
        if request is not None:
            meta = getattr(request, "META", None)
            if isinstance(meta, dict):
                # A copy: the live request is still being answered.
                safe = copy.copy(request)
                safe.META = {key: value for key, value in meta.items() if key not in ADDRESS_KEYS}
                record.request = safe
            else:
                # django.server passes the client's socket, whose repr holds its address.
                record.request = None
        if record.exc_text:
            record.exc_text = redact_addresses(record.exc_text)
        return True
