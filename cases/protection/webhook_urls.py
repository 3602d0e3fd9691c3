"""Which webhook URLs a partner may register through the API.

The registry POSTs to these URLs from inside its own network, so a partner must not be able to
point it at the registry's own services (server-side request forgery): only https, only names
that resolve to public addresses. Staff can register other URLs in the admin.
"""

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeWebhookURL(ValueError):
    pass


def check_partner_webhook_url(url: str, *, resolve=socket.getaddrinfo) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise UnsafeWebhookURL("Webhook URLs must use https.")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeWebhookURL("Give a host name, without credentials in the URL.")
    try:
        infos = resolve(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise UnsafeWebhookURL(f"The host {parts.hostname} does not resolve.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise UnsafeWebhookURL("Webhook URLs must point to a public address.")
