"""Merging two records of one person and undoing it: nothing lost, nothing left behind, who did it.

Every name here is invented.
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import (
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    ChargeToReview,
    DuplicateCandidate,
    ExternalIdentifier,
    FacilityStay,
    Organisation,
    Person,
    PersonMerge,
    PersonName,
    Reclassification,
    RiskAlert,
    RiskAssessment,
    Source,
    Submission,
)
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from cases.risk import assessment
from cases.services.merging import mark_not_duplicate, merge_people, undo_merge
from tests.factories import (
    CaseFactory,
    ExternalIdentifierFactory,
    FacilityFactory,
    PersonFactory,
    SourceFactory,
    UserFactory,
    article,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def full_record(names, *, list_row, capital=False, **fields):
    """A person with one of everything a record can hold, each row reachable from the person."""
    person = PersonFactory(names=names, **fields)
    ExternalIdentifierFactory(person=person, scheme="prisoners-list", value=list_row)
    case = CaseFactory(person=person)
    source = SourceFactory()
    charge = services.add_charge(
        case=case,
        article=article("342.1"),
        charged_on=D(2022, 3, 2),
        offence_date=D(2022, 2, 20),
        source=source,
    )
    services.reclassify_charge(
        charge=charge, to_article=article("289.3" if capital else "293.2"), on=D(2022, 6, 1), source=source
    )
    services.record_event(
        case=case, kind="other", date=D(2022, 7, 1), text="A hearing", sources=[SourceFactory()]
    )
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2022, 3, 3))
    ChargeToReview.objects.create(case=case, text="ст. 999", reason="Unknown article")
    assessment.assess_case(case_id=case.pk)
    organisation, _ = Organisation.objects.get_or_create(name="Synthetic Advocacy Group")
    Submission.objects.create(organisation=organisation, payload={"name": "x"}, person=person)
    return person


def rows_of(person) -> dict[str, set]:
    """The id of every row that belongs to the person's record, by kind."""
    cases = Case.objects.filter(person=person)
    charges = Charge.objects.filter(case__in=cases)
    events = CaseEvent.objects.filter(case__in=cases)
    return {
        "names": set(PersonName.objects.filter(person=person).values_list("id", flat=True)),
        "external_ids": set(ExternalIdentifier.objects.filter(person=person).values_list("id", flat=True)),
        "cases": set(cases.values_list("id", flat=True)),
        "charges": set(charges.values_list("id", flat=True)),
        "charges_by_person": set(Charge.objects.filter(person=person).values_list("id", flat=True)),
        "reclassifications": set(
            Reclassification.objects.filter(to_charge__in=charges).values_list("id", flat=True)
        ),
        "events": set(events.values_list("id", flat=True)),
        "stays": set(FacilityStay.objects.filter(case__in=cases).values_list("id", flat=True)),
        "assessments": set(RiskAssessment.objects.filter(case__in=cases).values_list("id", flat=True)),
        "alerts": set(RiskAlert.objects.filter(case__in=cases).values_list("id", flat=True)),
        "charges_to_review": set(ChargeToReview.objects.filter(case__in=cases).values_list("id", flat=True)),
        "sources": set(Source.objects.filter(pk__in=charges.values("source")).values_list("id", flat=True))
        | set(
            CaseEvent.sources.through.objects.filter(caseevent__in=events).values_list("source_id", flat=True)
        ),
        "change_records": set(ChangeRecord.objects.filter(person=person).values_list("id", flat=True)),
        "submissions": set(Submission.objects.filter(person=person).values_list("id", flat=True)),
    }


@pytest.fixture
def publisher(law):
    return UserFactory(groups=[PUBLISHER])


@pytest.fixture
def two_records(law):
    kept = full_record(
        [
            ("Аляксандр Вымыслаў", "be_cyrl", "official_be", True),
            ("Александр Вымыслов", "ru_cyrl", "official_ru", False),
        ],
        list_row="101",
        birth_date=None,
        birth_date_precision=choices.DatePrecision.UNKNOWN,
    )
    merged = full_record(
        [("Aliaksandr Vymyslau", "latin", "passport_latin", True)],
        list_row="202",
        capital=True,
        birth_date=D(1990, 4, 12),
        occupation="Synthetic engineer",
    )
    return kept, merged


