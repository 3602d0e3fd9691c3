"""After the verdict (issue 18, point 4; RISK_RULES.md): a conviction with a sentence other than
death is `watch` until the verdict is final, then that charge no longer counts. The day the
verdict became final is a partial, sourced (claimed) fact of the case; recording it re-assesses
the case like any edit, a contested final date never lowers the level, and a final date known
only to the month takes effect once the month is over (the nightly pass).

These tests commit for real (transactional database), because assessments are queued on commit.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Case, RiskAlert
from cases.risk import assessment
from cases.services import claims
from tests.factories import CaseFactory, PersonFactory, SourceFactory, article

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
TERM = choices.SentenceKind.DEPRIVATION_OF_LIBERTY
VERDICT = D(2024, 7, 1)


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def convicted(law):
    """A man convicted under art. 289 part 3 and sentenced to 15 years; the final date unknown."""
    person = PersonFactory(sex="male", birth_date=D(1985, 4, 2), is_official_or_military=False)
    case = CaseFactory(person=person, detention_date=D(2023, 3, 1))
    charge = services.add_charge(
        case=case, article=article("289.3"), offence_date=D(2023, 2, 20), charged_on=D(2023, 3, 2)
    )
    services.end_charge(charge=charge, state=choices.ChargeState.CONVICTED, on=VERDICT)
    services.update_case(case=_reload(case), verdict_date=VERDICT, sentence_kind=TERM, sentence_years=15)
    return _reload(case)


def _rules(case) -> list[str]:
    return [reason["rule"] for reason in case.assessments.first().reasons]


def test_conviction_with_a_term_is_watch_until_the_final_date_is_recorded(convicted):
    assert convicted.risk_level == "watch"
    assert _rules(convicted) == ["conviction_not_final"]
    # Before the verdict the charge was critical: the history keeps that level.
    assert list(convicted.assessments.order_by("id").values_list("level", flat=True)) == ["critical", "watch"]


def test_recording_the_final_date_ends_the_charges_risk_with_a_reason_history_and_an_alert(convicted):
    services.update_case(case=convicted, verdict_final_on=D(2024, 9, 20), verdict_final_on_precision="day")

    case = _reload(convicted)
    assert (case.risk_level, case.risk_stale) == ("none", False)
    assert _rules(case) == ["verdict_final"]
    assert "became final on 2024-09-20" in case.assessments.first().reasons[0]["text"]
    latest_alert = RiskAlert.objects.filter(case=case).order_by("-id").first()
    assert (latest_alert.old_level, latest_alert.new_level) == ("watch", "none")
    assert list(case.history.values_list("verdict_final_on", flat=True))[:2] == [D(2024, 9, 20), None]


def test_final_date_known_to_the_month_takes_effect_when_the_month_is_over(convicted):
    services.update_case(case=convicted, verdict_final_on=D(2024, 9, 1), verdict_final_on_precision="month")

    assessment.assess_case(case_id=convicted.pk, on=D(2024, 9, 25))
    assert _reload(convicted).risk_level == "watch"

    report = assessment.assess_all_cases(on=D(2024, 10, 1))

    assert _reload(convicted).risk_level == "none"
    assert report.assessed >= 1


def test_a_contested_final_date_never_lowers_the_level(convicted):
    court = SourceFactory(reliability=choices.SourceReliability.DOCUMENTARY)
    lawyer = SourceFactory(reliability=choices.SourceReliability.FIRST_HAND)
    first = claims.record_claim(
        fact="case.verdict_final_on",
        person=convicted.person,
        case=convicted,
        value={"date": "2025-01-10", "precision": "day"},
        source=court,
    )
    # The lawyer says the appeal was decided only in February: on 1 February that is not certain.
    second = claims.record_claim(
        fact="case.verdict_final_on",
        person=convicted.person,
        case=convicted,
        value={"date": "2025-02-01", "precision": "month"},
        source=lawyer,
    )
    assert (first.state, second.state) == (choices.ClaimState.ACCEPTED, choices.ClaimState.CONFLICTING)
    assert _reload(convicted).verdict_final_on == D(2025, 1, 10)

    assessment.assess_case(case_id=convicted.pk, on=D(2025, 2, 1))

    case = _reload(convicted)
    assert case.risk_level == "watch"
    assert "contested_fact" in _rules(case)
    assert "verdict_final" in _rules(case)  # what the accepted final date says, beside the doubt


def test_final_date_is_a_claimed_fact_written_through_the_services(convicted):
    claim = claims.record_claim(
        fact="case.verdict_final_on",
        person=convicted.person,
        case=convicted,
        value={"date": "2024-09-20", "precision": "day"},
        source=SourceFactory(),
    )

    case = _reload(convicted)
    assert claim.state == choices.ClaimState.ACCEPTED
    assert (case.verdict_final_on, case.verdict_final_on_precision) == (D(2024, 9, 20), "day")
    assert case.risk_level == "none"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"verdict_final_on": D(2024, 6, 30), "verdict_final_on_precision": "day"}, "before the day"),
        # Known to the month: June 2024 is over before a verdict of 1 July 2024.
        ({"verdict_final_on": D(2024, 6, 1), "verdict_final_on_precision": "month"}, "before the day"),
        (
            {
                "verdict_date": None,
                "sentence_kind": "",
                "sentence_years": None,
                "verdict_final_on": D(2024, 9, 1),
            },
            "only once there is a verdict",
        ),
    ],
)
def test_final_date_before_the_verdict_or_without_one_is_refused(convicted, changes, field):
    with pytest.raises((RefusedChange, ValidationError)) as refused:
        services.update_case(case=convicted, **changes)

    assert field in str(refused.value)
    assert _reload(convicted).verdict_final_on is None


def test_final_date_known_to_the_year_of_the_verdict_is_accepted(convicted):
    # 2024 as a year starts before the verdict of 1 July 2024 but may well follow it.
    services.update_case(case=convicted, verdict_final_on=D(2024, 1, 1), verdict_final_on_precision="year")

    assert _reload(convicted).verdict_final_on == D(2024, 1, 1)
