"""The API gives what the registry writes (risk reasons, timeline entries) as a message code with
its parameters and as text in the language asked for (issue 20, point 1)."""

from cases.risk.assessment import assess_case
from tests.api.conftest import make_published_case


def test_the_api_gives_each_reason_as_code_params_and_text_in_the_language_asked(api_client_for, law):
    case = make_published_case(charges=("289.3",))
    assess_case(case_id=case.pk)
    client = api_client_for("anonymous")

    russian = client.get("/api/v1/assessments/", {"lang": "ru"}).json()["results"][0]["reasons"][0]
    english = client.get("/api/v1/assessments/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["reasons"][0]

    assert russian["code"] == english["code"] == "capital_charge"
    assert russian["params"] == english["params"]
    assert russian["params"]["law"] == {"country": "BY", "name": "Belarus"}
    assert russian["language"] == "ru" and russian["text"].startswith("Обвинение по ч. 3 ст. 289")
    assert english["text"].startswith("The charge under art. 289 part 3")


def test_the_api_gives_a_timeline_entry_the_registry_wrote_in_the_language_asked(api_client_for, law):
    case = make_published_case(charges=("289.3",))
    assess_case(case_id=case.pk)

    events = api_client_for("anonymous").get("/api/v1/events/", {"lang": "be"}).json()["results"]
    changed = next(e for e in events if e["kind"] == "risk_changed")

    assert changed["message"]["code"] == "risk_changed"
    assert changed["text"].startswith("Рызыка смяротнага пакарання:")
