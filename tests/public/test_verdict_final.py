"""The day the verdict became final (issue 18, point 4) is public, with its sources, on the person
page and in the API; a confidential source stays "a confidential source". Names are invented."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.services import claims
from tests.api.conftest import make_published_case
from tests.factories import SourceFactory, in_language

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def sentenced(law):
    case = make_published_case()
    services.update_case(
        case=case,
        status="convicted",
        verdict_date=D(2022, 6, 1),
        sentence_kind="deprivation_of_liberty",
        sentence_years=3,
    )
    return case


def _page(client, case, language="en") -> str:
    url = reverse("public:person-detail", kwargs={"slug": case.person.slug})
    return client.get(in_language(url, language)).content.decode()


@pytest.mark.parametrize(
    ("language", "label", "month"),
    [("en", "Verdict final", "August 2022"), ("be", "Прысуд уступіў у законную сілу", "жнівень 2022"),
     ("ru", "Приговор вступил в законную силу", "август 2022")],
)  # fmt: skip
def test_person_page_shows_the_final_date_as_far_as_it_is_known_with_its_source(
    client, sentenced, language, label, month
):
    court = SourceFactory(title="Synthetic court register", confidential=False)
    claims.record_claim(
        fact="case.verdict_final_on",
        person=sentenced.person,
        case=sentenced,
        value={"date": "2022-08-01", "precision": "month"},
        source=court,
    )

    html = _page(client, sentenced, language)

    assert f"<dt>{label}</dt>" in html
    assert f'<time datetime="2022-08">{month}</time>' in html
    final = html[html.index(f"<dt>{label}</dt>") :].split("</dd>", 1)[0]
    assert '<sup class="ref"><a href="#source-' in final  # its footnote reference


def test_person_page_says_nothing_of_a_final_date_not_recorded(client, sentenced):
    assert "Verdict final" not in _page(client, sentenced)


def test_api_gives_the_final_date_and_its_claim_with_a_confidential_source_as_null(client, sentenced):
    secret = SourceFactory(title="Synthetic informant CANARYfinal", confidential=True, url="")
    claims.record_claim(
        fact="case.verdict_final_on",
        person=sentenced.person,
        case=sentenced,
        value={"date": "2022-08-15", "precision": "day"},
        source=secret,
    )

    record = client.get(f"/api/v1/cases/{sentenced.public_id}/").json()

    assert (record["verdict_final_on"], record["verdict_final_on_precision"]) == ("2022-08-15", "day")
    claim = next(c for c in record["claims"] if c["fact"] == "case.verdict_final_on")
    assert claim["source"] is None and claim["source_confidential"] is True
    assert "CANARYfinal" not in str(record)
