"""The change feed as an investigator reads it: every byte, diffed over time (issue #13).

A withdrawn person is named nowhere, work on drafts, internal records and withdrawn people
cannot be counted through the cursors, and an internal edit moves no public update time.
"""

import datetime
import json

import pytest
from django.urls import reverse

from cases import choices, services
from cases.models import Case, ChangeRecord, Person
from cases.protection.public_role import PUBLIC_COLUMNS
from cases.services import NameSpec, merging
from tests.factories import article, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date


def _person(latin: str, *, publish=True):
    """A person named in Latin script (their slug is built from it), with a charged case."""
    person = services.create_person(
        names=[NameSpec(latin, choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, is_primary=True)],
        sex=choices.Sex.MALE,
        occupation="engineer",
    )
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        detention_date=D(2022, 3, 1),
        status=choices.CaseStatus.DETAINED,
    )
    services.add_charge(
        case=case, article=article("342.1"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    services.record_event(case=case, kind="trial", date=D(2022, 5, 1), text="Trial began.", is_public=True)
    if publish:
        services.publish_person(person=person)
    person.refresh_from_db()
    return person


def _entries(client, since=None):
    """Every entry the caller can read from `since` on, page by page."""
    entries = []
    while True:
        params = {"limit": 2} if since is None else {"limit": 2, "since": since}
        response = client.get(reverse("api:changes"), params)
        assert response.status_code == 200, response.content
        page = response.json()
        entries += page["results"]
        since = page["next_cursor"]
        if not page["has_more"]:
            return entries, since


def _leaks_of(person, body: str) -> list[str]:
    case = person.cases.get()
    named = [person.slug, person.slug.rsplit("-", 1)[0], str(case.public_id)]
    named += [str(c.public_id) for c in case.charges.all()] + [str(e.public_id) for e in case.events.all()]
    return [identifier for identifier in named if identifier in body]


# A withdrawn person is named nowhere -----------------------------------------------------------


def test_withdrawn_person_is_not_named_anywhere_in_the_anonymous_change_feed(api_client_for, law):
    person = _person("Synthetic Withdrawnova")
    services.update_person(person=person, biography="Public biography.")
    services.withdraw_person(person=person)

    entries, _ = _entries(api_client_for("anonymous"))

    assert _leaks_of(person, json.dumps(entries)) == []
    assert [(e["action"], e["object_type"], e["object_id"]) for e in entries] == [
        ("removed", "person", str(person.public_id))
    ]


@pytest.mark.parametrize("caller", ["key:read:public", "key:read:restricted"])
def test_withdrawn_person_is_not_named_to_any_partner_key(api_client_for, law, caller):
    person = _person("Synthetic Keyhiddenova")
    services.record_event(
        case=person.cases.get(), kind="other", date=D(2022, 4, 1), text="internal", is_public=False
    )
    services.withdraw_person(person=person)

    entries, _ = _entries(api_client_for(caller))

    assert _leaks_of(person, json.dumps(entries)) == []
    assert {e["object_id"] for e in entries} == {str(person.public_id)}


def test_removal_names_the_person_by_the_uuid_a_mirror_was_given_while_they_were_published(
    api_client_for, law
):
    client = api_client_for("anonymous")
    person = _person("Synthetic Mirrorova")
    read_while_published, cursor = _entries(client)
    mirror = {e["person_uuid"]: e["person"] for e in read_while_published}
    services.withdraw_person(person=person)

    removals, _ = _entries(client, cursor)

    assert mirror == {str(person.public_id): person.slug}
    assert [(e["action"], e["object_id"], e["person_uuid"], e["person"]) for e in removals] == [
        ("removed", str(person.public_id), str(person.public_id), None)
    ]


def test_mirror_built_from_the_people_list_can_delete_by_the_removal_id(api_client_for, law):
    client = api_client_for("anonymous")
    person = _person("Synthetic Listova")
    listed = client.get(reverse("api:person-detail", args=[person.slug])).json()
    _, cursor = _entries(client)
    services.withdraw_person(person=person)

    removals, _ = _entries(client, cursor)

    assert listed["uuid"] == str(person.public_id)
    assert [e["object_id"] for e in removals if e["action"] == "removed"] == [listed["uuid"]]


def test_person_merged_into_another_is_not_named_in_the_change_feed(api_client_for, law):
    kept = _person("Synthetic Keptova")
    merged = _person("Synthetic Duplicatova")
    merged_slug = merged.slug
    merging.merge_people(kept=kept, merged=merged)

    entries, _ = _entries(api_client_for("anonymous"))

    body = json.dumps(entries)
    assert merged_slug not in body and "duplicatova" not in body
    assert kept.slug in body  # the kept person, and the cases the merge brought, are still announced
    assert str(merged.public_id) in body  # and mirrors are told to drop the merged record


def test_person_with_a_long_latin_name_is_announced_under_their_whole_slug(api_client_for, law):
    person = _person("Synthetic " + "Longnamova " * 9)

    entries, _ = _entries(api_client_for("anonymous"))

    assert len(person.slug) > 64
    assert [(e["action"], e["object_id"]) for e in entries] == [("created", person.slug)]


def test_staff_with_the_view_permission_still_see_the_entries_of_a_withdrawn_person(api_client_for, law):
    person = _person("Synthetic Staffseenova")
    services.withdraw_person(person=person)

    entries, _ = _entries(api_client_for("staff:viewer"))

    assert person.slug in {e["person"] for e in entries}
    assert str(person.cases.get().public_id) in {e["object_id"] for e in entries}


# What was written while nothing was public cannot be counted ----------------------------------


def test_change_feed_hides_what_was_written_while_the_person_was_a_draft(api_client_for, law):
    person = _person("Synthetic Draftworkova", publish=False)
    written_as_draft = set(ChangeRecord.objects.filter(person=person).values_list("created_at", flat=True))
    services.publish_person(person=person)

    entries, _ = _entries(api_client_for("anonymous"))

    assert [(e["action"], e["object_type"]) for e in entries] == [("created", "person")]
    assert (
        not {datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in entries}
        & written_as_draft
    )


def test_change_feed_hides_what_was_written_while_the_person_was_withdrawn(api_client_for, law):
    person = _person("Synthetic Pausedova")
    services.withdraw_person(person=person)
    services.update_person(person=person, biography="Edited while withdrawn.")
    services.record_event(case=person.cases.get(), kind="trial", date=D(2022, 6, 1), text="x", is_public=True)
    while_withdrawn = set(
        ChangeRecord.objects.filter(person=person).order_by("-id")[:3].values_list("created_at", flat=True)
    )
    services.publish_person(person=person)

    entries, _ = _entries(api_client_for("anonymous"))

    times = {datetime.datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in entries}
    assert not times & while_withdrawn
    assert "removed" not in {e["action"] for e in entries}  # no trace that they were ever withdrawn


def test_cursors_do_not_count_the_hidden_changes_between_two_public_ones(api_client_for, law):
    first = _person("Synthetic Firstova")
    draft = _person("Synthetic Hiddenova", publish=False)
    services.update_person(person=draft, occupation="hidden work")
    services.record_event(case=first.cases.get(), kind="other", date=D(2022, 4, 1), text="x", is_public=False)
    second = _person("Synthetic Secondova")
    between = ChangeRecord.objects.filter(
        id__gt=ChangeRecord.objects.filter(person=first, is_public=True).order_by("id").last().id,
        id__lt=ChangeRecord.objects.filter(person=second).order_by("id").first().id,
    )
    assert between.count() >= 5  # the draft's work and the internal event sit between them

    entries, _ = _entries(api_client_for("anonymous"))

    cursors = [str(e["cursor"]) for e in entries]
    raw_ids = {str(i) for i in ChangeRecord.objects.values_list("id", flat=True)}
    assert {e["person"] for e in entries} == {first.slug, second.slug}
    assert not [c for c in cursors if c.lstrip("-").isdigit()]  # no arithmetic between cursors
    assert not set(cursors) & raw_ids
    assert len(set(cursors)) == len(cursors)


def test_change_feed_refuses_a_raw_row_id_as_a_cursor(api_client_for, law):
    _person("Synthetic Probedova")
    hidden = ChangeRecord.objects.order_by("id")[1]

    response = api_client_for("anonymous").get(reverse("api:changes"), {"since": hidden.id})

    assert response.status_code == 400
    assert "since" in response.json() and "results" not in response.json()


def test_change_feed_resumes_from_any_cursor_without_losing_or_repeating_an_entry(api_client_for, law):
    client = api_client_for("anonymous")
    _person("Synthetic Resumeova")
    everything, cursor = _entries(client)
    later = _person("Synthetic Laterova")

    resumed, _ = _entries(client, cursor)
    again, _ = _entries(client)

    assert {e["person"] for e in resumed} == {later.slug}
    assert everything + resumed == again
    one_by_one, since = [], None
    while True:
        params = {"limit": 1} if since is None else {"limit": 1, "since": since}
        page = client.get(reverse("api:changes"), params).json()
        one_by_one += page["results"]
        since = page["next_cursor"]
        if not page["has_more"]:
            break
    assert one_by_one == again


def test_change_feed_cursor_still_works_after_the_secret_key_is_rotated(api_client_for, law, settings):
    client = api_client_for("anonymous")
    _person("Synthetic Rotatova")
    _, cursor = _entries(client)
    later = _person("Synthetic Afterrotatova")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-synthetic-secret-key-for-the-rotation-test"

    resumed, new_cursor = _entries(client, cursor)

    assert {e["person"] for e in resumed} == {later.slug}
    assert new_cursor != cursor


# An internal edit is not a public change -------------------------------------------------------


def test_internal_edit_of_a_person_is_not_a_public_change_in_the_feed(api_client_for, law):
    person = _person("Synthetic Notesova")
    _, cursor = _entries(api_client_for("anonymous"))
    services.update_person(person=person, internal_notes="staff met the lawyer", contacts="lawyer +375 00")

    anonymous, _ = _entries(api_client_for("anonymous"), cursor)
    restricted, _ = _entries(api_client_for("key:read:restricted"), cursor)

    assert anonymous == []
    assert [(e["action"], e["person"]) for e in restricted] == [("updated", person.slug)]


def test_internal_edit_of_a_person_does_not_move_its_public_update_time(api_client_for, law):
    person = _person("Synthetic Quietova")
    url = reverse("api:person-detail", args=[person.slug])
    client = api_client_for("anonymous")
    before = client.get(url).json()["updated_at"]

    services.update_person(person=person, internal_notes="staff visited the family")
    services.update_person(person=person, contacts="mother: +375 00 000 00 00")
    services.update_person(person=person, is_official_or_military=False)
    after = client.get(url).json()["updated_at"]

    assert after == before


def test_internal_edit_of_a_refreshed_copy_does_not_move_the_public_update_time(law):
    person = _person("Synthetic Refreshova")
    services.update_person(person=person, occupation="teacher")  # through another copy
    person.refresh_from_db()
    public_time = person.updated_at

    person.internal_notes = "staff spoke to the lawyer"
    person.save()
    person.refresh_from_db()

    assert person.updated_at == public_time


def test_public_edit_of_a_person_moves_its_public_update_time(api_client_for, law):
    person = _person("Synthetic Visibleova")
    url = reverse("api:person-detail", args=[person.slug])
    client = api_client_for("anonymous")
    before = client.get(url).json()["updated_at"]

    services.update_person(person=person, occupation="teacher")
    after = client.get(url).json()["updated_at"]

    assert after > before


def test_publication_moves_the_public_update_time_past_the_draft_work(law):
    person = _person("Synthetic Lateova", publish=False)
    services.update_person(person=person, biography="Drafted.")

    services.publish_person(person=person)
    person.refresh_from_db()

    assert person.updated_at >= person.published_at


def test_publication_moves_the_update_time_of_the_cases_past_the_draft_work(api_client_for, law):
    person = _person("Synthetic Casedraftova", publish=False)
    case = person.cases.get()
    services.update_case(case=case, court="Synthetic Court, edited as a draft")

    services.publish_person(person=person)
    person.refresh_from_db()
    shown = api_client_for("anonymous").get(reverse("api:case-detail", args=[case.public_id])).json()

    assert datetime.datetime.fromisoformat(shown["updated_at"].replace("Z", "+00:00")) >= person.published_at


def test_internal_edit_does_not_change_the_order_of_people_by_update(api_client_for, law):
    first = _person("Synthetic Orderova")
    second = _person("Synthetic Ordertwova")
    services.update_person(person=first, internal_notes="a note staff added later")

    ordered = api_client_for("anonymous").get(reverse("api:person-list"), {"ordering": "-updated"}).json()

    assert [p["id"] for p in ordered["results"]] == [second.slug, first.slug]


@pytest.mark.parametrize("model", [Person, Case])
def test_every_column_the_public_reads_moves_the_public_update_time(model):
    bookkeeping = {"id", "slug", "public_id", "published_at", "merged_into", "created_at", "updated_at"}
    risk = {
        "risk_level",
        "risk_stale",
        "risk_assessed_at",
    }  # moved by bulk updates, shown with their own time
    shown = {model._meta.get_field(name).attname for name in set(PUBLIC_COLUMNS[model]) - bookkeeping - risk}

    assert set(model.PUBLIC_FIELDS) == shown


def test_edit_of_a_case_field_the_public_does_not_see_does_not_move_its_update_time(api_client_for, law):
    case = _person("Synthetic Courtova").cases.get()
    url = reverse("api:case-detail", args=[case.public_id])
    client = api_client_for("anonymous")
    before = client.get(url).json()["updated_at"]

    services.update_case(case=case, judge="Synthetic Judge", prosecutor="Synthetic Prosecutor")
    unchanged = client.get(url).json()["updated_at"]
    services.update_case(case=case, court="Synthetic District Court")
    changed = client.get(url).json()["updated_at"]

    assert unchanged == before
    assert changed > before