def test_merge_moves_every_related_row_and_undo_moves_each_back(two_records, publisher):
    kept, merged = two_records
    before_kept, before_merged = rows_of(kept), rows_of(merged)
    assert all(before_merged[kind] for kind in before_merged), before_merged  # one of everything

    merge = merge_people(kept=kept, merged=merged, by=publisher)

    after = rows_of(kept)
    for kind in before_kept:
        assert before_kept[kind] | before_merged[kind] <= after[kind], kind
    nothing_left = rows_of(merged)
    assert all(not ids for kind, ids in nothing_left.items() if kind != "change_records"), nothing_left
    assert not before_merged["change_records"] & nothing_left["change_records"]

    undo_merge(merge=merge, by=publisher)

    back_kept, back_merged = rows_of(kept), rows_of(merged)
    for kind in before_kept:
        if kind == "change_records":  # the merge and its undo are journal entries of their own
            assert before_kept[kind] <= back_kept[kind] and before_merged[kind] <= back_merged[kind]
            assert not before_merged[kind] & back_kept[kind]
        else:
            assert (back_kept[kind], back_merged[kind]) == (before_kept[kind], before_merged[kind]), kind


def test_merge_keeps_each_charge_with_its_case_person(two_records, publisher):
    kept, merged = two_records

    merge = merge_people(kept=kept, merged=merged, by=publisher)
    mismatched = [c.pk for c in Charge.objects.select_related("case") if c.person_id != c.case.person_id]
    undo_merge(merge=merge, by=publisher)
    mismatched_after_undo = [
        c.pk for c in Charge.objects.select_related("case") if c.person_id != c.case.person_id
    ]

    assert mismatched == [] and mismatched_after_undo == []


def test_merge_makes_the_merged_primary_name_an_ordinary_name_and_undo_restores_it(two_records, publisher):
    kept, merged = two_records
    primary = merged.names.get(is_primary=True)

    merge = merge_people(kept=kept, merged=merged, by=publisher)
    primary.refresh_from_db()
    assert (primary.person_id, primary.is_primary) == (kept.pk, False)
    assert kept.names.filter(is_primary=True).count() == 1

    undo_merge(merge=merge, by=publisher)
    primary.refresh_from_db()
    assert (primary.person_id, primary.is_primary) == (merged.pk, True)


def test_merge_leaves_a_spelling_the_kept_person_has_and_undo_finds_it_in_place(two_records, publisher):
    kept, merged = two_records
    duplicate = PersonName.objects.create(
        person=merged, text="Александр Вымыслов", script="ru_cyrl", kind="official_ru"
    )

    merge = merge_people(kept=kept, merged=merged, by=publisher)

    duplicate.refresh_from_db()
    assert duplicate.person_id == merged.pk
    assert merge.moved["names_left_behind"] == [duplicate.pk]
    assert kept.names.filter(text="Александр Вымыслов").count() == 1
    undo_merge(merge=merge, by=publisher)
    assert set(merged.names.values_list("text", flat=True)) == {"Aliaksandr Vymyslau", "Александр Вымыслов"}


def test_merge_fills_unknown_facts_and_undo_restores_them(two_records, publisher):
    kept, merged = two_records

    merge = merge_people(kept=kept, merged=merged, by=publisher)
    kept.refresh_from_db()
    assert (kept.birth_date, kept.birth_date_precision, kept.occupation) == (
        D(1990, 4, 12),
        choices.DatePrecision.DAY,
        "Synthetic engineer",
    )
    assert set(merge.moved["kept_fields"]) == {"birth_date", "birth_date_precision", "occupation"}

    undo_merge(merge=merge, by=publisher)
    kept.refresh_from_db()
    assert (kept.birth_date, kept.birth_date_precision, kept.occupation) == (
        None,
        choices.DatePrecision.UNKNOWN,
        "",
    )


def test_undo_keeps_a_fact_staff_changed_after_the_merge(two_records, publisher):
    kept, merged = two_records
    merge = merge_people(kept=kept, merged=merged, by=publisher)
    services.update_person(person=kept, occupation="Corrected occupation", by=publisher)

    undo_merge(merge=merge, by=publisher)

    kept.refresh_from_db()
    assert kept.occupation == "Corrected occupation"
    assert kept.birth_date is None


def test_merge_keeps_a_known_conflicting_fact_of_the_kept_person(law, publisher):
    kept = PersonFactory(sex=choices.Sex.FEMALE, birth_date=D(1980, 1, 1))
    merged = PersonFactory(names=[("Іншае Імя", "be_cyrl", "official_be", True)], sex=choices.Sex.MALE)

    merge_people(kept=kept, merged=merged, by=publisher)

    kept.refresh_from_db()
    assert (kept.sex, kept.birth_date) == (choices.Sex.FEMALE, D(1980, 1, 1))


