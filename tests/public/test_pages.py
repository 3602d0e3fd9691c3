import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, Region
from cases.risk.assessment import assess_case
from tests.api.conftest import make_published_case
from tests.factories import FacilityFactory, article, in_language
from tests.public.conftest import ALIAKSANDR, make_person

D = datetime.date


PERSON_LINK = re.compile(r'href="/people/[^"]+/"')


def _get(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


# Home -----------------------------------------------------------------------------------------


def test_home_counts_people_held_now_and_at_risk(client, law):
    make_published_case()
    make_published_case()
    released = make_published_case()
    services.update_case(case=released, status="released")
    at_risk = make_published_case(charges=("289.3",))
    assess_case(case_id=at_risk.pk)
    make_published_case(publish=False)  # a draft counts for nothing

    response, html = _get(client, reverse("public:home"))

    assert response.status_code == 200
    assert re.search(r'data-count="held">\s*3\s*<', html)
    assert re.search(r'data-count="at-risk">\s*1\s*<', html)


def test_home_does_not_count_a_stale_case_as_at_risk(client, law):
    case = make_published_case(charges=("289.3",))
    assess_case(case_id=case.pk)
    Case.objects.filter(pk=case.pk).update(risk_stale=True)

    _, html = _get(client, reverse("public:home"))

    assert re.search(r'data-count="at-risk">\s*0\s*<', html)


def test_home_lists_latest_changes_newest_first_with_reclassifications(client, law):
    case = make_published_case(charges=("218.2",))
    services.record_event(case=case, kind="detained", date=D(2022, 3, 1), is_public=True)
    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.1"), on=D(2023, 5, 12))

    _, html = _get(client, reverse("public:home"))

    assert "from art. 218 part 2 to art. 289 part 1 on May 12, 2023" in html
    assert html.index("May 12, 2023") < html.index("March 1, 2022")


# List and search ------------------------------------------------------------------------------


def test_list_search_in_latin_finds_a_cyrillic_name(client, law):
    make_person(names=ALIAKSANDR[:1])  # only the Belarusian Cyrillic form is recorded
    make_published_case()

    _, html = _get(client, reverse("public:person-list"), q="Aliaksandr")

    assert "Аляксандр Вымыслаў" in html
    assert "Testavy" not in html and "Тэставы" not in html
    assert "1 person found" in html


def test_list_shows_only_published_people(client, law):
    make_person(names=ALIAKSANDR, publish=False)

    _, html = _get(client, reverse("public:person-list"))

    assert "Вымысл" not in html and "Vymyslau" not in html
    assert "0 people found" in html


def test_list_ignores_the_publication_state_filter(client, law):
    make_person(names=ALIAKSANDR, publish=False)
    make_published_case()

    _, html = _get(client, reverse("public:person-list"), publication_state="draft")

    assert "Вымысл" not in html and "Vymyslau" not in html
    assert "Testavy Yavar" in html


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"status": "convicted"}, True),
        ({"status": "detained"}, False),
        ({"region": "grodno"}, True),
        ({"region": "minsk-city"}, False),
        ({"detained_after": "2021-01-01"}, True),
        ({"detained_after": "2021-01-02"}, False),
        ({"detained_before": "2021-01-01"}, True),
        ({"article": "342"}, False),
    ],
)
def test_list_filters_by_the_shared_filterset(client, law, params, found):
    region = Region.objects.get(jurisdiction__code="BY", code="grodno")
    make_person(names=ALIAKSANDR, status="convicted", detention_date=D(2021, 1, 1), region=region)

    _, html = _get(client, reverse("public:person-list"), **params)

    assert ("Aliaksandr Vymyslau" in html) is found


def test_list_links_to_the_same_list_as_csv(client, law):
    _, html = _get(client, reverse("public:person-list"), q="Aliaksandr", region="grodno")

    assert 'href="/data/people.csv?q=Aliaksandr&amp;region=grodno"' in html


