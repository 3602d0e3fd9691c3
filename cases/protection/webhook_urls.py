"""Which addresses webhooks may reach: checked when a partner registers a URL, and again on every
delivery attempt, whoever registered it.

The registry POSTs from inside its own network, so a subscriber must not be able to point it at
the registry's own services or its cloud's metadata service (server-side request forgery):

- registration through the API (`check_partner_webhook_url`): only https, no credentials in the
  URL, a host whose every address is public. The partner hears at once, without being told which
  address a name resolved to (that would make the API a probe of internal DNS);
- every delivery attempt (`resolve_webhook_target`, then `open_connection`): the host is resolved
  once, every address it resolves to is checked, and the connection goes to a checked address,
  so a DNS answer that changes after a check (rebinding) is never used. The request still names
  the host: the Host header, TLS SNI and the certificate check are for the host name, not the
  address. Redirects are never followed (the caller speaks http.client, which does not).

WEBHOOK_ALLOW_PRIVATE_ADDRESSES (off by default) lifts the address check, for a registry whose
partners sit on its own network and for the test suite's receivers on 127.0.0.1.

May import: settings only; nothing of the registry.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits, and a gateway forwards to it.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# A request line carries printable ASCII only: anything else in a path is percent-encoded.
_PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))


class UnsafeWebhookURL(ValueError):
    """A URL webhooks may not reach. Its message may be shown to the partner; `detail` also names
    the address that was refused, for the staff's delivery log."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.detail = detail or message


@dataclass(frozen=True)
class WebhookTarget:
    """Where one delivery attempt goes: the host as named in the URL and its checked addresses."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def is_public_address(address) -> bool:
    """True for an address on the public internet, and for no address that merely wraps one of
    ours (IPv4-mapped, 6to4, Teredo, NAT64)."""
    address = ipaddress.ip_address(address)
    return all(_is_public(a) for a in (address, *_embedded_ipv4(address)))


def _is_public(address) -> bool:
    # is_global alone lets multicast and IPv6 site-local addresses through.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or getattr(address, "is_site_local", False)
    )


def _embedded_ipv4(address) -> list[ipaddress.IPv4Address]:
    if address.version != 6:
        return []
    embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in embedded if a is not None]


def check_partner_webhook_url(url: str, *, resolve=None) -> None:
    """What the API asks of a URL a partner registers (raises UnsafeWebhookURL)."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise UnsafeWebhookURL("Webhook URLs must use https.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("Give a host name, without credentials in the URL.")
    resolve_webhook_target(url, resolve=resolve)


def resolve_webhook_target(url: str, *, resolve=None) -> WebhookTarget:
    """Resolve the URL's host once and check every address it resolves to.

    `resolve` stands in for socket.getaddrinfo (looked up at call time, so tests can replace it).
    """
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise UnsafeWebhookURL("Webhook URLs must use http or https.")
    if not parts.hostname:
        raise UnsafeWebhookURL("Give a host name.")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except (UnicodeError, ValueError):
        raise UnsafeWebhookURL("The host name or port is not valid.") from None
    try:
        infos = (resolve or socket.getaddrinfo)(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise UnsafeWebhookURL(f"The host {host} does not resolve.") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeWebhookURL(f"The host {host} does not resolve.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not is_public_address(address):
                raise UnsafeWebhookURL(
                    "Webhook URLs must point to a public address.",
                    detail=f"{host} resolves to {address}, which is not a public address "
                    "(WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off).",
                )
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_PRINTABLE_ASCII)
    return WebhookTarget(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)


def open_connection(target: WebhookTarget, *, timeout: float) -> http.client.HTTPConnection:
    """An HTTP(S) connection that dials only the target's checked addresses, in order."""
    if target.scheme == "https":
        return _CheckedHTTPSConnection(target, timeout=timeout, context=ssl.create_default_context())
    return _CheckedHTTPConnection(target, timeout=timeout)


def _connect_to_checked_address(target: WebhookTarget, timeout: float) -> socket.socket:
    error = None
    for address in target.addresses:  # a literal address: create_connection asks no DNS
        try:
            return socket.create_connection((address, target.port), timeout)
        except OSError as exc:
            error = exc
    raise error


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: WebhookTarget, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def connect(self):
        self.sock = _connect_to_checked_address(self._target, self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: WebhookTarget, *, timeout: float, context: ssl.SSLContext):
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._target, self._tls = target, context

    def connect(self):
        sock = _connect_to_checked_address(self._target, self.timeout)
        try:
            # The certificate must name the host of the URL, whatever address was dialled.
            self.sock = self._tls.wrap_socket(sock, server_hostname=self._target.host)
        except BaseException:
            sock.close()
            raise
