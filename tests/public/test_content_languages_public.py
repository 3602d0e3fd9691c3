"""Free text in several languages on the public pages (issue 20, point 3): a reader sees the
biography, the occupation and the timeline in their language, else the original, marked with its
language and a note saying which it is."""

import datetime

from django.urls import reverse

from cases import choices, services
from tests.factories import in_language
from tests.public.conftest import ALIAKSANDR, make_person

BIOGRAPHY_RU = "Инженер из Гродно, задержан после марша."
BIOGRAPHY_BE = "Інжынер з Гродна, затрыманы пасля маршу."
BIOGRAPHY_EN = "An engineer from Hrodna, detained after a march."


def _page(client, case, language):
    response = client.get(in_language(reverse("public:person-detail", args=[case.person.slug]), language))
    assert response.status_code == 200
    return response.content.decode()


def test_a_belarusian_reader_sees_the_belarusian_biography_unmarked(client, law):
    case = make_person(
        names=ALIAKSANDR,
        biography=BIOGRAPHY_EN,
        occupation="engineer",
        content_language="en",
        translations={"be": {"biography": BIOGRAPHY_BE, "occupation": "інжынер"}},
    )

    html = _page(client, case, "be")

    assert f'<p class="biography">{BIOGRAPHY_BE}</p>' in html
    assert "<dd>інжынер</dd>" in html
    assert BIOGRAPHY_EN not in html
    assert "original-language" not in html


def test_a_belarusian_reader_of_a_russian_original_sees_it_marked_russian_with_a_note_in_belarusian(
    client, law
):
    case = make_person(names=ALIAKSANDR, biography=BIOGRAPHY_RU, content_language="ru")

    html = _page(client, case, "be")

    assert f'<p class="biography" lang="ru">{BIOGRAPHY_RU}</p>' in html
    assert '<p class="original-language">(па-руску)</p>' in html


def test_an_english_reader_of_the_same_original_gets_the_note_in_english(client, law):
    case = make_person(
        names=ALIAKSANDR,
        biography=BIOGRAPHY_RU,
        content_language="ru",
        translations={"be": {"biography": BIOGRAPHY_BE}},
    )

    html = _page(client, case, "en")

    # No English translation: the Russian original, not the Belarusian translation.
    assert f'<p class="biography" lang="ru">{BIOGRAPHY_RU}</p>' in html
    assert '<p class="original-language">(in Russian)</p>' in html
    assert BIOGRAPHY_BE not in html


def test_a_reader_of_the_originals_language_sees_it_without_a_note(client, law):
    case = make_person(
        names=ALIAKSANDR,
        biography=BIOGRAPHY_RU,
        content_language="ru",
        translations={"en": {"biography": BIOGRAPHY_EN}},
    )

    html = _page(client, case, "ru")

    assert f'<p class="biography">{BIOGRAPHY_RU}</p>' in html
    assert "original-language" not in html


def test_an_occupation_in_another_language_is_marked_inline(client, law):
    case = make_person(names=ALIAKSANDR, occupation="сварщик", content_language="ru")

    html = _page(client, case, "en")

    assert (
        '<dd><span lang="ru">сварщик</span> <span class="original-language">(in Russian)</span></dd>' in html
    )


def test_a_timeline_entry_is_shown_in_the_readers_language_else_marked_with_its_own(client, law):
    case = make_person(names=ALIAKSANDR)
    services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=datetime.date(2023, 5, 2),
        text="Переведён в больницу колонии.",
        content_language="ru",
        translations={"be": {"text": "Пераведзены ў бальніцу калоніі."}},
        is_public=True,
    )

    belarusian = _page(client, case, "be")
    english = _page(client, case, "en")

    assert ": Пераведзены ў бальніцу калоніі." in belarusian
    assert "Переведён" not in belarusian
    assert (
        '<span lang="ru">Переведён в больницу колонии.</span> '
        '<span class="original-language">(in Russian)</span>'
    ) in english


def test_the_latest_changes_on_the_home_page_say_the_language_of_a_text_not_the_readers(client, law):
    case = make_person(names=ALIAKSANDR)
    services.record_event(
        case=case,
        kind=choices.EventKind.VERDICT,
        date=datetime.date(2023, 6, 1),
        text="Приговор оглашён в закрытом заседании.",
        content_language="ru",
        is_public=True,
    )

    response = client.get(in_language(reverse("public:home"), "be"))

    html = response.content.decode()
    assert (
        '<span lang="ru">Приговор оглашён в закрытом заседании.</span> '
        '<span class="original-language">(па-руску)</span>'
    ) in html


def test_the_feed_names_the_language_of_a_text_not_the_readers(client, law):
    case = make_person(names=ALIAKSANDR)
    services.record_event(
        case=case,
        kind=choices.EventKind.VERDICT,
        date=datetime.date(2023, 6, 1),
        text="Verdict read out in a closed session.",
        content_language="en",
        is_public=True,
    )

    response = client.get(in_language(reverse("public:feed"), "ru"))

    assert "Verdict read out in a closed session. (по-английски)" in response.content.decode()