def test_list_csv_link_answers_with_the_csv(client, law):
    """The link must reach the export, not a person page named 'export' (it once gave a 404)."""
    response = client.get("/api/v1/people/export.csv/", {"region": "grodno"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_list_paginates_by_fifty(client, law):
    for _ in range(51):
        make_published_case()

    _, first = _get(client, reverse("public:person-list"))
    _, second = _get(client, reverse("public:person-list"), page=2)

    assert len(PERSON_LINK.findall(first)) == 50 and "Page 1 of 2" in first
    assert len(PERSON_LINK.findall(second)) == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_uses_the_same_number_of_queries_for_1_and_50_people(client, law):
    make_published_case()
    one = _queries(client, reverse("public:person-list"))
    for _ in range(49):
        make_published_case()
    cache.clear()  # the count is cached per data version, which moves only when a test's edits commit
    fifty = _queries(client, reverse("public:person-list"))
    assert one == fifty


# Person page ----------------------------------------------------------------------------------


def test_person_page_shows_names_age_region_status_and_facility(client, law):
    region = Region.objects.get(jurisdiction__code="BY", code="grodno")
    case = make_person(names=ALIAKSANDR, region=region, birth_date=D(1980, 1, 1), birth_date_precision="year")
    facility = case.jurisdiction.facilities.create(
        slug="test-colony",
        kind="colony",
        name_en="Test colony no. 1",
        postal_address="ул. Тестовая, 2, г. Тест",
    )
    services.transfer_person(case=case, facility=facility, on=D(2022, 3, 2))

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert "<h1>Aliaksandr Vymyslau</h1>" in html
    assert "Аляксандр Вымыслаў" in html  # other spellings are listed
    assert re.search(r"<dt>Age</dt><dd>\d\d or \d\d</dd>", html)
    assert "Grodno" in html or "Hrodna" in html
    assert "detained (pre-trial)" in html
    assert "Test colony no. 1" in html
    assert "ул. Тестовая, 2, г. Тест<br>Александр Вымыслов" in html  # letters go to the Russian name
    assert "How to write" in html


def test_person_page_shows_age_unknown_without_birth_date(client, law):
    case = make_person(names=ALIAKSANDR)

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert "<dt>Age</dt><dd>unknown</dd>" in html


def test_person_page_timeline_reads_a_reclassification_from_article_to_article(client, law):
    case = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.1"), on=D(2023, 5, 12))

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert "from art. 218 part 2 to art. 289 part 1 on May 12, 2023" in html
    assert "art. 218 part 2 → art. 289 part 1" not in html  # the raw event text is replaced


def test_person_page_current_charges_have_titles_and_an_unverified_mark(client, law):
    case = make_published_case(charges=("342.1", "289.3"))
    services.end_charge(charge=case.charges.get(article__number="342"), state="dropped", on=D(2022, 4, 1))

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))
    charges = html.split("Current charges")[1].split("</ul>")[0]

    assert "art. 289 part 3" in charges and article("289.3").title_en in charges
    assert "art. 342" not in charges  # dropped
    assert "not verified" not in charges  # 289.3 is verified
    case2 = make_published_case(charges=("342.1",))
    _, html2 = _get(client, reverse("public:person-detail", args=[case2.person.slug]))
    assert "article text not verified" in html2.split("Current charges")[1].split("</ul>")[0]


def test_person_page_shows_sentence_and_expected_release(client, law):
    case = make_published_case()
    services.update_case(
        case=case,
        status="convicted",
        verdict_date=D(2022, 9, 1),
        sentence_kind="deprivation_of_liberty",
        sentence_years=3,
        sentence_regime="general",
    )

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert "deprivation of liberty, 3 years (general regime colony)" in html
    case.refresh_from_db()
    assert f'<dt>Expected release</dt><dd><time datetime="{case.expected_release_date:%Y-%m-%d}">' in html


def test_person_page_shows_a_death_penalty_banner_with_reasons(client, law):
    case = make_published_case(charges=("289.3",))
    assessment = assess_case(case_id=case.pk)

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert 'class="banner banner-danger"' in html
    assert "risk of the death penalty" in html
    assert assessment.reasons[0]["text"] in html


def test_person_page_says_under_review_for_a_stale_case(client, law):
    case = make_published_case(charges=("289.3",))

    _, html = _get(client, reverse("public:person-detail", args=[case.person.slug]))

    assert "banner-review" in html and "under review" in html
    assert "no identified risk" not in html


