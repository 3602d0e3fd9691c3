"""The guide a partner's developer reads at /api/docs/ (the schema's description): how to get and
send a key, the scopes, the rate limits as configured, webhooks with a signature check that works,
all served by the registry itself."""

import json
import re
import shutil
import subprocess
import time

import pytest
from django.urls import reverse

from cases.models import PartnerAPIKey
from cases.risk import alerts

pytestmark = pytest.mark.django_db

SECRET = "synthetic-secret-of-forty-three-characters-x"


@pytest.fixture
def served_schema(client, law):
    def fetch() -> dict:
        response = client.get(reverse("schema"), {"format": "json"})
        assert response.status_code == 200
        return json.loads(response.content)

    return fetch


@pytest.fixture
def guide(served_schema) -> str:
    return served_schema()["info"]["description"]


def _code_block(guide: str, language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", guide, flags=re.DOTALL)
    assert len(blocks) >= 1, f"no {language} block in the served guide"
    return blocks[0]


# Calls the guide's `verify` with argv: secret, body, timestamp, signature; prints the three answers.
NODE_HARNESS = """
const [secret, raw, timestamp, signature] = process.argv.slice(2);
const body = Buffer.from(raw, "utf8");
console.log(JSON.stringify([
  verify(secret, timestamp, body, signature),
  verify("another-secret", timestamp, body, signature),
  verify(secret, timestamp, Buffer.concat([body, Buffer.from(" ")]), signature),
]));
"""


def _signed_delivery(secret: str) -> tuple[str, bytes, str]:
    body = json.dumps({"event": "risk_level_changed", "delivery_id": "synthetic-id"}, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    return timestamp, body, alerts.sign(secret, timestamp, body)


def test_guide_says_who_issues_a_key_that_it_is_shown_once_and_how_to_send_it(guide):
    assert "administrator" in guide
    assert "shown once" in guide
    assert "Authorization: Api-Key <key>" in guide
    assert "401" in guide


def test_guide_lists_every_scope(guide):
    for scope in PartnerAPIKey.Scope.values:
        assert f"`{scope}`" in guide


def test_guide_gives_the_configured_rates(settings, served_schema):
    settings.API_THROTTLE_ANON = "45/min"
    settings.API_THROTTLE_KEY = "900/hour"
    settings.API_THROTTLE_SUBMISSIONS = "120/hour"
    settings.API_THROTTLE_WEBHOOKS = None

    guide = served_schema()["info"]["description"]

    assert "45 requests a minute" in guide
    assert "900 requests an hour" in guide
    assert "120 requests an hour" in guide
    assert re.search(r"`webhooks`[^\n]*no limit", guide)
    assert "429" in guide and "Retry-After" in guide


def test_guide_describes_webhook_payload_headers_retries_and_duplicates(guide):
    for words in (
        '"delivery_id"',
        '"new_level"',
        alerts.SIGNATURE_HEADER,
        alerts.TIMESTAMP_HEADER,
        alerts.DELIVERY_HEADER,
        "at least once",
        f"{alerts.MAX_ATTEMPTS} attempts",
    ):
        assert words in guide


def test_python_signature_check_in_the_guide_accepts_a_real_delivery_and_refuses_a_forged_one(guide):
    namespace = {}
    # The guide's own code, as a partner copies it: run, not imported, since it lives in the docs.
    exec(_code_block(guide, "python"), namespace)  # noqa: S102
    verify = namespace["verify"]
    timestamp, body, signature = _signed_delivery(SECRET)
    old = str(int(time.time()) - 600)

    assert verify(SECRET, timestamp, body, signature)
    assert not verify("another-secret", timestamp, body, signature)
    assert not verify(SECRET, timestamp, body + b" ", signature)
    assert not verify(SECRET, old, body, alerts.sign(SECRET, old, body))


@pytest.mark.skipif(shutil.which("node") is None, reason="this test runs the guide's JavaScript with Node")
def test_javascript_signature_check_in_the_guide_accepts_a_real_delivery_and_refuses_a_forged_one(
    guide, tmp_path
):
    timestamp, body, signature = _signed_delivery(SECRET)
    script = tmp_path / "check.js"
    script.write_text(_code_block(guide, "javascript") + NODE_HARNESS, encoding="utf-8")

    run = subprocess.run(
        ["node", str(script), SECRET, body.decode(), timestamp, signature],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [True, False, False]


def test_served_schema_points_to_no_repository_file(served_schema):
    served = json.dumps(served_schema())

    files = re.findall(r"\b[\w./-]+\.(?:md|py)\b", served)
    assert files == []
    assert "tests/" not in served and "github" not in served.lower()


def test_api_docs_page_shows_the_schema_served_by_the_registry(client, law):
    content = client.get(reverse("api-docs")).content.decode()

    assert reverse("schema") in content
    assert not re.search(r"""(?:src|href|url)\s*[:=]\s*["']https?://""", content)
