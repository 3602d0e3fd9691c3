"""Death row (issue 18, point 3): for a person sentenced to death, each step (appeal, cassation,
clemency filed, refused or granted), the last contact and each sign families and lawyers report
(a lawyer told the sentence was carried out, belongings returned, a visit refused, a transfer) is a
dated, sourced timeline entry that raises an urgent alert to staff and partners; a commutation or
a pardon is a dated event that ends `sentenced_to_death` with a reason, never an overwrite of the
sentence. Names are invented.

These tests commit for real (transactional database), because assessments and alerts follow the
commit.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Case, CaseEvent, RiskAlert, WebhookDelivery, WebhookSubscription
from cases.protection.permissions import EDITOR
from cases.risk.alerts import webhook_payload
from tests.factories import PersonFactory, SourceFactory, UserFactory, article, jurisdiction

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
K = choices.EventKind
VERDICT = D(2025, 2, 14)


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def sentenced(law):
    """A man sentenced to death under art. 289 part 3, published, with a partner subscribed and a
    staff member on alert duty."""
    person = PersonFactory(sex="male", birth_date=D(1990, 4, 2), is_official_or_military=False)
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2023, 3, 1))
    charge = services.add_charge(case=case, article=article("289.3"), offence_date=D(2023, 2, 20))
    services.end_charge(charge=charge, state=choices.ChargeState.CONVICTED, on=VERDICT)
    services.update_case(case=_reload(case), status="convicted", verdict_date=VERDICT, sentence_kind="death")
    services.publish_person(person=person)
    WebhookSubscription.objects.create(
        organisation="Synthetic partner", url="https://partner.example.org/hook"
    )
    duty = UserFactory(email="duty@registry.test")
    duty.groups.add(Group.objects.get(name="Risk alerts"))
    mail.outbox.clear()
    return _reload(case)


def _death_row_alerts(case):
    return RiskAlert.objects.filter(case=case, kind=choices.AlertKind.DEATH_ROW).select_related("event")


@pytest.mark.parametrize(
    "kind",
    [K.APPEAL, K.CASSATION, K.CLEMENCY_FILED, K.CLEMENCY_REFUSED, K.LAST_CONTACT, K.EXECUTION_REPORTED,
     K.BELONGINGS_RETURNED, K.VISIT_REFUSED, K.TRANSFERRED],
)  # fmt: skip
def test_each_kind_of_death_row_news_is_a_dated_sourced_entry_with_an_urgent_alert(sentenced, kind):
    source = SourceFactory()

    event = services.record_death_row_event(
        case=sentenced, kind=kind, date=D(2025, 6, 1), text="Reported.", sources=[source], is_public=True
    )

    alert = _death_row_alerts(sentenced).get()
    assert alert.event == event and list(event.sources.all()) == [source]
    assert _reload(sentenced).risk_level == "sentenced_to_death"  # news is not a commutation
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["duty@registry.test"]
    assert mail.outbox[0].subject.startswith("[registry] URGENT death row: ")
    delivery = WebhookDelivery.objects.get(alert=alert)
    assert delivery.payload["event"] == "death_row_event" and delivery.payload["kind"] == kind


def test_an_internal_sign_reaches_staff_but_not_partners_and_mail_carries_no_text(sentenced):
    services.record_death_row_event(
        case=sentenced,
        kind=K.EXECUTION_REPORTED,
        date=D(2025, 6, 1),
        text="CANARYmother The lawyer was told at the prison on Volodarsky street.",
        is_public=False,
    )

    alert = _death_row_alerts(sentenced).get()
    assert not WebhookDelivery.objects.filter(alert=alert).exists()
    assert len(mail.outbox) == 1
    assert "told the sentence was carried out" in mail.outbox[0].subject
    assert "CANARYmother" not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_sign_entered_on_the_case_page_alerts_too(sentenced):
    services.save_detail(instance=CaseEvent(case=sentenced, kind=K.VISIT_REFUSED, date=D(2025, 6, 3)))

    assert _death_row_alerts(sentenced).get().event.kind == K.VISIT_REFUSED


def test_news_of_a_case_without_a_death_sentence_is_refused(law):
    case = services.create_case(
        person=PersonFactory(), jurisdiction=jurisdiction(), detention_date=D(2023, 3, 1)
    )

    with pytest.raises(RefusedChange, match="death sentence"):
        services.record_death_row_event(case=case, kind=K.APPEAL, date=D(2025, 6, 1))
    assert not RiskAlert.objects.exists()


@pytest.mark.parametrize(
    ("kind", "day", "precision", "message"),
    [
        (K.OTHER, D(2025, 6, 1), "day", "not news of death row"),
        (K.APPEAL, datetime.date.today() + datetime.timedelta(days=2), "day", "once it has happened"),
        (K.APPEAL, D(2025, 1, 1), "month", "before the death sentence"),
    ],
)
def test_death_row_news_that_cannot_be_true_is_refused(sentenced, kind, day, precision, message):
    with pytest.raises(RefusedChange, match=message):
        services.record_death_row_event(case=sentenced, kind=kind, date=day, date_precision=precision)
    assert not _death_row_alerts(sentenced).exists()


def test_an_ordinary_entry_on_a_death_sentence_case_raises_no_urgent_alert(sentenced):
    services.record_event(case=sentenced, kind=K.OTHER, date=D(2025, 6, 1), text="A note.")

    assert not _death_row_alerts(sentenced).exists()


@pytest.mark.parametrize("kind", [K.COMMUTED, K.CLEMENCY_GRANTED, K.PARDONED])
def test_commutation_ends_the_death_sentence_with_a_reason_and_keeps_the_sentence(sentenced, kind):
    services.record_death_row_event(case=sentenced, kind=kind, date=D(2025, 9, 1), is_public=True)

    case = _reload(sentenced)
    assert case.sentence_kind == "death"  # never overwritten: the commutation is its own event
    assert case.risk_level == "none"
    reasons = case.assessments.first().reasons
    assert [r["rule"] for r in reasons] == ["death_sentence_ended"]
    assert "on 2025-09-01: it can no longer be carried out" in reasons[0]["text"]
    levels = list(case.assessments.order_by("id").values_list("level", flat=True))
    assert levels[-2:] == ["sentenced_to_death", "none"]
    kinds = set(RiskAlert.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {"death_row", "level_changed"}  # the news, and the level's fall


def test_removing_a_commutation_entered_by_mistake_brings_the_death_sentence_back(sentenced):
    event = services.record_death_row_event(case=sentenced, kind=K.COMMUTED, date=D(2025, 9, 1))
    assert _reload(sentenced).risk_level == "none"

    services.remove_event(event=event)

    assert _reload(sentenced).risk_level == "sentenced_to_death"


def test_partners_payload_names_the_news_by_public_ids(sentenced):
    event = services.record_death_row_event(
        case=sentenced, kind=K.CLEMENCY_REFUSED, date=D(2025, 7, 1), date_precision="month", is_public=True
    )

    payload = webhook_payload(_death_row_alerts(sentenced).get())

    assert payload == {
        "event": "death_row_event",
        "case": str(sentenced.public_id),
        "person": sentenced.person.slug,
        "kind": "clemency_refused",
        "date": "2025-07",
        "date_precision": "month",
        "text": event.text,
        "message": None,  # a staff-written entry; one the registry wrote carries its code here
    }


def test_the_triage_queue_puts_open_death_row_news_first_and_shows_it(client, sentenced):
    services.record_death_row_event(
        case=sentenced, kind=K.VISIT_REFUSED, date=D(2025, 6, 3), text="At the SIZO."
    )
    # A newer alert of a level's rise on another case: still below the open death-row news.
    other = services.create_case(
        person=PersonFactory(sex="male", birth_date=D(1980, 1, 1), is_official_or_military=False),
        jurisdiction=jurisdiction(),
        detention_date=D(2024, 3, 1),
    )
    services.add_charge(case=other, article=article("289.3"), offence_date=D(2024, 2, 20))
    assert RiskAlert.objects.latest("created_at", "id").case_id == other.pk
    editor = UserFactory(groups=[EDITOR])
    client.force_login(editor)

    listing = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()
    alert = _death_row_alerts(sentenced).get()
    page = client.get(reverse("admin:cases_riskalert_change", args=[alert.pk])).content.decode()

    assert listing.index("URGENT death row: visit refused") < listing.index("no identified risk → critical")
    assert "<strong>visit refused</strong>, 3 June 2025 (internal: partners were not told)." in page
    assert "At the SIZO." in page


def test_withdrawing_a_charge_entered_by_mistake_leaves_death_row_news_in_the_queue(sentenced):
    mistake = services.add_charge(case=sentenced, article=article("342.1"), offence_date=D(2023, 2, 20))
    services.record_death_row_event(case=sentenced, kind=K.VISIT_REFUSED, date=D(2025, 6, 3))

    services.withdraw_charge(charge=mistake, reason="Entered on the wrong case.", by=UserFactory())

    assert _death_row_alerts(sentenced).get().state == RiskAlert.State.OPEN