def test_merge_and_undo_record_who_in_history(two_records, publisher):
    kept, merged = two_records

    merge = merge_people(kept=kept, merged=merged, by=publisher)
    merged_row = merged.history.latest()
    moved_case = Case.objects.get(pk=merge.moved["cases"][0])
    assert merged_row.merged_into_id == kept.pk and merged_row.history_user == publisher
    assert moved_case.history.latest().history_user == publisher
    assert merge.merged_by == publisher and merge.history.latest().history_user == publisher

    undo_merge(merge=merge, by=publisher)
    merge.refresh_from_db()
    assert merge.undone_by == publisher and merge.undone_at is not None
    assert merged.history.latest().merged_into_id is None


def test_merge_queues_every_case_of_both_for_reassessment(two_records, publisher):
    kept, merged = two_records
    Case.objects.update(risk_stale=False)

    merge_people(kept=kept, merged=merged, by=publisher)

    assert set(Case.objects.filter(risk_stale=True).values_list("person_id", flat=True)) == {kept.pk}
    assert Case.objects.filter(person=kept).count() == 2


def test_merge_marks_the_listed_pair_merged_and_undo_reopens_it(two_records, publisher):
    kept, merged = two_records
    low, high = sorted([kept, merged], key=lambda p: p.pk)
    pair = DuplicateCandidate.objects.create(person_a=low, person_b=high, score=0.95)

    merge = merge_people(kept=kept, merged=merged, by=publisher)
    pair.refresh_from_db()
    assert (pair.state, pair.reviewed_by) == (DuplicateCandidate.State.MERGED, publisher)

    undo_merge(merge=merge, by=publisher)
    pair.refresh_from_db()
    assert pair.state == DuplicateCandidate.State.OPEN


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("self", "cannot be merged into themselves"),
        ("merged-already", "already merged"),
        ("into-merged", "merge into that record instead"),
    ],
)
def test_merge_refuses(two_records, publisher, situation, message):
    kept, merged = two_records
    third = PersonFactory(names=[("Трэці Запіс", "be_cyrl", "official_be", True)])
    if situation == "self":
        args = {"kept": kept, "merged": kept}
    elif situation == "merged-already":
        merge_people(kept=third, merged=merged, by=publisher)
        args = {"kept": kept, "merged": merged}
    else:
        merge_people(kept=third, merged=kept, by=publisher)
        args = {"kept": kept, "merged": merged}

    with pytest.raises(RefusedChange, match=message):
        merge_people(**args, by=publisher)


def test_undo_refuses_a_second_undo(two_records, publisher):
    kept, merged = two_records
    merge = merge_people(kept=kept, merged=merged, by=publisher)
    undo_merge(merge=merge, by=publisher)

    with pytest.raises(RefusedChange, match="already undone"):
        undo_merge(merge=merge, by=publisher)


def test_undo_refuses_while_a_later_merge_depends_on_it(two_records, publisher):
    kept, merged = two_records
    first = merge_people(kept=kept, merged=merged, by=publisher)
    third = PersonFactory(names=[("Трэці Запіс", "be_cyrl", "official_be", True)])
    later = merge_people(kept=third, merged=kept, by=publisher)

    with pytest.raises(RefusedChange, match="undo that merge first"):
        undo_merge(merge=first, by=publisher)

    undo_merge(merge=later, by=publisher)
    undo_merge(merge=first, by=publisher)
    assert Person.objects.current().filter(pk__in=[kept.pk, merged.pk, third.pk]).count() == 3


def test_mark_not_duplicate_records_who_and_refuses_twice(law, publisher):
    low, high = PersonFactory(), PersonFactory()
    pair = DuplicateCandidate.objects.create(person_a=low, person_b=high, score=0.9)

    mark_not_duplicate(candidate=pair, by=publisher)

    pair.refresh_from_db()
    assert (pair.state, pair.reviewed_by) == (DuplicateCandidate.State.NOT_DUPLICATE, publisher)
    with pytest.raises(RefusedChange, match="already decided"):
        mark_not_duplicate(candidate=pair, by=publisher)


# What the public, the API and staff see of a merged record --------------------------------------


@pytest.fixture
def published_pair(two_records, publisher):
    kept, merged = two_records
    services.publish_person(person=kept)
    services.publish_person(person=merged)
    merge = merge_people(kept=kept, merged=merged, by=publisher)
    kept.refresh_from_db()
    merged.refresh_from_db()
    return kept, merged, merge


