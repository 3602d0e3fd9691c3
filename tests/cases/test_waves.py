"""Release waves (issue 18, point 2): a wave groups the people released together; staff paste the
officially announced list of names (Cyrillic or Latin, any transliteration, numbered, with
patronymics and years of birth), the registry matches it across scripts (matched, ambiguous,
unknown), a person reviews it, and confirming records the releases in one step. The public gets
a page per wave (published people only) and the statistics count waves. Every name is invented."""

import datetime

import pytest
from django.urls import reverse

from cases import choices, services
from cases.identity.announced import AnnouncedName, Candidate, classify, read_announced_list
from cases.models import Case, Release
from cases.protection.permissions import EDITOR, VIEWER
from tests.factories import PersonFactory, SourceFactory, UserFactory, article, jurisdiction

D = datetime.date
BE, RU, LATIN = choices.Script.BE_CYRILLIC, choices.Script.RU_CYRILLIC, choices.Script.LATIN
OFFICIAL_BE, OTHER_LATIN = choices.NameKind.OFFICIAL_BE, choices.NameKind.OTHER_LATIN


# Reading an announced list (pure) ----------------------------------------------------------------


def test_an_announced_list_is_read_without_numbering_and_with_years_of_birth():
    text = """Список помилованных:
1. Клыбачэнка Дзмітрый Іванавіч, 1986 г.р.
2) Иванов Иван Иванович (1980)

№3. Сидоренко Ольга Петровна, 12.03.1975 г.р.; Petrova Alena, b. 1979
4 - Kovalenko Ihar"""

    names = [(n.name, n.birth_year) for n in read_announced_list(text)]

    assert names == [
        ("Список помилованных:", None),
        ("Клыбачэнка Дзмітрый Іванавіч", 1986),
        ("Иванов Иван Иванович", 1980),
        ("Сидоренко Ольга Петровна", 1975),
        ("Petrova Alena", 1979),
        ("Kovalenko Ihar", None),
    ]


NAME = AnnouncedName(
    line=1, text="Иванов Иван Иванович, 1980 г.р.", name="Иванов Иван Иванович", birth_year=1980
)


@pytest.mark.parametrize(
    ("candidates", "outcome", "first"),
    [
        ([Candidate(1, "Іваноў Іван", 0.9, (1980, 1980))], "matched", 1),
        ([Candidate(1, "Іваноў Іван", 0.9, None)], "matched", 1),
        ([Candidate(1, "Іваноў Іван", 0.9, None), Candidate(2, "Ivan Ivanou", 0.9, None)], "ambiguous", 1),
        ([Candidate(1, "Іваноў Іван", 0.9, (1985, 1985))], "ambiguous", 1),  # born in another year
        ([Candidate(3, "Іванова Ірына", 0.72, None)], "ambiguous", 3),  # only a weak candidate
        ([Candidate(4, "Пятроў Павел", 0.4, None)], "unknown", None),
        ([], "unknown", None),
    ],
)
def test_classify_says_matched_only_for_one_strong_candidate_born_in_the_year_given(
    candidates, outcome, first
):
    match = classify(NAME, candidates)

    assert match.outcome == outcome
    assert (match.candidates[0].person_id if match.candidates else None) == first
    assert match.person_id == (first if outcome == "matched" else None)


# Matching against the registry -------------------------------------------------------------------


def _held_person(names, born=None):
    person = PersonFactory(names=names, birth_date=born, birth_date_precision="year" if born else "unknown")
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=D(2022, 3, 1), status="convicted"
    )
    services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2))
    return person


@pytest.fixture
def registry(law):
    return {
        "klybachenka": _held_person([("Клыбачэнка Дзмітрый", BE, OFFICIAL_BE, True)], born=D(1986, 1, 1)),
        "ivanou_1": _held_person([("Іваноў Іван", BE, OFFICIAL_BE, True)], born=D(1980, 1, 1)),
        "ivanou_2": _held_person([("Ivan Ivanou", LATIN, OTHER_LATIN, True)], born=D(1991, 1, 1)),
        "sidarenka": _held_person([("Sidarenka Volha", LATIN, OTHER_LATIN, True)]),
    }


