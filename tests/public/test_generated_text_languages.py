"""The sentences the registry writes (risk reasons, timeline entries) are shown in the page's
language, and the API gives them in the language asked for (issue 20, point 1)."""

from django.urls import reverse

from cases.models import RiskAssessment
from cases.risk.assessment import assess_case
from tests.api.conftest import make_published_case
from tests.factories import in_language


def _person_page(client, case, language):
    url = in_language(reverse("public:person-detail", args=[case.person.slug]), language)
    return client.get(url).content.decode()


def test_the_risk_reason_is_in_the_language_of_the_page(client, law):
    case = make_published_case(charges=("289.3",))
    assess_case(case_id=case.pk)

    english = _person_page(client, case, "en")
    russian = _person_page(client, case, "ru")
    belarusian = _person_page(client, case, "be")

    assert "carries the death penalty in Belarus and no exemption applies" in english
    assert "Обвинение по ч. 3 ст. 289" in russian and "ни одно исключение не применимо" in russian
    assert "Абвінавачванне па ч. 3 арт. 289" in belarusian
    assert "ніводнае выключэнне не ўжываецца" in belarusian
    assert "carries the death penalty" not in russian + belarusian


def test_the_level_change_the_registry_wrote_is_in_the_language_of_the_page(client, law):
    case = make_published_case(charges=("289.3",))
    assess_case(case_id=case.pk)

    russian = _person_page(client, case, "ru")

    assert "Риск смертной казни:" in russian
    assert "Risk of the death penalty:" not in russian


def test_a_reason_stored_as_english_before_is_marked_as_english(client, law):
    case = make_published_case(charges=("289.3",))
    assessment = assess_case(case_id=case.pk)
    legacy = [{k: v for k, v in r.items() if k not in ("code", "params")} for r in assessment.reasons]
    RiskAssessment.objects.filter(pk=assessment.pk).update(reasons=legacy)

    belarusian = _person_page(client, case, "be")

    assert '<span lang="en">The charge under art. 289 part 3' in belarusian
    assert "(па-англійску: напісана да перакладу гэтага тэксту)" in belarusian