def test_merged_published_page_redirects_permanently_to_the_kept_person(client, published_pair):
    kept, merged, _ = published_pair

    response = client.get(reverse("public:person-detail", args=[merged.slug]))

    assert response.status_code == 301
    assert response["Location"] == reverse("public:person-detail", args=[kept.slug])
    page = client.get(response["Location"]).content.decode()
    assert "Aliaksandr Vymyslau" in page or "Аляксандр Вымыслаў" in page


def test_merged_page_is_not_found_when_the_kept_person_is_not_published(client, two_records, publisher):
    kept, merged = two_records
    services.publish_person(person=merged)
    merge_people(kept=kept, merged=merged, by=publisher)

    response = client.get(reverse("public:person-detail", args=[merged.slug]))

    assert response.status_code == 404
    assert kept.slug not in response.content.decode()


def test_merged_person_was_withdrawn_and_undo_publishes_again(published_pair, publisher):
    kept, merged, merge = published_pair
    assert merged.publication_state == choices.PublicationState.WITHDRAWN
    assert ChangeRecord.objects.filter(
        person=merged, action="removed", object_id=str(merged.public_id)
    ).exists()

    undo_merge(merge=merge, by=publisher)

    merged.refresh_from_db()
    assert merged.publication_state == choices.PublicationState.PUBLISHED


@pytest.mark.parametrize("caller", ["anonymous", "staff"])
def test_api_people_list_leaves_out_merged_people(published_pair, caller):
    kept, merged, _ = published_pair
    client = APIClient()
    if caller == "staff":
        client.force_login(UserFactory(groups=[VIEWER]))

    listed = client.get("/api/v1/people/").json()["results"]
    one = client.get(f"/api/v1/people/{merged.slug}/")

    slugs = {p["id"] for p in listed}
    assert kept.slug in slugs and merged.slug not in slugs
    assert one.status_code == 404


def test_admin_people_list_leaves_out_merged_people(client, published_pair):
    kept, merged, _ = published_pair
    client.force_login(UserFactory(groups=[VIEWER]))

    content = client.get(reverse("admin:cases_person_changelist")).content.decode()

    assert reverse("admin:cases_person_change", args=[kept.pk]) in content
    assert reverse("admin:cases_person_change", args=[merged.pk]) not in content


# The review queue and the merge log in the admin ---------------------------------------------------


@pytest.fixture
def open_pair(two_records):
    low, high = sorted(two_records, key=lambda p: p.pk)
    return DuplicateCandidate.objects.create(
        person_a=low,
        person_b=high,
        score=0.97,
        reasons=[
            {"code": "names_equal", "text": "A name of each record is the same name in another script."}
        ],
    )


def login(client, group):
    user = UserFactory(groups=[group])
    client.force_login(user)
    return user


@pytest.mark.parametrize("group", [VIEWER, EDITOR, PUBLISHER])
def test_review_queue_lists_open_pairs_for_every_group(client, open_pair, group):
    DuplicateCandidate.objects.create(
        person_a=PersonFactory(), person_b=PersonFactory(), score=0.99, state="not_duplicate"
    )
    login(client, group)

    content = client.get(reverse("admin:cases_duplicatecandidate_changelist")).content.decode()

    assert "0.97" in content and "Аляксандр Вымыслаў" in content
    assert content.index("0.97") < content.index("0.99")  # open pairs first


@pytest.mark.parametrize(
    ("group", "merge_button", "not_same_button"),
    [(VIEWER, False, False), (EDITOR, False, True), (PUBLISHER, True, True)],
)
def test_comparison_page_shows_both_records_and_the_allowed_decisions(
    client, open_pair, group, merge_button, not_same_button
):
    login(client, group)

    content = client.get(
        reverse("admin:cases_duplicatecandidate_change", args=[open_pair.pk])
    ).content.decode()

    for text in ("Аляксандр Вымыслаў", "Aliaksandr Vymyslau", "prisoners-list: 101", "prisoners-list: 202"):
        assert text in content
    assert "April 12, 1990" in content and "A name of each record" in content  # the date as English writes it
    assert ("Merge into left" in content) is merge_button
    assert ("Merge into right" in content) is merge_button
    assert ("Not the same person" in content) is not_same_button


