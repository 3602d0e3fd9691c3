import datetime

from django.utils import translation

from cases import choices
from public import charts, presenters

D = datetime.date


def test_age_with_a_full_birth_date_is_exact():
    assert str(presenters.age_on(D(1990, 4, 12), "day", D(2024, 4, 11))) == "33"
    assert str(presenters.age_on(D(1990, 4, 12), "day", D(2024, 4, 12))) == "34"


def test_age_with_a_birth_year_only_is_a_range():
    age = presenters.age_on(D(1990, 1, 1), "year", D(2024, 6, 1))
    assert (age.low, age.high) == (33, 34)
    with translation.override("en"):
        assert str(age) == "33 or 34"


def test_age_with_a_birth_month_is_exact_outside_that_month():
    assert str(presenters.age_on(D(1990, 4, 1), "month", D(2024, 6, 1))) == "34"
    age = presenters.age_on(D(1990, 4, 1), "month", D(2024, 4, 15))
    assert (age.low, age.high) == (33, 34)


def test_age_without_a_birth_date_is_unknown():
    assert presenters.age_on(None, "unknown", D(2024, 1, 1)) is None


def test_shown_count_hides_counts_under_five():
    with translation.override("en"):
        assert [presenters.shown_count(n) for n in (0, 1, 4, 5, 120)] == [
            "0",
            "fewer than 5",
            "fewer than 5",
            "5",
            "120",
        ]


def test_article_ref_round_trips_numbers_with_hyphens():
    class A:
        number, part = "361-1", "2"

    assert presenters.article_ref(A, "BY") == "by-361-1.2"
    assert presenters.parse_article_ref("by-361-1.2") == ("BY", "361-1", "2")
    assert presenters.parse_article_ref("by-127") == ("BY", "127", "")
    assert presenters.parse_article_ref("nonsense") is None


def test_risk_notice_is_under_review_for_a_stale_case_whatever_its_level():
    class Case:
        risk_stale = True
        risk_level = "none"
        risk_status = "under_review"

    notice = presenters.risk_notice(Case, None)
    assert notice.kind == "review"


def test_risk_notice_is_absent_for_an_assessed_case_without_risk():
    class Case:
        risk_status = "none"

    assert presenters.risk_notice(Case, None) is None


def test_risk_notice_lists_the_reasons_in_plain_words():
    class Case:
        risk_status = "critical"

    class Assessment:
        reasons = [
            {"level": "critical", "text": "Charged under a capital article."},
            {"level": "watch", "text": "Watched article."},
        ]

    with translation.override("en"):
        notice = presenters.risk_notice(Case, Assessment)
    assert notice.kind == "danger"
    assert notice.title == "Critical risk of the death penalty"
    assert [reason.text for reason in notice.reasons] == ["Charged under a capital article."]


def test_bar_chart_draws_no_bar_for_a_small_count():
    with translation.override("en"):
        chart = charts.bar_chart(
            slug="x", title="t", description="d", label_heading="h", rows=[("a", 10), ("b", 3)]
        )
    big, small = chart.bars
    assert big.width > 0 and small.width == 0
    assert small.display == "fewer than 5"


def test_bar_chart_leaves_out_empty_rows():
    chart = charts.bar_chart(slug="x", title="t", description="d", label_heading="h", rows=[("a", 0)])
    assert chart.is_empty


def test_sentence_text_names_the_term_and_regime():
    class Case:
        sentence_kind = choices.SentenceKind.DEPRIVATION_OF_LIBERTY
        sentence_years = 3
        sentence_months = 6
        sentence_regime = "general"

        def get_sentence_kind_display(self):
            return "deprivation of liberty"

        def get_sentence_regime_display(self):
            return "general regime colony"

    with translation.override("en"):
        assert (
            presenters.sentence_text(Case())
            == "deprivation of liberty, 3 years 6 months (general regime colony)"
        )
