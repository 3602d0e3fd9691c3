"""The HTTP half of scripts/prod_smoke.sh: talks to a running production setup over HTTP only.

Standard library only, no Django: it is what a staff member's browser and a partner's API client
would do. Each request carries `X-Forwarded-Proto: https`, as nginx sends it, so the production
settings are met as deployed (Secure cookies, CSRF's origin check for https, no redirect).

Steps: the server answers and redirects plain http to https; static files come hashed, compressed
and cacheable; the worker has assessed the new case (no risk); the staff login takes the password
and then a TOTP code; the case's admin page shows the charge; the charge is reclassified to a
capital article through the admin's form; within 30 s the public person page and the API show
the critical level; the beat has sent its sweep to the worker.
"""

import argparse
import hashlib
import hmac
import html
import http.client
import json
import re
import struct
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

POLL_SECONDS = 30
STARTED = time.monotonic()


class SmokeFailure(Exception):
    pass


def say(message: str) -> None:
    print(f"[smoke {time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class Client:
    """A minimal browser: keeps cookies (Secure ones too: nginx would have spoken TLS), sends
    the proxy's headers, follows no redirect by itself."""

    def __init__(self, base: str, *, behind_tls: bool = True):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.origin = f"https://{self.host}:{self.port}"
        self.behind_tls = behind_tls
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Language": "en", **(headers or {})}
        if self.behind_tls:
            sent["X-Forwarded-Proto"] = "https"
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs):
        return self.request("POST", path, form=form, **kwargs)


def totp(key_hex: str, *, step: int = 30, digits: int = 6, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, as django-otp's TOTPDevice checks it."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def hidden_inputs(page: bytes) -> dict[str, str]:
    text = page.decode()
    fields = {}
    for tag in re.findall(r"<input[^>]*>", text):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="hidden"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    return fields


def location_path(headers) -> str:
    return urllib.parse.urlsplit(headers["Location"]).path


def wait_until_up(base: str) -> None:
    client = Client(base)
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _, _ = client.get("/")
            if status == 200:
                return
        except OSError:
            pass
        check(time.monotonic() < deadline, "gunicorn did not answer on / within 30 s")
        time.sleep(0.3)


def check_https_redirect(base: str) -> None:
    status, headers, _ = Client(base, behind_tls=False).get("/people/")
    check(status == 301, f"plain http should be redirected to https, got {status}")
    check(headers["Location"].startswith("https://"), f"redirect to {headers['Location']}")
    status, headers, _ = Client(base).get("/people/")
    check(status == 200, f"the people list answered {status}")
    check("max-age=" in (headers["Strict-Transport-Security"] or ""), "no HSTS header over https")
    say("plain http is redirected to https; over https the pages carry HSTS")


def check_static_files(base: str) -> None:
    client = Client(base)
    status, _, page = client.get("/admin/account/login/")
    check(status == 200, f"the staff login page answered {status}")
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.decode())
    check(css is not None, "the login page links no hashed stylesheet (is the manifest storage on?)")
    status, headers, body = client.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    check(status == 200, f"{css.group(1)} answered {status}")
    check(headers["Content-Encoding"] == "gzip", f"{css.group(1)} was not served compressed")
    check("immutable" in (headers["Cache-Control"] or ""), f"cache headers: {headers['Cache-Control']}")
    say(f"static file {css.group(1)} served by WhiteNoise: gzip, {headers['Cache-Control']}")


def api_case(base: str, case_id: str) -> dict:
    status, _, body = Client(base).get(f"/api/v1/cases/{case_id}/", headers={"Accept": "application/json"})
    check(status == 200, f"GET /api/v1/cases/{case_id}/ answered {status}: {body[:300]!r}")
    return json.loads(body)


def public_page(base: str, slug: str) -> str:
    status, _, body = Client(base).get(f"/people/{slug}/")
    check(status == 200, f"GET /people/{slug}/ answered {status}")
    return body.decode()


def assessments_received(worker_log: Path | None) -> int:
    """How many assessment tasks the worker has logged as received (celery.worker.strategy)."""
    if worker_log is None:
        return 0
    return sum(
        1
        for line in worker_log.read_text().splitlines()
        if "task_assess_case[" in line and "received" in line
    )


def wait_for(what: str, probe) -> float:
    started = time.monotonic()
    while True:
        result = probe()
        if result is True:
            return time.monotonic() - started
        if time.monotonic() - started > POLL_SECONDS:
            raise SmokeFailure(f"{what}: not within {POLL_SECONDS} s (last seen: {result})")
        time.sleep(0.5)


