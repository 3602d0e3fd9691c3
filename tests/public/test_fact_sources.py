"""Which source supports which fact on a public page (issue 17): footnotes per fact, public
sources that disagree said so, confidential sources only as "a confidential source", and the
page's query count flat in the number of claims. Every name here is invented."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import choices
from cases.services import claims
from tests.factories import SourceFactory, in_language
from tests.public.conftest import ALIAKSANDR, D, make_person

pytestmark = pytest.mark.django_db


def public_source(title):
    return SourceFactory(title=title, confidential=False, reliability=choices.SourceReliability.REPORTED)


def page(client, case) -> str:
    response = client.get(reverse("public:person-detail", args=[case.person.slug]))
    assert response.status_code == 200
    return response.content.decode()


def detained_line(html: str) -> str:
    return re.search(r"<dt>Detained</dt><dd>(.*?)</dd>", html, re.S).group(1)


def number_of(html: str, title: str) -> str:
    return re.search(rf'<li id="source-(\d+)">(?:<a [^>]*>)?{re.escape(title)}', html).group(1)


def test_each_fact_names_its_sources_and_says_where_public_sources_disagree(client, law):
    case = make_person(names=ALIAKSANDR, detention_date=None)
    first, second = public_source("Synthetic daily, 11 March"), public_source("Synthetic weekly, 14 March")
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=first
    )
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-12", source=second
    )

    html = page(client, case)

    line = detained_line(html)
    assert "March 10, 2021" in line and f'href="#source-{number_of(html, first.title)}"' in line
    assert "sources disagree: March 12, 2021 according to" in line
    assert f'href="#source-{number_of(html, second.title)}"' in line


def test_a_confidential_source_is_only_a_confidential_source_and_its_disagreement_is_not_told(client, law):
    case = make_person(names=ALIAKSANDR, detention_date=None)
    public = public_source("Synthetic daily")
    secret = SourceFactory(title="Synthetic informant CANARYsource", confidential=True, url="")
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=secret
    )
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=public
    )
    claims.record_claim(fact="case.status", person=case.person, case=case, value="convicted", source=secret)

    html = page(client, case)

    assert "CANARYsource" not in html
    assert re.search(r'<li id="source-(\d+)">a confidential source</li>', html)
    assert "Convicted" not in html and "convicted" not in html.split("<h2")[1]  # the secret word untold
    assert "sources disagree" not in html


def test_a_superseded_claim_and_its_only_source_leave_the_page(client, law):
    case = make_person(names=ALIAKSANDR, detention_date=None)
    wrong = public_source("Synthetic early rumour")
    claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value="2021-03-10",
        source=public_source("A"),
    )
    claim = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-04-10", source=wrong
    )
    claims.set_aside_claim(claim=claim, note="the rumour was wrong")

    html = page(client, case)

    assert wrong.title not in html and "April 2021" not in html


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        page(client, case)
    return len(ctx)


def test_the_person_page_takes_as_many_queries_with_200_claims_as_with_one(client, law):
    case = make_person(names=ALIAKSANDR, detention_date=None)
    claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value="2021-03-10",
        source=public_source("0"),
    )
    one = _queries(client, case)
    for n in range(1, 200):
        claims.record_claim(
            fact="case.detention_date",
            person=case.person,
            case=case,
            value=D(2021, 3, 10 + n % 5),
            source=public_source(f"Synthetic report {n}"),
        )
    from django.core.cache import cache

    cache.clear()

    assert _queries(client, case) == one


def test_a_value_edited_directly_is_not_credited_to_the_source_of_the_value_it_replaced(client, law):
    """Staff edited the detention date in the admin, without a claim: the page must not cite the
    source of the old value for the new one (the edit is the staff's unsourced word)."""
    from cases import services

    case = make_person(names=ALIAKSANDR, detention_date=None)
    daily = public_source("Synthetic daily, 11 March")
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=daily
    )
    services.update_case(case=case, detention_date=D(2021, 3, 9), detention_date_precision="day")

    line = detained_line(page(client, case))

    assert "March 9, 2021" in line
    assert "source-" not in line  # no footnote: nobody but staff said 9 March