def test_person_page_shows_name_in_the_page_language(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    en, be, ru = (client.get(in_language(url, lang)).content.decode() for lang in ("en", "be", "ru"))

    assert "<h1>Aliaksandr Vymyslau</h1>" in en
    assert "<h1>Аляксандр Вымыслаў</h1>" in be and 'lang="be"' in be
    assert "<h1>Александр Вымыслов</h1>" in ru and 'lang="ru"' in ru


def test_language_switch_keeps_the_page_and_its_query(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    be = client.get(f"/be{url}?q=x").content.decode()

    assert f'<a href="{url}?q=x" hreflang="en" lang="en">English</a>' in be
    assert f'href="/ru{url}?q=x" hreflang="ru" lang="ru">Русский</a>' in be
    assert f'href="/be{url}?q=x" hreflang="be" lang="be" aria-current="page"' in be
    assert "<h1>Аляксандр Вымыслаў</h1>" in be and "Узрост" in be


def test_the_earlier_language_switcher_sends_the_reader_to_the_page_in_that_language(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    to_be = client.post(reverse("public:set-language"), {"language": "be", "next": url})
    to_ru = client.post(reverse("public:set-language"), {"language": "ru", "next": f"/be{url}?page=2"})
    to_en = client.post(reverse("public:set-language"), {"language": "en", "next": f"/ru{url}"})
    elsewhere = client.post(
        reverse("public:set-language"), {"language": "ru", "next": "https://evil.example/"}
    )

    assert (to_be.status_code, to_be["Location"]) == (302, f"/be{url}")
    assert to_ru["Location"] == f"/ru{url}?page=2"
    assert to_en["Location"] == url
    assert elsewhere["Location"] == "/ru/"
    ru = client.get(to_ru["Location"]).content.decode()
    assert "<h1>Александр Вымыслов</h1>" in ru and "Возраст" in ru


def test_a_link_opens_in_the_language_it_was_shared_in_whatever_the_readers_browser_says(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    shared_in_be = client.get(f"/be{url}", headers={"accept-language": "ru"}, cookies=None)
    client.cookies["django_language"] = "ru"
    shared_in_en = client.get(url, headers={"accept-language": "ru"})

    assert (
        shared_in_be["Content-Language"] == "be"
        and "<h1>Аляксандр Вымыслаў</h1>" in shared_in_be.content.decode()
    )
    assert (
        shared_in_en["Content-Language"] == "en"
        and "<h1>Aliaksandr Vymyslau</h1>" in shared_in_en.content.decode()
    )


def test_every_page_names_itself_in_every_language_for_search_engines(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    html = client.get(f"/ru{url}").content.decode()

    assert f'<link rel="alternate" hreflang="en" href="http://testserver{url}">' in html
    assert f'<link rel="alternate" hreflang="be" href="http://testserver/be{url}">' in html
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver/ru{url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">' in html


def test_the_default_language_has_one_address_without_a_prefix(client, law):
    case = make_person(names=ALIAKSANDR)
    url = reverse("public:person-detail", args=[case.person.slug])

    response = client.get(f"/en{url}?page=2")

    assert (response.status_code, response["Location"]) == (301, f"{url}?page=2")


def test_an_unknown_page_in_belarusian_answers_404_in_belarusian_with_no_echo_of_the_address(client, law):
    response = client.get("/be/people/nobody-at-all/")

    html = response.content.decode()
    assert response.status_code == 404 and "nobody-at-all" not in html
    assert '<html lang="be">' in html
    assert '<a href="/ru/" hreflang="ru"' in html


def test_person_page_uses_the_same_number_of_queries_for_1_and_20_charges(client, law):
    one = make_published_case(charges=("342.1",))
    many = make_published_case(charges=("342.1",) * 10 + ("289.3",) * 10)
    first = many.charges.order_by("id").first()
    services.reclassify_charge(charge=first, to_article=article("289.1"), on=D(2022, 4, 1))

    assert _queries(client, reverse("public:person-detail", args=[one.person.slug])) == _queries(
        client, reverse("public:person-detail", args=[many.person.slug])
    )


def test_unpublished_person_page_is_byte_identical_to_a_missing_one(client, law):
    draft = make_published_case(publish=False)
    withdrawn = make_published_case()
    services.withdraw_person(person=withdrawn.person)

    responses = [
        client.get(reverse("public:person-detail", args=[slug]))
        for slug in (draft.person.slug, withdrawn.person.slug, "p-nobody")
    ]

    assert {r.status_code for r in responses} == {404}
    assert responses[0].content == responses[1].content == responses[2].content
    assert draft.person.slug.encode() not in responses[0].content


# Articles, facilities, statistics ------------------------------------------------------------


def test_article_page_lists_people_charged_and_counts_reclassifications(client, law):
    direct = make_published_case(charges=("289.1",))
    moved = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=moved.charges.get(), to_article=article("289.1"), on=D(2022, 6, 1))
    make_published_case(charges=("289.1",), publish=False)

    _, html = _get(client, reverse("public:article-detail", args=["by-289.1"]))

    assert len(PERSON_LINK.findall(html)) == 2
    assert direct.person.slug in html and moved.person.slug in html
    assert re.search(r"<dt>Charges reached by reclassification</dt><dd>1</dd>", html)


def test_article_page_of_an_unknown_article_is_the_common_404(client, law):
    missing = client.get(reverse("public:article-detail", args=["by-999.9"]))
    person = client.get(reverse("public:person-detail", args=["p-nobody"]))

    assert missing.status_code == 404 and missing.content == person.content


def test_facility_page_lists_people_held_there_now(client, law):
    held = make_published_case()
    facility = held.stays.get().facility
    moved = make_published_case()
    services.transfer_person(case=moved, facility=facility, on=D(2022, 3, 3))
    services.transfer_person(case=moved, facility=FacilityFactory(), on=D(2022, 4, 1))

    _, html = _get(client, reverse("public:facility-detail", args=[facility.slug]))

    assert held.person.slug in html
    assert moved.person.slug not in html


def test_statistics_page_draws_accessible_svg_charts_and_hides_small_counts(client, law):
    for _ in range(5):
        make_published_case()
    moved = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=moved.charges.get(), to_article=article("289.1"), on=D(2022, 6, 1))

    _, html = _get(client, reverse("public:statistics"))

    assert html.count('class="bars"') == 5  # the bar charts; the charts over time are tested on their own
    assert html.count("<svg") == html.count('role="img"')  # every chart is labelled as an image
    assert '<title id="svg-title-by-article">' in html
    assert "<table>" in html
    assert "fewer than 5" in html  # art. 289 and the reclassifications of 2022-06 have one each
    assert '<text x="0" y="17" class="bar-label">2022-06</text>' in html  # the label above its bar
    assert "<script" not in html


@pytest.mark.django_db(transaction=True)
def test_statistics_are_cached_and_refreshed_when_data_changes(client, law):
    """Real commits: the cached page stays until the change commits, then it is rebuilt."""
    from django.db import transaction

    make_published_case()
    _get(client, reverse("public:statistics"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("public:statistics"))
    assert len(ctx) == 0  # served from the cache

    with transaction.atomic():
        make_published_case()
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("public:statistics"))
        assert len(ctx) == 0  # not committed yet: the old version still holds
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("public:statistics"))
    assert len(ctx) > 0  # the commit moved the version


def test_a_cache_that_does_not_answer_never_fails_an_edit_or_a_page(client, law, settings):
    """Redis down: staff edits must still save, and public pages are built uncached."""
    from cases import services
    from tests.factories import PersonFactory

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    person = PersonFactory()
    services.update_person(person=person, occupation="teacher")
    make_published_case()

    assert client.get(reverse("public:statistics")).status_code == 200


# Feed and sitemap -----------------------------------------------------------------------------


def test_feed_is_atom_with_public_changes(client, law):
    case = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.1"), on=D(2023, 5, 12))

    response = client.get(reverse("public:feed"))
    body = response.content.decode()

    assert response["Content-Type"].startswith("application/atom+xml")
    assert "from art. 218 part 2 to art. 289 part 1" in body
    assert f"/people/{case.person.slug}/" in body


def test_sitemap_lists_published_people_articles_and_facilities(client, law):
    published = make_published_case(charges=("289.1",))
    draft = make_published_case(publish=False)

    body = client.get(reverse("public:sitemap")).content.decode()

    assert f"/people/{published.person.slug}/" in body
    assert f"/people/{draft.person.slug}/" not in body
    assert "/articles/by-289.1/" in body
    assert f"/facilities/{published.stays.get().facility.slug}/" in body


def test_each_language_has_its_sitemap_of_its_own_pages_naming_the_others(client, law):
    published = make_published_case(charges=("289.1",))
    person = f"/people/{published.person.slug}/"

    english = client.get(reverse("public:sitemap")).content.decode()
    russian = client.get("/ru/sitemap.xml").content.decode()

    assert f"<loc>http://testserver{person}</loc>" in english and "<loc>http://testserver/ru/" not in english
    assert f"<loc>http://testserver/ru{person}</loc>" in russian
    assert f"<loc>http://testserver{person}</loc>" not in russian
    for sitemap in (english, russian):
        assert f'hreflang="be" href="http://testserver/be{person}"' in sitemap
        assert f'hreflang="x-default" href="http://testserver{person}"' in sitemap
    assert (
        "<loc>http://testserver/be/articles/by-289.1/</loc>" in client.get("/be/sitemap.xml").content.decode()
    )


def test_list_drops_empty_form_fields_from_the_csv_link(client, law):
    _, html = _get(client, reverse("public:person-list"), q="", region="grodno", status="", article="")

    assert 'href="/data/people.csv?region=grodno"' in html


def test_dates_follow_the_page_language(client, law):
    case = make_published_case(charges=("218.2",))
    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.1"), on=D(2023, 5, 12))
    url = reverse("public:person-detail", args=[case.person.slug])

    ru = client.get(in_language(url, "ru")).content.decode()
    be = client.get(in_language(url, "be")).content.decode()

    assert "с ч. 2 ст. 218 на ч. 1 ст. 289, 12 мая 2023" in ru
    assert "з ч. 2 арт. 218 на ч. 1 арт. 289, 12.05.2023" in be


def test_the_cache_version_moves_once_per_transaction(law):
    """An import saves thousands of rows in one transaction: one version move, not thousands."""
    from public.cache import bump_version

    make_published_case()

    # Every callback of the test's transaction since it began: the `law` fixture may have written
    # in it too (after a transactional test emptied the database), and that counts as well.
    callbacks = [callback for _, callback, _ in connection.run_on_commit]
    assert [c for c in callbacks if c is bump_version] == [bump_version]