def log_in(base: str, setup: dict) -> Client:
    staff = Client(base)
    path = "/admin/account/login/"
    status, _, page = staff.get(path)
    check(status == 200, f"GET {path} answered {status}")
    fields = hidden_inputs(page)
    step_field = next((name for name in fields if name.endswith("-current_step")), None)
    check(step_field is not None, "the login page has no wizard step field")
    status, headers, page = staff.post(
        path,
        {
            **fields,
            step_field: "auth",
            "auth-username": setup["username"],
            "auth-password": setup["password"],
        },
    )
    check(status == 200, f"the password step answered {status}")
    check('name="token-otp_token"' in page.decode(), "the password step did not ask for a TOTP code")
    say("password accepted; the login asks for the authenticator's code")
    status, headers, page = staff.post(
        path,
        {
            **hidden_inputs(page),
            step_field: "token",
            "token-otp_token": totp(setup["totp_key"], step=setup["totp_step"], digits=setup["totp_digits"]),
        },
    )
    check(status == 302, f"the TOTP step answered {status}: {page[:500]!r}")
    status, _, page = staff.get(location_path(headers))
    check(status == 200 and b"/admin/logout/" in page, f"after the login the admin answered {status}")
    say("TOTP code accepted; the admin index is open")
    return staff


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--setup", required=True, type=Path)
    parser.add_argument("--worker-log", type=Path)
    parser.add_argument("--beat-log", type=Path)
    parser.add_argument("--gunicorn-log", type=Path)
    args = parser.parse_args()
    setup = json.loads(args.setup.read_text())
    base, case_id, slug = args.base, setup["case_id"], setup["person_slug"]

    try:
        wait_until_up(base)
        say(f"gunicorn answers on {base}")
        check_https_redirect(base)
        check_static_files(base)

        def assessed_none():
            risk = api_case(base, case_id)["risk"]
            return True if risk["status"] == "none" else risk

        took = wait_for("the worker's first assessment", assessed_none)
        say(f"the worker assessed the new case: API risk status 'none' ({took:.1f} s)")
        check("Critical risk" not in public_page(base, slug), "the public page shows a risk before the edit")

        staff = log_in(base, setup)
        status, _, page = staff.get(f"/admin/cases/case/{setup['case_pk']}/change/")
        reclassify = f"/admin/cases/charge/{setup['charge_pk']}/reclassify/"
        check(status == 200, f"the case's admin page answered {status}")
        check(reclassify.encode() in page, "the case's admin page has no reclassify link for the charge")
        say("the case's admin page lists the charge with its reclassify link")

        received_before = assessments_received(args.worker_log)
        status, _, page = staff.get(reclassify)
        check(status == 200, f"GET {reclassify} answered {status}")
        status, headers, page = staff.post(
            reclassify,
            {
                **hidden_inputs(page),
                "to_article": setup["target_article_pk"],
                "stage": "completed",
                "on": setup["reclassified_on"],
                "offence_date": "",
                "source": "",
                "note": "smoke test of the production setup",
            },
        )
        check(status == 302, f"the reclassification was not accepted ({status}): {page[-1500:]!r}")
        status, _, page = staff.get(location_path(headers))
        check(b"Reclassified" in page, "the case page shows no 'Reclassified' message")
        say(f"reclassified through the admin to {setup['target_notation']}")
        edited = time.monotonic()

        def api_critical():
            risk = api_case(base, case_id)["risk"]
            return True if risk["status"] == "critical" and risk["level"] == "critical" else risk

        took = wait_for("the critical level in the API", api_critical)
        say(f"API /api/v1/cases/{case_id}/: risk level 'critical' {took:.1f} s after the edit")
        if args.worker_log:
            check(
                assessments_received(args.worker_log) > received_before,
                "the worker received no assessment after the edit: who assessed the case?",
            )
            say("the Celery worker received the case's assessment task after the edit")

        def page_critical():
            text = public_page(base, slug)
            return True if "Critical risk of the death penalty" in text else "no critical banner"

        wait_for("the critical banner on the public page", page_critical)
        text = public_page(base, slug)
        check("289" in text, "the public page does not name the new article")
        say(
            f"public /people/{slug}/: 'Critical risk of the death penalty' "
            f"{time.monotonic() - edited:.1f} s after the edit"
        )

        if args.beat_log and args.worker_log:

            def swept():
                sent = "task_sweep_stale_cases" in args.beat_log.read_text()
                return True if sent else "the beat has not sent the sweep yet"

            wait_for("the beat's sweep", swept)
            say("celery beat sent the periodic sweep")
        if args.gunicorn_log:
            log = args.gunicorn_log.read_text()
            check("127.0.0.1" not in log, "gunicorn's log names a client address")
            check('"GET /people/' in log, "gunicorn's access log has no request line")
            say("gunicorn's access log has request lines and no address")
    except (SmokeFailure, OSError, KeyError, ValueError) as failure:
        print(f"SMOKE TEST FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