ANNOUNCED = """1. Клыбаченко Дмитрий Иванович, 1986 г.р.
2. Иванов Иван Иванович
3. Сидоренко Ольга Петровна
4. Нявядомы Пётр Пятровіч"""


@pytest.mark.django_db
def test_announced_names_are_matched_across_scripts_with_the_doubtful_ones_shown(registry):
    matches = services.match_announced_names(ANNOUNCED)

    got = [(m.announced.line, m.outcome, sorted(c.person_id for c in m.candidates)) for m in matches]
    assert got == [
        (1, "matched", [registry["klybachenka"].pk]),
        (2, "ambiguous", sorted([registry["ivanou_1"].pk, registry["ivanou_2"].pk])),
        (3, "matched", [registry["sidarenka"].pk]),
        (4, "unknown", []),
    ]


@pytest.mark.django_db
def test_a_year_of_birth_in_the_list_settles_namesakes(registry):
    (born_1991,) = services.match_announced_names("Иванов Иван Иванович, 1991 г.р.")
    (born_1980,) = services.match_announced_names("Иванов Иван Иванович (1980)")
    (born_1975,) = services.match_announced_names("Иванов Иван Иванович, 1975 г.р.")

    assert (born_1991.outcome, born_1991.person_id) == ("matched", registry["ivanou_2"].pk)
    assert (born_1980.outcome, born_1980.person_id) == ("matched", registry["ivanou_1"].pk)
    # The namesake ruled out is still shown to the reviewer, after the match.
    assert [c.person_id for c in born_1980.candidates] == [registry["ivanou_1"].pk, registry["ivanou_2"].pk]
    # A year that fits neither leaves the choice to a person.
    assert born_1975.outcome == "ambiguous"


# Recording a wave's releases ---------------------------------------------------------------------


@pytest.fixture
def wave(law):
    return services.create_wave(
        name="September 2025 release (invented)",
        date=D(2025, 9, 11),
        announced_by="Presidential press service",
        counterpart="Envoy of another government",
        in_return="Sanctions on the national airline lifted (as reported)",
        destination_country="LT",
        how=choices.ReleaseKind.PARDON,
        sources=[SourceFactory(title="Synthetic announcement")],
    )


@pytest.mark.django_db
def test_confirming_a_wave_records_each_persons_release_in_one_step(registry, wave):
    chosen = [registry["klybachenka"].pk, registry["sidarenka"].pk]

    outcome = services.record_wave_releases(wave=wave, person_ids=chosen)

    assert sorted(outcome.recorded) == sorted(chosen) and outcome.refused == []
    for person in (registry["klybachenka"], registry["sidarenka"]):
        case = Case.objects.get(person=person)
        assert (case.status, case.release.wave, case.release.how) == ("deported", wave, "pardon")
        assert case.release.destination_country == "LT"
        event = case.release.event
        assert (event.date, [s.title for s in event.sources.all()]) == (
            D(2025, 9, 11),
            ["Synthetic announcement"],
        )
    assert Case.objects.get(person=registry["ivanou_1"]).status == "convicted"


@pytest.mark.django_db
def test_a_person_not_held_or_held_twice_is_refused_with_the_reason_and_the_others_recorded(registry, wave):
    services.record_release(
        case=Case.objects.get(person=registry["ivanou_1"]), how="sentence_served", date=D(2024, 1, 10)
    )
    twice = registry["ivanou_2"]
    services.create_case(
        person=twice, jurisdiction=jurisdiction(), detention_date=D(2024, 5, 1), status="detained"
    )

    outcome = services.record_wave_releases(
        wave=wave, person_ids=[registry["ivanou_1"].pk, twice.pk, registry["sidarenka"].pk]
    )

    assert outcome.recorded == [registry["sidarenka"].pk]
    assert dict(outcome.refused) == {
        registry["ivanou_1"].pk: "no case held in the registry",
        twice.pk: "2 cases held: record it on the case",
    }


