"""Death-row news on the public page (issue 18, point 3): public entries in the timeline in the
reader's language; an internal one (a family's word in confidence) never. Names are invented."""

import datetime

import pytest
from django.urls import reverse

from cases import choices, services
from tests.api.conftest import make_published_case
from tests.factories import in_language

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def sentenced(law):
    case = make_published_case(charges=("289.3",))
    services.update_case(case=case, status="convicted", verdict_date=D(2025, 2, 14), sentence_kind="death")
    services.record_death_row_event(
        case=case, kind=choices.EventKind.CLEMENCY_REFUSED, date=D(2025, 6, 1), is_public=True
    )
    services.record_death_row_event(
        case=case,
        kind=choices.EventKind.EXECUTION_REPORTED,
        date=D(2025, 7, 1),
        text="CANARYsign told to the lawyer",
        is_public=False,
    )
    return case


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "clemency refused"), ("be", "у памілаванні адмоўлена"), ("ru", "в помиловании отказано")],
)
def test_public_death_row_news_is_in_the_timeline_and_internal_news_is_not(
    client, sentenced, language, label
):
    url = reverse("public:person-detail", kwargs={"slug": sentenced.person.slug})
    html = client.get(in_language(url, language)).content.decode()

    assert label in html
    assert "CANARYsign" not in html
    assert "told the sentence was carried out" not in html and "приговор приведён" not in html


def test_the_api_gives_public_death_row_news_only(client, sentenced):
    events = client.get(f"/api/v1/events/?case={sentenced.public_id}").json()

    kinds = [e["kind"] for e in events["results"]]
    assert "clemency_refused" in kinds and "execution_reported" not in kinds