def test_a_claim_is_credited_only_for_the_value_the_page_shows_whatever_its_state():
    """Defence in depth: a record changed outside the services (a data fix in SQL) must not credit
    the accepted claim's source with a value it never gave."""
    from types import SimpleNamespace

    from public import presenters

    said = SimpleNamespace(
        case_id=7,
        charge_id=None,
        stay_id=None,
        fact="case.detention_date",
        value={"date": "2021-03-10", "precision": "day"},
        state="accepted",
        source_id=1,
        source=SimpleNamespace(confidential=False),
    )
    shown = {(7, "case.detention_date"): {"date": "2021-03-09", "precision": "day"}}

    by_fact = presenters.fact_sources([said], shown, {1: 1}, None, "en")

    assert by_fact[(7, "detention_date")].refs == ()
    assert by_fact[(7, "detention_date")].others == (("March 10, 2021", (1,)),)


def test_the_place_of_detention_names_its_source_and_never_tells_another_unconfirmed_place(client, law):
    from cases import services
    from tests.factories import FacilityFactory

    case = make_person(names=ALIAKSANDR)
    colony, elsewhere = FacilityFactory(), FacilityFactory(name_en="Unconfirmed place CANARYplace")
    services.transfer_person(case=case, facility=colony, on=D(2022, 1, 10))
    letter = public_source("Synthetic letter from the colony")
    rumour = public_source("Synthetic rumour")
    for place, said_by in ((colony, letter), (elsewhere, rumour)):
        claims.record_claim(
            fact="case.facility", person=case.person, case=case, value=place.slug, source=said_by
        )

    html = page(client, case)

    held = re.search(r"<h3>Place of detention</h3>\s*<p>(.*?)</p>", html, re.S).group(1)
    assert f'href="#source-{number_of(html, letter.title)}"' in held
    assert elsewhere.slug not in html and "CANARYplace" not in html


def charges_block(html: str) -> str:
    return re.search(r'<ul class="charges">(.*?)</ul>', html, re.S).group(1)


def test_a_charge_names_its_source_and_the_sources_of_its_stage_and_says_where_they_disagree(client, law):
    from cases import services
    from tests.factories import article

    case = make_person(names=ALIAKSANDR)
    indictment, rumour = public_source("Synthetic court record"), public_source("Synthetic channel")
    charge = services.add_charge(case=case, article=article("289.3"), source=indictment)
    claims.record_claim(
        fact="charge.stage",
        person=case.person,
        case=case,
        charge=charge,
        value="completed",
        source=indictment,
    )
    claims.record_claim(
        fact="charge.stage", person=case.person, case=case, charge=charge, value="attempt", source=rumour
    )

    line = charges_block(page(client, case))

    assert f'href="#source-{number_of(page(client, case), indictment.title)}"' in line
    assert "sources disagree: attempt according to" in line
    assert f'href="#source-{number_of(page(client, case), rumour.title)}"' in line


def test_a_charge_from_a_confidential_source_is_footnoted_only_as_a_confidential_source(client, law):
    from cases import services
    from tests.factories import article

    case = make_person(names=ALIAKSANDR)
    secret = SourceFactory(title="Synthetic informant CANARYcharge", confidential=True, url="")
    services.add_charge(case=case, article=article("289.3"), source=secret)

    html = page(client, case)

    assert "CANARYcharge" not in html
    number = re.search(r'<li id="source-(\d+)">a confidential source</li>', html).group(1)
    assert f'href="#source-{number}"' in charges_block(html)


def test_a_charge_tells_its_offence_date_and_day_charged_with_their_sources_and_their_disagreement(
    client, law
):
    import datetime

    from cases import services
    from tests.factories import article

    case = make_person(names=ALIAKSANDR)
    indictment, rumour = public_source("Synthetic indictment"), public_source("Synthetic news channel")
    charge = services.add_charge(
        case=case,
        article=article("289.3"),
        source=indictment,
        offence_date=datetime.date(2022, 5, 10),
        charged_on=datetime.date(2022, 6, 1),
    )
    offence = {"date": "2022-05-10", "precision": "day"}
    claims.record_claim(
        fact="charge.offence_date",
        person=case.person,
        case=case,
        charge=charge,
        value=offence,
        source=indictment,
    )
    claims.record_claim(
        fact="charge.offence_date",
        person=case.person,
        case=case,
        charge=charge,
        value={"date": "2022-04-01", "precision": "month"},
        source=rumour,
    )

    html = page(client, case)
    line = charges_block(html)

    offence_part = line[line.index("offence") : line.index("charged")]
    assert 'datetime="2022-05-10"' in offence_part
    assert f'href="#source-{number_of(html, indictment.title)}"' in offence_part
    assert "sources disagree: April 2022 according to" in offence_part
    assert f'href="#source-{number_of(html, rumour.title)}"' in offence_part
    assert 'datetime="2022-06-01"' in line[line.index("charged") :]


