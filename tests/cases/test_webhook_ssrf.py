"""Webhooks cannot be turned against the registry's own network (server-side request forgery).

The attacks: a subscriber that answers with a redirect to an internal address, a URL registered
by staff (who skip the API's check), and a host name whose DNS answer changes between the check
and the connection (rebinding). Every delivery attempt resolves the host once, checks every
address, connects to the address it checked and follows no redirect. Traffic in these tests
never leaves 127.0.0.0/8.
"""

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from cases import services
from cases.models import WebhookDelivery, WebhookSubscription
from cases.protection import webhook_urls
from cases.risk import alerts
from tests.factories import CaseFactory, article

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
PARTNER_HOST = "partner.test"  # a reserved name: it never resolves outside these tests
URL_TOKEN = "CANARYpathtoken"  # partners put secrets in their URLs too


class LoopbackServer:
    """An HTTP(S) server on a loopback address that records every connection and request.

    `answer` gives the status and extra headers of each response (a redirect, for instance).
    """

    def __init__(self, *, host="127.0.0.1", port=0, answer=(200, {}), tls=None):
        self.connections, self.requests, self.server_names = 0, [], []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self):
                server.connections += 1
                super().setup()

            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                status, headers = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _record  # noqa: N815 - http.server's naming

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.port = self.httpd.server_address[1]
        if tls is not None:
            tls.sni_callback = lambda sslsocket, name, context: self.server_names.append(name)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, host=None, scheme="http"):
        return f"{scheme}://{host or self.httpd.server_address[0]}:{self.port}/hook?token={URL_TOKEN}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def dns(monkeypatch):
    """Answers for PARTNER_HOST, in order (the last one repeats); every other name as usual."""
    real = socket.getaddrinfo
    answers, asked = [], []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host != PARTNER_HOST:
            return real(host, port, family, type, proto, flags)
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def answer(*addresses):
        answers[:] = addresses
        return asked

    return answer


def _tls_certificate_for(host_name: str, directory) -> tuple[str, str]:
    """A self-signed certificate for host_name, written as (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{host_name}.crt", directory / f"{host_name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


def _tls_server_context(cert_path, key_path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def _published_case_reclassified_into_terrorism():
    """A published person's case rises to critical: one webhook delivery per active subscription."""
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("342.1"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    services.publish_person(person=case.person)
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    return case


# The address check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "127.8.9.10",
        "10.1.2.3",  # private
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",  # carrier-grade NAT
        "169.254.169.254",  # link-local: cloud metadata services
        "0.0.0.0",  # unspecified: reaches the host itself  # noqa: S104
        "224.0.0.1",  # multicast (is_global is True for it)
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "::1",
        "::",
        "fe80::1",  # link-local
        "fec0::1",  # site-local (is_global is True for it)
        "fd00::1",  # unique local
        "ff0e::1",  # multicast (is_global is True for it)
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "::7f00:1",  # IPv4-compatible
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1 (is_global is True for it)
        "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
        "2001:db8::1",  # documentation
    ],
)
def test_address_check_refuses_every_address_that_is_not_public(address):
    assert not webhook_urls.is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"])
def test_address_check_accepts_public_addresses(address):
    assert webhook_urls.is_public_address(address)