@pytest.mark.parametrize("group", [VIEWER, EDITOR])
def test_merge_from_the_queue_is_refused_without_the_merge_permission(client, open_pair, group):
    login(client, group)

    response = client.post(
        reverse("admin:cases_duplicatecandidate_merge", args=[open_pair.pk]), {"keep": "left"}
    )

    assert response.status_code == 403
    assert not PersonMerge.objects.exists()


def test_publisher_merges_into_left_from_the_queue(client, open_pair):
    user = login(client, PUBLISHER)

    response = client.post(
        reverse("admin:cases_duplicatecandidate_merge", args=[open_pair.pk]), {"keep": "left"}
    )

    merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cases_personmerge_change", args=[merge.pk])
    assert (merge.kept_id, merge.merged_id, merge.merged_by) == (
        open_pair.person_a_id,
        open_pair.person_b_id,
        user,
    )


def test_merge_is_not_done_by_a_get_request(client, open_pair):
    login(client, PUBLISHER)

    response = client.get(
        reverse("admin:cases_duplicatecandidate_merge", args=[open_pair.pk]), {"keep": "left"}
    )

    assert response.status_code == 405
    assert not PersonMerge.objects.exists()


def test_merge_requires_the_csrf_token(open_pair):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, PUBLISHER)

    response = client.post(
        reverse("admin:cases_duplicatecandidate_merge", args=[open_pair.pk]), {"keep": "left"}
    )

    assert response.status_code == 403
    assert not PersonMerge.objects.exists()


@pytest.mark.parametrize(("group", "allowed"), [(VIEWER, False), (EDITOR, True), (PUBLISHER, True)])
def test_not_the_same_person_needs_the_review_permission(client, open_pair, group, allowed):
    user = login(client, group)

    response = client.post(reverse("admin:cases_duplicatecandidate_not_duplicate", args=[open_pair.pk]))

    open_pair.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert (open_pair.state, open_pair.reviewed_by) == ("not_duplicate", user)
    else:
        assert response.status_code == 403
        assert open_pair.state == "open"


@pytest.mark.parametrize(("group", "allowed"), [(VIEWER, False), (EDITOR, False), (PUBLISHER, True)])
def test_undo_from_the_merge_page_needs_the_merge_permission(client, two_records, publisher, group, allowed):
    kept, merged = two_records
    merge = merge_people(kept=kept, merged=merged, by=publisher)
    login(client, group)

    page = client.get(reverse("admin:cases_personmerge_change", args=[merge.pk])).content.decode()
    response = client.post(reverse("admin:cases_personmerge_undo", args=[merge.pk]))

    merge.refresh_from_db()
    assert "Aliaksandr Vymyslau" in page and "Cases, with their charges" in page
    assert ("Undo this merge" in page) is allowed
    assert (merge.undone_at is not None) is allowed
    assert response.status_code == (302 if allowed else 403)


def test_merge_log_lists_merges_in_a_fixed_number_of_queries(
    client, law, publisher, django_assert_max_num_queries
):
    for i in range(3):
        kept = PersonFactory(names=[(f"Захаваны{i} Запіс", "be_cyrl", "official_be", True)])
        merged = PersonFactory(names=[(f"Zlity{i} Zapis", "latin", "passport_latin", True)])
        merge_people(kept=kept, merged=merged, by=publisher)
    client.force_login(publisher)

    with django_assert_max_num_queries(12):
        content = client.get(reverse("admin:cases_personmerge_changelist")).content.decode()

    assert "Zlity0 Zapis" in content and "Zlity2 Zapis" in content


def test_the_claims_on_a_merged_persons_case_follow_the_case_and_go_back_with_it_on_undo():
    from cases.models import Claim
    from cases.services import claims

    kept, merged = PersonFactory(), PersonFactory()
    case = CaseFactory(person=merged, detention_date=None)
    report, lawyer = SourceFactory(), SourceFactory()
    claims.record_claim(
        fact="case.detention_date", person=merged, case=case, value="2021-03-03", source=report
    )
    merge = merge_people(kept=kept, merged=merged)
    assert set(Claim.objects.filter(case=case).values_list("person", flat=True)) == {kept.pk}
    # Weighed on the kept person: the list's word is the accepted one, the lawyer's conflicts.
    case.refresh_from_db()
    second = claims.record_claim(
        fact="case.detention_date", person=kept, case=case, value="2021-03-05", source=lawyer
    )
    assert second.state == choices.ClaimState.CONFLICTING
    undo_merge(merge=merge)
    assert set(Claim.objects.filter(case=case).values_list("person", flat=True)) == {merged.pk}
