"""The statistics page over time (issue 18, point 6): server-drawn series with their tables, as the
public may see them."""

import datetime
import re

from django.urls import reverse

from cases import choices, services
from tests.factories import PersonFactory, in_language, jurisdiction

D = datetime.date
MARCH_2021 = D(2021, 3, 10)


def _page(client, language="en") -> str:
    return client.get(in_language(reverse("public:statistics"), language)).content.decode()


def _held(*, detained=MARCH_2021, precision=choices.DatePrecision.DAY, publish=True, **fields):
    person = PersonFactory()
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        detention_date=detained,
        detention_date_precision=precision,
        **fields,
    )
    if publish:
        services.publish_person(person=person)
    return case


def _row(html: str, slug: str, month: str) -> list[str]:
    """The cells of `month`'s row in the table of the chart `slug`."""
    section = html.split(f'id="chart-{slug}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr><th scope="row">{re.escape(month)}</th>(.*?)</tr>', section)
    assert row, f"no row for {month} in {slug}"
    return re.findall(r"<td>(.*?)</td>", row.group(1))


def _section(html: str, slug: str) -> str:
    return html.split(f'id="chart-{slug}"', 1)[1].split("</section>", 1)[0]


def test_statistics_page_draws_each_series_over_time_with_its_table(client, law):
    for _ in range(6):
        _held(recognised_on=D(2021, 5, 1), recognised_on_precision=choices.DatePrecision.MONTH)
    for case in [_held() for _ in range(5)]:
        services.record_release(case=case, how=choices.ReleaseKind.PARDON, date=D(2022, 9, 16))

    html = _page(client)

    for slug in ("held-over-time", "recognitions", "releases", "releases-by-how", "risk-over-time"):
        assert f'id="chart-{slug}"' in html
    assert _row(html, "held-over-time", "March 2021") == ["11", "0"]
    assert _row(html, "held-over-time", "September 2022") == ["6", "0"]
    assert _row(html, "recognitions", "May 2021") == ["6"]
    assert _row(html, "releases", "September 2022") == ["5"]
    assert _row(html, "releases-by-how", "September 2022") == ["5"]  # pardon, the only way used
    assert '<th scope="col">pardon</th>' in _section(html, "releases-by-how")
    held = _section(html, "held-over-time")
    assert 'class="line"' in held and 'role="img"' in held and "<desc" in held
    assert _section(html, "releases").count('class="column"') == 1
    assert "<script" not in html


def test_statistics_page_over_time_never_draws_a_count_under_5(client, law):
    _held()
    _held()

    html = _page(client)

    assert _row(html, "held-over-time", "March 2021") == ["fewer than 5", "0"]
    line = re.search(r'<path d="([^"]*)" class="line">', _section(html, "held-over-time")).group(1)
    assert line.count("M") == 1 and line.count("L") == 13  # the 14 months before March 2021, at 0
    assert "No month has 5 or more to draw" in _section(html, "recognitions")


def test_statistics_page_over_time_counts_only_published_people(client, law):
    for _ in range(5):
        _held()
    for _ in range(4):
        _held(publish=False)

    html = _page(client)

    assert _row(html, "held-over-time", "April 2021") == ["5", "0"]


def test_statistics_page_over_time_does_not_date_a_release_whose_entry_is_not_public(client, law):
    cases = [_held() for _ in range(6)]
    for case in cases[:5]:
        services.record_release(
            case=case, how=choices.ReleaseKind.AMNESTY, date=D(2023, 1, 20), is_public=False
        )

    html = _page(client)

    assert _row(html, "releases", "January 2023") == ["0"]
    assert "People counted in no month, their date known only to the year or not at all: 5." in html
    # Out since a day the public may not know: "may have been held" from the detention, not held.
    assert _row(html, "held-over-time", "February 2023") == ["fewer than 5", "5"]
    assert "amnesty" not in _section(html, "releases-by-how")


def test_statistics_page_over_time_places_a_detention_known_to_the_year_in_december(client, law):
    for _ in range(5):
        _held(detained=D(2021, 1, 1), precision=choices.DatePrecision.YEAR)

    html = _page(client)

    assert _row(html, "held-over-time", "June 2021") == ["0", "5"]
    assert _row(html, "held-over-time", "December 2021") == ["5", "0"]
    assert "People who could not be placed, in the month with the most: 5." in html


def test_statistics_page_over_time_is_in_belarusian_and_russian(client, law):
    for _ in range(5):
        _held()

    belarusian, russian = _page(client, "be"), _page(client, "ru")

    assert "Людзі пад вартай, па месяцах" in belarusian
    assert "Люди под стражей, по месяцам" in russian
    assert _row(belarusian, "held-over-time", "сакавік 2021") == ["5", "0"]
    assert _row(russian, "held-over-time", "март 2021") == ["5", "0"]