# The review screen -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_review_screen_shows_each_outcome_and_confirming_records_the_chosen(client, registry, wave):
    client.force_login(UserFactory(groups=[EDITOR]))
    url = reverse("admin:cases_releasewave_match", args=[wave.pk])

    review = client.post(url, {"names": ANNOUNCED}).content.decode()

    assert "<strong>2</strong> matched, <strong>1</strong> to choose" in review
    assert f'name="line-1" value="{registry["klybachenka"].pk}" checked' in review
    assert f'name="line-2" value="{registry["ivanou_1"].pk}">' in review  # not chosen for the reviewer
    assert "not in the registry: add the person first" in review

    response = client.post(
        url,
        {
            "confirm": "yes",
            "line-1": registry["klybachenka"].pk,
            "line-2": registry["ivanou_2"].pk,  # the reviewer's choice
            "line-3": registry["sidarenka"].pk,
            "line-4": "none",
        },
    )

    assert response.status_code == 302
    released = set(Release.objects.filter(wave=wave).values_list("case__person_id", flat=True))
    assert released == {registry["klybachenka"].pk, registry["ivanou_2"].pk, registry["sidarenka"].pk}


@pytest.mark.django_db
def test_a_viewer_cannot_match_or_confirm_a_wave(client, registry, wave):
    client.force_login(UserFactory(groups=[VIEWER]))

    response = client.post(
        reverse("admin:cases_releasewave_match", args=[wave.pk]),
        {"confirm": "yes", "line-1": registry["klybachenka"].pk},
    )

    assert response.status_code == 403
    assert not Release.objects.exists()


# The public side ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_wave_page_lists_its_published_people_only_and_the_statistics_count_waves(client, registry, wave):
    published, draft = registry["klybachenka"], registry["sidarenka"]
    services.publish_person(person=published)
    services.record_wave_releases(wave=wave, person_ids=[published.pk, draft.pk])

    page = client.get(reverse("public:wave-detail", args=[wave.public_id])).content.decode()
    stats_page = client.get(reverse("public:statistics")).content.decode()
    stats = client.get("/api/v1/statistics/").json()
    person_page = client.get(reverse("public:person-detail", args=[published.slug])).content.decode()

    assert "Клыбачэнка Дзмітрый" in page and "Sidarenka" not in page
    assert "Envoy of another government" in page and "Lithuania" in page and "Synthetic announcement" in page
    assert "1 person in the published registry." in page
    assert reverse("public:wave-detail", args=[wave.public_id]) in stats_page
    assert (stats["release_waves"], stats["released_in_waves"]) == (1, 1)
    assert f'released with others: <a href="/waves/{wave.public_id}/">' in person_page


@pytest.mark.django_db
def test_a_wave_that_is_not_public_has_no_page(client, wave):
    wave.is_public = False
    wave.save()

    assert client.get(reverse("public:wave-detail", args=[wave.public_id])).status_code == 404


@pytest.mark.django_db
def test_a_person_detained_after_the_waves_day_is_shown_so_and_not_chosen_for_the_reviewer(client, law):
    late = _held_person([("Клыбачэнка Дзмітрый", BE, OFFICIAL_BE, True)])
    Case.objects.filter(person=late).update(detention_date=D(2025, 10, 1))
    wave = services.create_wave(name="Earlier wave (invented)", date=D(2025, 9, 11))
    client.force_login(UserFactory(groups=[EDITOR]))

    review = client.post(
        reverse("admin:cases_releasewave_match", args=[wave.pk]), {"names": "Клыбаченко Дмитрий"}
    ).content.decode()

    assert "<strong>1</strong> matched" in review
    assert "1 detained after the wave's day" in review
    assert f'value="{late.pk}" checked' not in review
