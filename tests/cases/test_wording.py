"""What the registry writes itself is stored as a message (a code with parameters) and rendered in
the reader's language (cases.wording, docs/languages.md)."""

import re
from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from cases import choices
from cases.migrations import __name__ as migrations_package
from cases.risk import rules as risk
from cases.wording import catalogue
from cases.wording.render import Renderer, render

LANGUAGES = ["be", "ru"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Templates made of placeholders and signs only: the same in every language.
LANGUAGE_NEUTRAL = {"reclassified", "import.changes", "change.field", "import.refused"}
# Words that are spelled the same in Russian or Belarusian (a fine is a "штраф" in both, so it
# differs from English anyway; nothing needs listing here yet).
SAME_IN_TRANSLATION: set[str] = set()


def _sample(code: str) -> dict:
    """A message of `code` with a plain value for each placeholder of its template."""
    names = PLACEHOLDER.findall(catalogue.TEMPLATES[code])
    return {"code": code, "params": {name: f"<{name}>" for name in names}}


@pytest.mark.parametrize("code", sorted(catalogue.TEMPLATES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_code_is_rendered_in_belarusian_and_russian(code, language):
    found = _sample(code)

    english, translated = render(found, "en"), render(found, language)

    for name in found["params"]:
        assert f"<{name}>" in translated, f"{code} in {language} drops %({name})s"
    if code not in LANGUAGE_NEUTRAL:
        assert translated != english, f"{code} has no {language} translation"


@pytest.mark.parametrize("key", sorted(catalogue.TERMS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_term_is_translated(key, language):
    with translation.override(language):
        translated = translation.gettext(catalogue.TERMS[key])

    assert translated and (translated != catalogue.TERMS[key] or key in SAME_IN_TRANSLATION), key


@pytest.mark.parametrize("kind", choices.EventKind.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_event_kind_is_named_in_belarusian_and_russian(kind, language):
    english = str(choices.EventKind(kind).label)
    with translation.override(language):
        assert str(choices.EventKind(kind).label) != english, kind


def test_every_code_the_rules_can_give_has_a_template():
    """The rules name their codes as literals: each must be in the catalogue, or `message()`
    raises when the reason is made (only on the path that makes it)."""
    with open(risk.__file__, encoding="utf-8") as rules_source:
        source = rules_source.read()
    used = set(re.findall(r'message\(\s*"(\w+)"', source))
    used |= set(re.findall(r'"(\w+)" if len\(unknown\) == 1 else "(\w+)"', source)[0])
    assert used and used <= set(catalogue.TEMPLATES), used - set(catalogue.TEMPLATES)
    terms = set(re.findall(r'term\(\s*"([\w.]+)"', source))
    assert terms <= set(catalogue.TERMS), terms - set(catalogue.TERMS)


def test_every_claim_fact_that_moves_a_level_has_a_term():
    from cases.claims import facts

    relevant = {key for key, spec in facts.FACTS.items() if spec.risk_relevant}

    assert {f"claim.{key}" for key in relevant} <= set(catalogue.TERMS)


# A real reason, end to end --------------------------------------------------------------------

LAW = risk.LawFacts(code="BY", name="Belarus", death_penalty="active", exemptions=("female",))
MAN = risk.PersonFacts(
    sex="male", birth_date=date(1990, 1, 1), birth_date_precision="day", is_official_or_military=None
)
CASE = risk.CaseFacts(sentence_kind="", verdict_date=None)


def _charge(number="289", part="3", **fields):
    article = risk.ArticleFacts(
        number=number,
        part=part,
        capital=True,
        capital_since=None,
        capital_for_attempt_since=date(2022, 5, 29),
        category="terrorism",
        title_en="Act of terrorism",
    )
    facts = {
        "id": 1,
        "article": article,
        "stage": "completed",
        "state": "active",
        "offence_date": date(2023, 1, 1),
    }
    return risk.ChargeFacts(**{**facts, **fields})


def _reason(**charge):
    return risk.assess(
        person=MAN, case=CASE, charges=[_charge(**charge)], law=LAW, on=date(2026, 1, 1)
    ).reasons[0]


@pytest.mark.django_db  # article titles are looked up in the law data
def test_a_capital_charge_reason_reads_in_each_language():
    reason = _reason()

    assert reason.code == "capital_charge"
    assert reason.text == (
        "The charge under art. 289 part 3 (Act of terrorism) carries the death penalty in Belarus and no "
        "exemption applies."
    )
    stored = {"code": reason.code, "params": reason.params}
    assert render(stored, "en") == reason.text
    russian = render(stored, "ru")
    assert russian.startswith("Обвинение по ч. 3 ст. 289") and "Беларусь" in russian
    belarusian = render(stored, "be")
    assert belarusian.startswith("Абвінавачванне па ч. 3 арт. 289") and "Беларусь" in belarusian


@pytest.mark.django_db  # article titles are looked up in the law data
def test_a_reason_inside_a_reason_is_rendered_in_the_same_language():
    sentenced = risk.CaseFacts(sentence_kind="deprivation_of_liberty", verdict_date=date(2024, 7, 1))
    reason = risk.assess(
        person=MAN, case=sentenced, charges=[_charge(state="convicted")], law=LAW, on=date(2026, 1, 1)
    ).reasons[0]

    assert reason.code == "conviction_not_final"
    assert catalogue.codes_in(reason.message) >= {
        "conviction_not_final",
        "conviction_dated",
        "capital_charge",
    }
    russian = render(reason.message, "ru")
    assert "(наказание: лишение свободы)" in russian
    assert "До приговора: Обвинение по ч. 3 ст. 289" in russian


@pytest.mark.django_db  # article titles are looked up in the law data
def test_unknown_facts_are_listed_with_the_languages_and():
    woman_unknown = risk.PersonFacts(
        sex="unknown", birth_date=None, birth_date_precision="unknown", is_official_or_military=None
    )
    law = risk.LawFacts(
        code="BY", name="Belarus", death_penalty="active", exemptions=("female", "under_18_at_offence")
    )
    reason = risk.assess(
        person=woman_unknown, case=CASE, charges=[_charge()], law=law, on=date(2026, 1, 1)
    ).reasons[0]

    assert reason.code == "capital_unknown_facts"
    assert "пол чалавека і дата нараджэння чалавека" in render(reason.message, "be")


def test_a_message_of_unknown_code_is_refused_when_made():
    with pytest.raises(KeyError):
        catalogue.message("no_such_code")


def test_a_reason_stored_before_messages_is_shown_in_english_and_says_so():
    legacy = {"rule": "capital_charge", "level": "critical", "text": "The charge under art. 289 part 3 ..."}
    renderer = Renderer("be")

    assert renderer.render(legacy) == legacy["text"]
    assert renderer.language_of(legacy) == "en"


@pytest.mark.django_db
def test_article_titles_come_from_the_law_data_in_the_readers_language(law):
    from cases.models import Article

    article = Article.objects.get(jurisdiction__code="BY", number="289", part="3")
    found = catalogue.message(
        "subject", article={"article": {"law": "BY", "number": "289", "part": "3", "title": "x"}}
    )

    assert render(found, "ru") == f"Обвинение по ч. 3 ст. 289 ({article.title_ru})"
    assert render(found, "en") == "The charge under art. 289 part 3 (x)"


# Existing rows ---------------------------------------------------------------------------------


def _migration():
    import importlib

    return importlib.import_module(f"{migrations_package}.0036_event_message")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "risk_changed",
            "Risk of the death penalty: no identified risk → critical.",
            {"old": {"choice": ["RiskLevel", "none"]}, "new": {"choice": ["RiskLevel", "critical"]}},
        ),
        (
            "reclassified",
            "art. 218 part 2 → art. 289 part 3",
            {
                "from": {"notation": {"number": "218", "part": "2"}},
                "to": {"notation": {"number": "289", "part": "3"}},
            },
        ),
        (
            "reclassified",
            "art. 361-1 → art. 289",
            {
                "from": {"notation": {"number": "361-1", "part": ""}},
                "to": {"notation": {"number": "289", "part": ""}},
            },
        ),
        (
            "designated",
            "Included in the list “List X”: first seen in its snapshot of 2025-01-02; "
            "not in the one of 2024-12-01.",
            {"list": "List X", "seen": "2025-01-02", "after": "2024-12-01"},
        ),
    ],
)
def test_existing_entries_the_registry_wrote_are_read_back_into_messages(kind, text, expected):
    found = _migration().message_of(kind, text)

    assert found["params"] == expected
    assert render(found, "en") == text


def test_an_entry_a_person_wrote_stays_text():
    assert _migration().message_of("risk_changed", "Level raised after the hearing.") == {}
    assert _migration().message_of("detained", "art. 218 part 2 → art. 289 part 3") == {}


def test_dates_in_a_message_are_written_as_the_reader_s_language_writes_dates():
    sentenced = {"code": "death_sentence", "params": {"date": "2024-07-03"}}
    partly_known = {"code": "death_sentence", "params": {"date": "2024-07"}}

    assert "03.07.2024" in render(sentenced, "be")
    assert "03.07.2024" in render(sentenced, "ru")
    assert "2024-07-03" in render(sentenced, "en")  # the stored English texts keep ISO dates
    assert "ліпень 2024" in render(partly_known, "be").lower()
    assert "2024-07" not in render(partly_known, "ru")


def test_a_state_list_is_named_in_its_own_language_for_be_and_ru_readers_and_in_english_for_english():
    listed = risk.DesignationFacts(
        list_name="Перечень организаций и физических лиц, причастных к террористической деятельности",
        list_name_en="List of organisations and individuals involved in terrorist activity",
        listed_on=date(2024, 3, 1),
        listed_on_given=True,
    )
    person = replace(MAN, designations=(listed,))
    reason = risk.assess(person=person, case=CASE, charges=[], law=LAW, on=date(2026, 1, 1)).reasons[0]

    assert reason.code == "designated"
    assert "List of organisations and individuals involved in terrorist activity" in reason.text
    assert "Перечень организаций" in render(reason.message, "ru")
    assert "Перечень организаций" in render(reason.message, "be")
    assert "List of" not in render(reason.message, "be")
