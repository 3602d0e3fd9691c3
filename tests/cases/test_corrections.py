"""Correcting a charge typed under the wrong article, or withdrawing one created by mistake, is its
own verb (issue #16, point 5): no legal event is invented, the public pages stop showing the
mistake, the change feed tells mirrors, the risk is reassessed and alerts raised only by the
mistake are closed with a note that says so."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.exceptions import RefusedChange
from cases.models import (
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    Reclassification,
    RiskAlert,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from tests.api.conftest import make_published_case
from tests.factories import UserFactory, article

D = datetime.date
WRONG = "art. 289 part 3"
RIGHT = "art. 339 part 1"


def _person_page(client, case) -> str:
    response = client.get(reverse("public:person-detail", args=[case.person.slug]))
    assert response.status_code == 200
    return response.content.decode()


def _feed_actions(client, charge_public_id) -> list[str]:
    response = client.get(reverse("api:changes"), {"limit": 100})
    assert response.status_code == 200, response.content
    return [
        entry["action"]
        for entry in response.json()["results"]
        if entry["object_type"] == "charge" and entry["object_id"] == str(charge_public_id)
    ]


@pytest.fixture
def editor(law):
    return UserFactory(groups=[EDITOR])


@pytest.fixture
def mistaken_case(law):
    """A published case whose only charge was typed under 289.3 instead of 339.1."""
    return make_published_case(charges=("289.3",))


# Correcting -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_correcting_a_mistaken_capital_charge_lowers_the_level_and_resolves_its_alert(client, law, editor):
    case = make_published_case(charges=("289.3",))
    case = Case.objects.get(pk=case.pk)
    assert case.risk_level == "critical"
    mistaken_alert = RiskAlert.objects.get(case=case, new_level="critical")
    charge = case.charges.get()
    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")

    services.correct_charge(
        charge=charge, article=article("339.1"), reason="Typed under the wrong article", by=editor
    )

    case = Case.objects.get(pk=case.pk)
    assert case.risk_level != "critical" and not case.risk_stale
    mistaken_alert.refresh_from_db()
    assert mistaken_alert.state == RiskAlert.State.RESOLVED
    assert mistaken_alert.resolved_by == editor
    assert "corrected" in mistaken_alert.resolution_note
    assert WRONG in mistaken_alert.resolution_note and RIGHT in mistaken_alert.resolution_note
    # The fall of the level is a change partners hear about, through the usual alert and webhook.
    fall = RiskAlert.objects.get(case=case, old_level="critical", state=RiskAlert.State.OPEN)
    assert WebhookDelivery.objects.get(alert=fall).payload["old_level"] == "critical"


def test_corrected_charge_shows_only_its_corrected_article_on_the_public_person_page(
    client, mistaken_case, editor
):
    assert WRONG in _person_page(client, mistaken_case)

    services.correct_charge(
        charge=mistaken_case.charges.get(), article=article("339.1"), reason="Typo in the list", by=editor
    )

    html = _person_page(client, mistaken_case)
    assert WRONG not in html
    assert RIGHT in html


def test_correction_rewrites_the_stored_text_of_the_charge_events(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.correct_charge(charge=charge, article=article("339.1"), reason="Typo in the list", by=editor)

    texts = list(CaseEvent.objects.filter(charge=charge).values_list("text", flat=True))
    assert texts and all(WRONG not in text for text in texts)


def test_correction_invents_no_reclassification_and_keeps_the_charge(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    corrected = services.correct_charge(
        charge=charge, article=article("339.1"), reason="Typo in the list", by=editor
    )

    assert corrected.pk == charge.pk and corrected.state == "active"
    assert not Reclassification.objects.exists()
    assert not CaseEvent.objects.filter(case=mistaken_case, kind="reclassified").exists()


def test_correction_is_in_the_change_feed_of_mirrors(client, mistaken_case, editor):
    charge = mistaken_case.charges.get()
    before = _feed_actions(client, charge.public_id)

    services.correct_charge(charge=charge, article=article("339.1"), reason="Typo in the list", by=editor)

    assert _feed_actions(client, charge.public_id) == [*before, ChangeRecord.Action.CORRECTED]


def test_correction_history_keeps_the_reason_and_the_author(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.correct_charge(charge=charge, article=article("339.1"), reason="Typo in the list", by=editor)

    latest = charge.history.first()
    assert latest.history_user == editor
    assert "Typo in the list" in latest.history_change_reason
    assert latest.article_id == article("339.1").pk


def test_correction_changes_only_the_facts_given(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.correct_charge(charge=charge, offence_date=D(2022, 2, 1), reason="Wrong day", by=editor)

    charge.refresh_from_db()
    assert charge.offence_date == D(2022, 2, 1)
    assert (charge.article, charge.charged_on, charge.stage) == (article("289.3"), D(2022, 3, 2), "completed")


@pytest.mark.parametrize("reason", ["", "   "])
def test_correction_without_a_reason_is_refused_and_changes_nothing(mistaken_case, editor, reason):
    charge = mistaken_case.charges.get()

    with pytest.raises(RefusedChange, match="reason"):
        services.correct_charge(charge=charge, article=article("339.1"), reason=reason, by=editor)

    charge.refresh_from_db()
    assert charge.article == article("289.3")


def test_correction_that_changes_nothing_is_refused(mistaken_case, editor):
    with pytest.raises(RefusedChange, match="nothing"):
        services.correct_charge(
            charge=mistaken_case.charges.get(), article=article("289.3"), reason="No-op", by=editor
        )


@pytest.mark.django_db(transaction=True)
def test_correction_that_keeps_the_level_leaves_the_open_alert_open(law, editor):
    case = make_published_case(charges=("289.3",))
    alert = RiskAlert.objects.get(case=case, new_level="critical")

    services.correct_charge(
        charge=case.charges.get(), offence_date=D(2022, 2, 19), reason="Wrong day", by=editor
    )

    alert.refresh_from_db()
    assert alert.state == RiskAlert.State.OPEN
    assert Case.objects.get(pk=case.pk).risk_level == "critical"


def test_correcting_the_charge_date_moves_its_charged_event(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.correct_charge(charge=charge, charged_on=D(2022, 3, 5), reason="Wrong day", by=editor)

    assert list(charge.events.filter(kind="charged").values_list("date", flat=True)) == [D(2022, 3, 5)]


# Withdrawing ----------------------------------------------------------------------------------


def test_withdrawn_charge_disappears_from_the_public_person_page(client, mistaken_case, editor):
    assert WRONG in _person_page(client, mistaken_case)

    services.withdraw_charge(charge=mistaken_case.charges.get(), reason="Another person's charge", by=editor)

    assert WRONG not in _person_page(client, mistaken_case)
    assert not CaseEvent.objects.filter(case=mistaken_case, kind="charged").exists()


def test_withdrawal_tells_mirrors_the_charge_is_withdrawn(client, mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.withdraw_charge(charge=charge, reason="Another person's charge", by=editor)

    assert _feed_actions(client, charge.public_id)[-1] == ChangeRecord.Action.WITHDRAWN


def _correction_deliveries():
    return [d.payload for d in WebhookDelivery.objects.filter(alert__isnull=True)]


def test_correction_tells_partners_by_webhook_without_the_reason(mistaken_case, editor):
    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")
    charge = mistaken_case.charges.get()

    services.correct_charge(charge=charge, article=article("339.1"), reason="Typo from Source X", by=editor)

    [payload] = _correction_deliveries()
    assert payload["event"] == "charge_corrected"
    assert payload["charge"] == str(charge.public_id) and payload["case"] == str(mistaken_case.public_id)
    assert payload["person"] == mistaken_case.person.slug and payload["delivery_id"]
    assert "Source X" not in str(payload) and "Typo" not in str(payload)


def test_withdrawal_tells_partners_by_webhook(mistaken_case, editor):
    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")
    charge = mistaken_case.charges.get()

    services.withdraw_charge(charge=charge, reason="Another person's charge", by=editor)

    [payload] = _correction_deliveries()
    assert (payload["event"], payload["charge"]) == ("charge_withdrawn", str(charge.public_id))


def test_correction_of_an_unpublished_person_tells_no_partner(law, editor):
    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")
    case = make_published_case(charges=("289.3",), publish=False)

    services.correct_charge(charge=case.charges.get(), article=article("339.1"), reason="Typo", by=editor)

    assert _correction_deliveries() == []


def test_correction_webhook_is_not_sent_once_the_person_is_withdrawn(mistaken_case, editor):
    from cases.risk.alerts import deliver_webhook

    WebhookSubscription.objects.create(organisation="Synthetic partner", url="http://127.0.0.1:1/hook")
    services.correct_charge(
        charge=mistaken_case.charges.get(), article=article("339.1"), reason="Typo", by=editor
    )
    services.withdraw_person(person=mistaken_case.person, by=editor)

    delivery = WebhookDelivery.objects.get(alert__isnull=True)
    assert deliver_webhook(delivery_id=delivery.pk) == WebhookDelivery.State.CANCELLED


def test_withdrawal_history_keeps_the_reason_and_the_author(mistaken_case, editor):
    charge = mistaken_case.charges.get()

    services.withdraw_charge(charge=charge, reason="Another person's charge", by=editor)

    assert not Charge.objects.filter(pk=charge.pk).exists()
    last = Charge.history.filter(id=charge.pk).first()
    assert last.history_type == "-"
    assert last.history_user == editor
    assert "Another person's charge" in last.history_change_reason


def test_withdrawal_without_a_reason_is_refused(mistaken_case, editor):
    with pytest.raises(RefusedChange, match="reason"):
        services.withdraw_charge(charge=mistaken_case.charges.get(), reason=" ", by=editor)
    assert mistaken_case.charges.exists()


def test_withdrawal_of_a_reclassified_charge_is_refused(mistaken_case, editor):
    charge = mistaken_case.charges.get()
    services.reclassify_charge(charge=charge, to_article=article("339.1"), on=D(2022, 6, 1))

    with pytest.raises(RefusedChange, match="reclassification"):
        services.withdraw_charge(charge=charge, reason="Created by mistake", by=editor)
    assert Charge.objects.filter(pk=charge.pk).exists()


# Reclassification is still a legal event --------------------------------------------------------


def test_reclassification_still_records_a_legal_event(mistaken_case):
    services.reclassify_charge(
        charge=mistaken_case.charges.get(), to_article=article("339.1"), on=D(2022, 6, 1)
    )

    assert Reclassification.objects.count() == 1
    assert CaseEvent.objects.filter(case=mistaken_case, kind="reclassified").exists()


# Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def client_for(client):
    def login(group):
        client.force_login(UserFactory(groups=[group]))
        return client

    return login


@pytest.mark.parametrize(("group", "status"), [(VIEWER, 403), (EDITOR, 200), (PUBLISHER, 200)])
def test_correct_form_opens_only_for_editors_and_publishers(client_for, mistaken_case, group, status):
    charge = mistaken_case.charges.get()
    response = client_for(group).get(reverse("admin:cases_charge_correct", args=[charge.pk]))
    assert response.status_code == status


def test_viewer_cannot_post_a_correction(client_for, mistaken_case):
    charge = mistaken_case.charges.get()
    response = client_for(VIEWER).post(
        reverse("admin:cases_charge_correct", args=[charge.pk]),
        {"article": article("339.1").pk, "stage": "completed", "reason": "Typo"},
    )
    assert response.status_code == 403
    charge.refresh_from_db()
    assert charge.article == article("289.3")


def test_case_page_offers_correct_beside_reclassify(client_for, mistaken_case):
    response = client_for(EDITOR).get(reverse("admin:cases_case_change", args=[mistaken_case.pk]))
    html = response.content.decode()
    assert reverse("admin:cases_charge_correct", args=[mistaken_case.charges.get().pk]) in html


def test_correct_form_corrects_and_names_the_risk_level(client_for, mistaken_case):
    charge = mistaken_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_correct", args=[charge.pk]),
        {
            "action": "correct",
            "article": article("339.1").pk,
            "stage": "completed",
            "offence_date": "2022-02-20",
            "charged_on": "2022-03-02",
            "reason": "Typed under the wrong article",
        },
        follow=True,
    )
    charge.refresh_from_db()
    assert charge.article == article("339.1")
    message = " ".join(str(m) for m in response.context["messages"])
    assert f"Corrected {WRONG} → {RIGHT}" in message and "Risk of the death penalty" in message


def test_correct_form_refuses_a_blank_reason(client_for, mistaken_case):
    charge = mistaken_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_correct", args=[charge.pk]),
        {"action": "correct", "article": article("339.1").pk, "stage": "completed", "reason": ""},
    )
    assert response.status_code == 200
    assert "reason" in response.content.decode().lower()
    charge.refresh_from_db()
    assert charge.article == article("289.3")


def test_correct_form_withdraws_a_charge_created_by_mistake(client_for, mistaken_case):
    charge = mistaken_case.charges.get()
    response = client_for(EDITOR).post(
        reverse("admin:cases_charge_correct", args=[charge.pk]),
        {"action": "withdraw", "article": charge.article_id, "stage": "completed", "reason": "Duplicate row"},
        follow=True,
    )
    assert not Charge.objects.filter(pk=charge.pk).exists()
    message = " ".join(str(m) for m in response.context["messages"])
    assert f"Withdrew the charge under {WRONG}" in message and "Risk of the death penalty" in message