def test_the_release_in_the_timeline_names_its_sources_and_says_where_they_disagree(client, law):
    case = make_person(names=ALIAKSANDR)
    statement, rumour = (
        public_source("Synthetic release statement"),
        public_source("Synthetic rumour channel"),
    )
    claims.record_claim(
        fact="case.released_on", person=case.person, case=case, value="2025-09-11", source=statement
    )
    claims.record_claim(
        fact="case.released_on", person=case.person, case=case, value="2025-09-12", source=rumour
    )

    html = page(client, case)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    [release] = [line for line in timeline.split("<li") if "released" in line]

    assert 'datetime="2025-09-11"' in release
    assert f'href="#source-{number_of(html, statement.title)}"' in release
    assert "sources disagree:" in release
    assert f'href="#source-{number_of(html, rumour.title)}"' in release


def test_the_day_a_stay_began_names_its_sources_on_the_place_and_on_the_transfer_entry(client, law):
    from cases import services
    from cases.models import FacilityStay
    from tests.factories import FacilityFactory

    case = make_person(names=ALIAKSANDR)
    sizo, colony = FacilityFactory(), FacilityFactory(name_en="Synthetic colony no. 99")
    services.transfer_person(case=case, facility=sizo, on=D(2021, 3, 3))
    services.transfer_person(case=case, facility=colony, on=D(2022, 1, 10))
    held_now = FacilityStay.objects.get(case=case, end_date__isnull=True)
    ended = FacilityStay.objects.get(case=case, facility=sizo)
    letter, weekly = public_source("Synthetic letter from the colony"), public_source("Synthetic weekly")
    claims.record_claim(
        fact="stay.start_date",
        person=case.person,
        case=case,
        stay=held_now,
        value={"date": "2022-01-10", "precision": "day"},
        source=letter,
    )
    claims.record_claim(  # another public source: the week after
        fact="stay.start_date",
        person=case.person,
        case=case,
        stay=held_now,
        value={"date": "2022-01-17", "precision": "day"},
        source=weekly,
    )
    claims.record_claim(  # the place of a past stay: not told, it may be unconfirmed
        fact="stay.facility",
        person=case.person,
        case=case,
        stay=ended,
        value=FacilityFactory(name_en="Unconfirmed place CANARYstay").slug,
        source=weekly,
    )

    html = page(client, case)

    held = re.search(r"<h3>Place of detention</h3>\s*<p>(.*?)</p>", html, re.S).group(1)
    since = held[held.index("since") :]
    assert f'href="#source-{number_of(html, letter.title)}"' in since
    assert "sources disagree: Jan. 17, 2022 according to" in since
    transfer = re.search(r"<strong>transferred</strong>: Synthetic colony no\. 99(.*?)</li>", html, re.S)
    assert transfer and f'href="#source-{number_of(html, letter.title)}"' in transfer.group(1)
    assert "CANARYstay" not in html


def test_a_stay_begun_in_a_month_known_only_in_part_says_so(client, law):
    from cases import services
    from cases.models import FacilityStay
    from tests.factories import FacilityFactory

    case = make_person(names=ALIAKSANDR)
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2021, 3, 3))
    stay = FacilityStay.objects.get(case=case)
    services.correct_stay(stay=stay, start_date=D(2021, 3, 1), start_date_precision="month")

    held = re.search(r"<h3>Place of detention</h3>\s*<p>(.*?)</p>", page(client, case), re.S).group(1)
    assert "since March 2021" in held


@pytest.mark.parametrize(
    ("language", "disagree", "according", "confidential"),
    [
        ("be", "крыніцы разыходзяцца:", "паводле", "канфідэнцыйная крыніца"),
        ("ru", "источники расходятся:", "по данным", "конфиденциальный источник"),
    ],
)
def test_the_footnotes_and_a_disagreement_read_in_the_pages_language(
    client, law, language, disagree, according, confidential
):
    case = make_person(names=ALIAKSANDR, detention_date=None)
    first, second = public_source("Synthetic daily"), public_source("Synthetic weekly")
    secret = SourceFactory(title="Synthetic informant", confidential=True, url="")
    for day, said_by in (("2021-03-10", first), ("2021-03-12", second)):
        claims.record_claim(
            fact="case.detention_date", person=case.person, case=case, value=day, source=said_by
        )
    claims.record_claim(fact="person.region", person=case.person, value="BY:minsk", source=secret)

    html = client.get(
        in_language(reverse("public:person-detail", args=[case.person.slug]), language)
    ).content.decode()

    assert disagree in html and f" {according} " in html and confidential in html
    assert "sources disagree" not in html and "a confidential source" not in html
