"""The Atom feed and the sitemap as a hostile reader sees them (issue #13).

Event text can come from a partner's accepted submission: a feed reader must get it as text,
never as markup it renders (an `onerror`, an image that collects every reader's address), and a
stray control character must not take the feed down for everyone. The sitemap's update times
move only with what the public can see.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from cases import choices, services
from cases.models import Person
from cases.services import NameSpec
from tests.factories import article, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"
BEACON = '<img src="https://collector.example/pixel.gif" onerror="alert(document.domain)">'
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _published_case(*, name="Synthetic Feedova", event_text="Trial began."):
    person = services.create_person(
        names=[NameSpec(name, choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, is_primary=True)]
    )
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        detention_date=D(2022, 3, 1),
        detention_place=event_text,
        status=choices.CaseStatus.DETAINED,
    )
    charge = services.add_charge(case=case, article=article("218.2"), charged_on=D(2022, 3, 2))
    services.record_event(case=case, kind="trial", date=D(2022, 5, 1), text=event_text, is_public=True)
    services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1), note=event_text)
    services.record_event(case=case, kind="verdict", date=D(2022, 7, 1), text=event_text, is_public=True)
    services.publish_person(person=person)
    return case


def _xml(response):
    return ET.fromstring(response.content)  # noqa: S314 (the registry's own answer, in a test)


def _feed(client):
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    return _xml(response)


def test_feed_summaries_are_plain_text_so_no_reader_renders_planted_markup(client, law):
    _published_case(event_text=f"Verdict announced. {BEACON}")

    entries = _feed(client).findall(f"{ATOM}entry")
    summaries = [entry.find(f"{ATOM}summary") for entry in entries]

    assert len(summaries) >= 2
    assert {s.get("type") for s in summaries} == {"text"}
    assert any(BEACON in s.text for s in summaries)  # shown to the reader as the characters typed


def test_feed_emits_no_text_construct_a_reader_would_render_as_markup(client, law):
    _published_case(name=f"Synthetic {BEACON}", event_text=BEACON)

    feed = _feed(client)

    markup = [(el.tag, el.get("type")) for el in feed.iter() if el.get("type") in ("html", "xhtml")]
    assert markup == []
    assert not [
        el for el in feed.iter() if el.tag.startswith(ATOM) and el.tag[len(ATOM) :] in ("content", "img")
    ]
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles and all(title.startswith(f"Synthetic {BEACON}: ") for title in titles)


def test_feed_links_point_only_to_the_registry_own_person_pages(client, law):
    case = _published_case(event_text=BEACON)

    feed = _feed(client)

    hrefs = {link.get("href") for link in feed.iter(f"{ATOM}link")}
    person_page = f"http://testserver/people/{case.person.slug}/"
    assert hrefs == {"http://testserver/", "http://testserver" + reverse("public:feed"), person_page}


def test_feed_survives_a_control_character_planted_in_event_text(client, law):
    _published_case(event_text="Verdict\x0bannounced\x1b[31m in court.")

    feed = _feed(client)

    summaries = [entry.find(f"{ATOM}summary").text for entry in feed.findall(f"{ATOM}entry")]
    assert "Verdict announced [31m in court." in " | ".join(summaries)


def _lastmod(response, person) -> str:
    root = _xml(response)
    for url in root.iter(f"{SITEMAP}url"):
        if url.find(f"{SITEMAP}loc").text.endswith(f"/people/{person.slug}/"):
            return url.find(f"{SITEMAP}lastmod").text
    raise AssertionError(f"{person.slug} is not in the sitemap")


def test_internal_edit_does_not_move_the_sitemap_lastmod(client, law):
    person = _published_case().person
    # Published long ago, so that an edit today would show (the sitemap gives days).
    Person.objects.filter(pk=person.pk).update(
        updated_at=datetime.datetime(2023, 1, 2, 9, 0, tzinfo=datetime.UTC)
    )
    services.update_person(person=person, internal_notes="staff called the lawyer", contacts="+375 00")

    response = client.get(reverse("public:sitemap"))

    assert _lastmod(response, person) == "2023-01-02"
