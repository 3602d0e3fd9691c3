"""Keeping in touch (issue 19, point 1): each contact with a person in custody is recorded, dated
(partially when that is all that is known) and sourced; the days since the last contact of any
kind and per channel are counted; a silence past its jurisdiction's threshold raises one alert to
staff (and to partners where the person's silence is published), and contact coming back after
one raises another. Names are invented.

The alert tests commit for real (transactional database): e-mails and webhooks follow the commit.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from cases import choices, services
from cases.contact import silence
from cases.contact.silence import ANY, ContactFact
from cases.exceptions import RefusedChange
from cases.models import PrisonerContact, RiskAlert, SilenceThreshold, WebhookDelivery, WebhookSubscription
from cases.transfer.law_loader import read_jurisdiction
from tests.factories import PersonFactory, SourceFactory, UserFactory, jurisdiction

D = datetime.date
C = choices.ContactChannel
DAY, MONTH, YEAR = choices.DatePrecision.DAY, choices.DatePrecision.MONTH, choices.DatePrecision.YEAR
TODAY = D(2026, 6, 30)


def fact(channel, date, precision=DAY):
    return ContactFact.dated(channel, date, precision)


# The counting, as plain functions ------------------------------------------------------------


def test_silence_counts_days_since_the_last_contact_of_any_kind_and_per_channel():
    contacts = [fact(C.LETTER, D(2026, 6, 20)), fact(C.LAWYER_VISIT, D(2026, 5, 1))]

    any_contact = silence.silence(contacts, today=TODAY)
    lawyer = silence.silence(contacts, today=TODAY, channel=C.LAWYER_VISIT, threshold=30)

    assert (any_contact.days_at_least, any_contact.days_at_most) == (10, 10)
    assert (lawyer.days_at_least, lawyer.passed) == (60, True)


def test_a_contact_known_to_the_month_gives_a_range_and_passes_a_threshold_only_when_certain():
    contacts = [fact(C.FAMILY_VISIT, D(2026, 4, 1), MONTH)]  # some day in April

    at_60 = silence.silence(contacts, today=TODAY, threshold=60)
    at_80 = silence.silence(contacts, today=TODAY, threshold=80)

    assert (at_60.days_at_least, at_60.days_at_most) == (61, 90)  # since 30 April .. since 1 April
    assert at_60.passed and not at_80.passed  # 80 days is possible, not certain
    assert silence.describe_days(at_60) == "61 to 90 days"


def test_a_contact_known_to_the_year_counts_from_the_last_day_of_that_year():
    s = silence.silence([fact(C.CELLMATE, D(2025, 1, 1), YEAR)], today=TODAY)

    assert (s.days_at_least, s.days_at_most) == ((TODAY - D(2025, 12, 31)).days, (TODAY - D(2025, 1, 1)).days)


def test_no_contact_recorded_is_not_a_silence_of_any_length():
    s = silence.silence([], today=TODAY, threshold=60)

    assert not s.known and not s.passed and silence.describe_days(s) == ""
    assert silence.passed_thresholds([], today=TODAY, thresholds={ANY: 60}) == []


def test_a_channel_never_used_passes_no_threshold_while_any_contact_still_counts():
    contacts = [fact(C.LETTER, D(2026, 1, 2))]

    passed = silence.passed_thresholds(contacts, today=TODAY, thresholds={ANY: 60, C.LAWYER_VISIT: 30})

    assert [(s.channel, s.days_at_least) for s in passed] == [(ANY, (TODAY - D(2026, 1, 2)).days)]


def test_contact_after_a_long_silence_is_a_resumption_on_its_channel_and_on_any_contact():
    earlier = [fact(C.LAWYER_VISIT, D(2026, 1, 10)), fact(C.LETTER, D(2026, 5, 1))]

    found = silence.resumptions(
        earlier, fact(C.LAWYER_VISIT, D(2026, 6, 1)), thresholds={ANY: 60, C.LAWYER_VISIT: 30}
    )

    assert [(r.channel, r.gap_at_least) for r in found] == [(C.LAWYER_VISIT, 142)]  # any: only 31 days


def test_a_late_record_of_an_older_contact_resumes_nothing():
    earlier = [fact(C.LAWYER_VISIT, D(2026, 1, 10)), fact(C.LAWYER_VISIT, D(2026, 6, 20))]

    assert (
        silence.resumptions(earlier, fact(C.LAWYER_VISIT, D(2026, 4, 1)), thresholds={C.LAWYER_VISIT: 30})
        == []
    )


def test_the_first_contact_ever_recorded_resumes_nothing():
    assert silence.resumptions([], fact(C.LETTER, D(2026, 6, 1)), thresholds={ANY: 60}) == []


def test_a_jurisdiction_without_thresholds_uses_60_days_for_any_contact_and_30_for_a_lawyer():
    assert silence.thresholds_for([]) == {ANY: 60, C.LAWYER_VISIT: 30}
    assert silence.thresholds_for([(ANY, 90)]) == {ANY: 90}


def test_the_shipped_data_gives_each_jurisdiction_its_thresholds():
    for code in ("BY", "RU"):
        rows = read_jurisdiction(code)["silence_thresholds"]
        assert {(r["channel"], r["days"]) for r in rows} == {("", 60), ("lawyer_visit", 30)}


@pytest.mark.django_db
def test_loading_the_law_data_creates_the_thresholds_and_keeps_staff_changes(law):
    threshold = SilenceThreshold.objects.get(jurisdiction=law, channel="")
    threshold.days = 45
    threshold.save()
    from cases.transfer.law_loader import load_law

    load_law(["BY"])

    assert SilenceThreshold.objects.get(jurisdiction=law, channel="").days == 45
    assert SilenceThreshold.objects.get(jurisdiction=law, channel="lawyer_visit").days == 30


# Recording ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contact_is_recorded_dated_sourced_with_its_details_encrypted(law):
    person = PersonFactory()
    source = SourceFactory()

    contact = services.record_contact(
        person=person,
        channel=C.LETTER,
        date=D(2026, 3, 17),
        date_precision=MONTH,
        details="CANARYletter She asks for warm socks.",
        sources=[source],
        today=TODAY,
    )

    contact.refresh_from_db()
    assert (contact.date, contact.latest_day) == (D(2026, 3, 1), D(2026, 3, 31))
    assert list(contact.sources.all()) == [source]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM cases_prisonercontact WHERE id = %s", [contact.pk])
        assert "CANARYletter" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_contact_in_the_future_or_without_a_year_is_refused_with_the_reason(law):
    person = PersonFactory()

    with pytest.raises(RefusedChange, match="in the future"):
        services.record_contact(person=person, channel=C.CALL, date=D(2026, 7, 1), today=TODAY)
    with pytest.raises(RefusedChange, match="at least its year"):
        services.record_contact(
            person=person, channel=C.CALL, date=D(2026, 1, 1), date_precision="unknown", today=TODAY
        )
    assert not PrisonerContact.objects.exists()


@pytest.mark.django_db
def test_this_month_is_accepted_for_a_contact_known_only_to_the_month(law):
    person = PersonFactory()

    contact = services.record_contact(
        person=person, channel=C.CALL, date=D(2026, 6, 1), date_precision=MONTH, today=D(2026, 6, 3)
    )

    assert contact.latest_day == D(2026, 6, 30)  # its range reaches past today: 0 days certain


@pytest.mark.django_db
def test_a_wrong_contact_is_corrected_or_removed_and_history_keeps_it(law):
    person = PersonFactory()
    contact = services.record_contact(person=person, channel=C.CALL, date=D(2026, 5, 1), today=TODAY)

    services.correct_contact(contact=contact, channel=C.FAMILY_VISIT, date=D(2026, 5, 2), today=TODAY)
    services.remove_contact(contact=contact)

    assert not PrisonerContact.objects.exists()
    kept = PrisonerContact.history.filter(public_id=contact.public_id).order_by("history_date")
    assert [(h.history_type, h.channel) for h in kept] == [
        ("+", "call"),
        ("~", "family_visit"),
        ("-", "family_visit"),
    ]


@pytest.mark.django_db
def test_correcting_a_field_that_is_not_a_contact_fact_is_refused(law):
    contact = services.record_contact(person=PersonFactory(), channel=C.CALL, date=D(2026, 5, 1), today=TODAY)

    with pytest.raises(RefusedChange, match="person"):
        services.correct_contact(contact=contact, person=PersonFactory())


# Alerts ---------------------------------------------------------------------------------------


@pytest.fixture
def held(transactional_db, law):
    """A published man held since 2025, a partner subscribed, a staff member on alert duty."""
    person = PersonFactory()
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2025, 3, 1))
    services.publish_person(person=person)
    WebhookSubscription.objects.create(
        organisation="Synthetic partner", url="https://partner.example.org/hook"
    )
    duty = UserFactory(email="duty@registry.test")
    duty.groups.add(Group.objects.get(name="Risk alerts"))
    mail.outbox.clear()
    return case


def _silence_alerts(case):
    return RiskAlert.objects.filter(case=case, kind=choices.AlertKind.SILENCE).order_by("channel")


def test_a_silence_past_its_threshold_raises_one_alert_per_channel_once(held):
    services.record_contact(person=held.person, channel=C.LAWYER_VISIT, date=D(2026, 5, 1), today=TODAY)
    services.record_contact(person=held.person, channel=C.LETTER, date=D(2026, 6, 20), today=TODAY)

    first = services.raise_silence_alerts(today=TODAY)
    again = services.raise_silence_alerts(today=TODAY)

    assert (first, again) == (1, 0)
    alert = _silence_alerts(held).get()
    assert (alert.channel, alert.silent_days, alert.silent_since) == (C.LAWYER_VISIT, 60, D(2026, 5, 1))
    assert str(alert).endswith("No lawyer's visit for at least 60 days")
    assert len(mail.outbox) == 1 and "no lawyer's visit for at least 60 days" in mail.outbox[0].subject


def test_a_silence_alert_tells_partners_only_when_staff_published_the_silence(held):
    services.record_contact(
        person=held.person, channel=C.FAMILY_VISIT, date=D(2026, 3, 1), details="CANARYfamily", today=TODAY
    )

    services.raise_silence_alerts(today=TODAY)  # not published: staff only
    assert not WebhookDelivery.objects.exists()
    services.update_person(person=held.person, silence_public=True)
    services.record_contact(person=held.person, channel=C.LETTER, date=D(2026, 4, 1), today=TODAY)
    services.raise_silence_alerts(today=TODAY)  # a new silence since the letter: published now

    delivery = WebhookDelivery.objects.get()
    assert delivery.payload | {"delivery_id": "x"} == {
        "event": "contact_silence",
        "case": str(held.public_id),
        "person": held.person.slug,
        "channel": "any",
        "days_at_least": 90,
        "last_contact_on_or_before": "2026-04-01",
        "delivery_id": "x",
    }
    assert all("CANARYfamily" not in m.subject + m.body for m in mail.outbox)


def test_a_silence_is_counted_with_the_jurisdictions_own_threshold(held):
    SilenceThreshold.objects.filter(jurisdiction=held.jurisdiction, channel="").update(days=120)
    SilenceThreshold.objects.filter(jurisdiction=held.jurisdiction, channel=C.LAWYER_VISIT).delete()
    services.record_contact(person=held.person, channel=C.LETTER, date=D(2026, 3, 15), today=TODAY)

    assert services.raise_silence_alerts(today=TODAY) == 0  # 107 days: past the default 60 only
    assert services.raise_silence_alerts(today=D(2026, 7, 12)) == 0  # 119 days
    assert services.raise_silence_alerts(today=D(2026, 7, 13)) == 1  # 120 days


def test_nobody_out_of_custody_and_nobody_without_a_contact_gets_a_silence_alert(held):
    released = services.create_case(
        person=PersonFactory(), jurisdiction=jurisdiction(), detention_date=D(2024, 3, 1)
    )
    services.record_contact(person=released.person, channel=C.LETTER, date=D(2025, 1, 1), today=TODAY)
    services.record_release(case=released, how=choices.ReleaseKind.SENTENCE_SERVED, date=D(2025, 2, 1))

    assert services.raise_silence_alerts(today=TODAY) == 0  # `held` has no contact recorded


def test_contact_coming_back_after_a_silence_raises_a_resumption_alert(held):
    services.record_contact(person=held.person, channel=C.LAWYER_VISIT, date=D(2026, 1, 5), today=TODAY)
    services.raise_silence_alerts(today=TODAY)
    mail.outbox.clear()

    contact = services.record_contact(
        person=held.person, channel=C.LAWYER_VISIT, date=D(2026, 6, 29), today=TODAY
    )

    resumed = RiskAlert.objects.filter(kind=choices.AlertKind.CONTACT_RESUMED).order_by("channel")
    assert [(a.channel, a.silent_days, a.contact) for a in resumed] == [
        ("", 175, contact),
        (C.LAWYER_VISIT, 175, contact),
    ]
    assert not resumed[0].is_rise
    assert [m.subject for m in mail.outbox] == [f"[registry] Contact resumed in case {held.public_id}"] * 2


def test_a_withdrawn_persons_queued_silence_webhook_is_cancelled(held):
    services.update_person(person=held.person, silence_public=True)
    services.record_contact(person=held.person, channel=C.LETTER, date=D(2026, 1, 5), today=TODAY)
    services.raise_silence_alerts(today=TODAY)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.PENDING)
    services.update_person(person=held.person, silence_public=False)

    from cases.risk.alerts import deliver_webhook

    assert deliver_webhook(delivery_id=delivery.pk) == WebhookDelivery.State.CANCELLED
    delivery.refresh_from_db()
    assert delivery.last_error == "Not sent: the person's silence is no longer published."