def test_host_with_one_internal_address_among_public_ones_is_refused():
    def resolve(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    with pytest.raises(webhook_urls.UnsafeWebhookURL) as refusal:
        webhook_urls.resolve_webhook_target("https://partner.test/hook", resolve=resolve)

    assert str(refusal.value) == "Webhook URLs must point to a public address."
    assert "10.0.0.7" in refusal.value.detail  # for the staff's log; the partner is not told


# Delivery ------------------------------------------------------------------------------------------


def test_delivery_to_a_loopback_receiver_is_refused_by_default_and_marked_failed(law):
    """A staff-registered URL skips the API's check; the delivery is checked all the same
    (WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off, its default)."""
    with LoopbackServer() as receiver:
        subscription = WebhookSubscription.objects.create(organisation="Staff-typed", url=receiver.url())
        _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert receiver.connections == 0 and receiver.requests == []
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    assert "127.0.0.1" in delivery.last_error and "not a public address" in delivery.last_error
    assert subscription.secret not in delivery.last_error and URL_TOKEN not in delivery.last_error


def test_redirect_to_an_internal_address_is_not_followed(law, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the subscriber itself is on loopback here
    with LoopbackServer() as internal:
        redirect = (302, {"Location": f"http://127.0.0.1:{internal.port}/admin/secrets"})
        with LoopbackServer(answer=redirect) as subscriber:
            WebhookSubscription.objects.create(organisation="Redirecting partner", url=subscriber.url())
            _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert len(subscriber.requests) == 1 and subscriber.requests[0][0] == "POST"
    assert internal.connections == 0 and internal.requests == []
    assert (delivery.state, delivery.last_status_code) == ("pending", 302)
    assert "redirects are not followed" in delivery.last_error


def test_dns_answer_that_changes_after_registration_is_checked_again_at_delivery(law, dns):
    """Rebinding: the name is public when the partner registers it, loopback when the worker calls."""
    with LoopbackServer() as internal:
        asked = dns("93.184.215.14", "127.0.0.1")
        url = internal.url(host=PARTNER_HOST, scheme="https")
        # What the API runs when the partner registers it (the fake resolver, passed explicitly).
        webhook_urls.check_partner_webhook_url(url, resolve=socket.getaddrinfo)
        WebhookSubscription.objects.create(organisation="Rebinding partner", url=url)
        _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert len(asked) == 2  # once at registration, once at the delivery attempt
    assert internal.connections == 0
    assert delivery.state == "failed" and "not a public address" in delivery.last_error


def test_delivery_connects_to_the_address_it_checked_and_keeps_the_host_name(law, settings, dns):
    """One resolution per attempt: the request goes where the check looked, named as registered."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    checked = LoopbackServer(host="127.0.0.2")
    with checked, LoopbackServer(host="127.0.0.3", port=checked.port) as elsewhere:
        asked = dns("127.0.0.2", "127.0.0.3")
        WebhookSubscription.objects.create(organisation="Partner", url=checked.url(host=PARTNER_HOST))
        _published_case_reclassified_into_terrorism()

    assert WebhookDelivery.objects.get().state == "delivered"
    assert len(asked) == 1 and elsewhere.connections == 0
    method, path, headers, _ = checked.requests[0]
    assert (method, path) == ("POST", f"/hook?token={URL_TOKEN}")
    assert headers["Host"] == f"{PARTNER_HOST}:{checked.port}"


def test_https_delivery_verifies_the_certificate_of_the_host_name_not_the_address(
    law, settings, dns, tmp_path, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    cert_path, key_path = _tls_certificate_for(PARTNER_HOST, tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert_path)  # the test certificate is the only trusted one
    dns("127.0.0.1")
    with LoopbackServer(tls=_tls_server_context(cert_path, key_path)) as receiver:
        WebhookSubscription.objects.create(
            organisation="TLS partner", url=receiver.url(host=PARTNER_HOST, scheme="https")
        )
        _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == ("delivered", 200)
    assert receiver.server_names == [PARTNER_HOST]  # SNI names the host, not 127.0.0.1
    assert receiver.requests[0][2]["Host"] == f"{PARTNER_HOST}:{receiver.port}"


def test_https_delivery_refuses_a_certificate_for_another_host(law, settings, dns, tmp_path, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    cert_path, key_path = _tls_certificate_for("elsewhere.test", tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", cert_path)
    dns("127.0.0.1")
    with LoopbackServer(tls=_tls_server_context(cert_path, key_path)) as receiver:
        WebhookSubscription.objects.create(
            organisation="Impostor", url=receiver.url(host=PARTNER_HOST, scheme="https")
        )
        _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.last_status_code is None
    assert "certificate" in delivery.last_error.lower()
    assert receiver.requests == []


def test_path_with_line_breaks_or_non_ascii_is_sent_percent_encoded_not_as_headers(law, settings):
    """A URL typed into the admin is not validated: it must not inject headers into the request."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with LoopbackServer() as receiver:
        url = f"http://127.0.0.1:{receiver.port}/hook/é?x=a\r\nX-Injected: 1"
        WebhookSubscription.objects.create(organisation="Odd path", url=url)
        _published_case_reclassified_into_terrorism()

    assert WebhookDelivery.objects.get().state == "delivered"
    method, path, headers, _ = receiver.requests[0]
    assert path == "/hook/%C3%A9?x=aX-Injected:%201"  # urlsplit drops the line break, we encode the rest
    assert "X-Injected" not in headers


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1:1/hook", "gopher://127.0.0.1:6379/"])
def test_delivery_to_a_url_that_is_not_http_is_refused(law, url):
    WebhookSubscription.objects.create(organisation="Odd", url=url)
    _published_case_reclassified_into_terrorism()

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and "http or https" in delivery.last_error


def test_refused_delivery_is_not_retried(law):
    WebhookSubscription.objects.create(organisation="Internal", url="http://127.0.0.1:1/hook")
    _published_case_reclassified_into_terrorism()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    assert alerts.deliver_webhook(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
