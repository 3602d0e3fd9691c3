"""Free text in several languages (issue 20, point 3): the pure choice of what a reader is shown,
the rules translations are written by, and every path that writes, keeps or carries them."""

import csv
import datetime
import io
import json

import pytest
from django.utils import translation

from cases import choices, services
from cases.content_languages import (
    LocalizedText,
    TranslationsRefused,
    clean_translations,
    localized,
)
from cases.exceptions import RefusedChange
from cases.models import CaseEvent, ChangeRecord, Person, refusal_text
from cases.services.merging import merge_people, undo_merge
from cases.transfer.exporting import export_registry_csv, import_registry_json
from tests.cases.test_export import _empty_registry, _json
from tests.factories import CaseFactory, PersonFactory, UserFactory, jurisdiction

D = datetime.date
PERSON_FIELDS = {"occupation": 200, "biography": None}


# What a reader is shown (pure) ---------------------------------------------------------------


def test_a_reader_of_the_originals_language_gets_the_original():
    assert localized("Инженер.", "ru", {"be": {"biography": "Інжынер."}}, "biography", "ru") == LocalizedText(
        "Инженер.", "ru", False
    )


def test_a_reader_of_another_language_gets_its_translation():
    translations = {"be": {"biography": "Інжынер."}}
    assert localized("Инженер.", "ru", translations, "biography", "be") == LocalizedText(
        "Інжынер.", "be", False
    )


def test_without_a_translation_into_the_readers_language_the_original_is_the_fallback():
    translations = {"en": {"biography": "An engineer."}}
    assert localized("Инженер.", "ru", translations, "biography", "be") == LocalizedText(
        "Инженер.", "ru", True
    )


def test_a_translation_of_another_field_or_a_blank_one_does_not_count():
    translations = {"be": {"occupation": "інжынер", "biography": "  "}}
    assert localized("Инженер.", "ru", translations, "biography", "be").is_original_fallback


def test_an_empty_original_falls_back_to_the_first_translation_there_is():
    translations = {"ru": {"text": "Переведён."}, "be": {"text": "Пераведзены."}}
    assert localized("", "en", translations, "text", "en") == LocalizedText("Пераведзены.", "be", True)


def test_nothing_written_in_any_language_is_nothing():
    assert localized("", "en", {}, "text", "be") == LocalizedText("", "", False)


def test_a_language_the_site_does_not_have_reads_the_original():
    assert localized("An engineer.", "en", None, "biography", "de") == LocalizedText(
        "An engineer.", "en", True
    )


# The rules translations are written by (pure) --------------------------------------------------


def test_translations_are_kept_in_the_order_of_the_languages_and_fields_without_blanks():
    cleaned = clean_translations(
        {"ru": {"biography": "Б", "occupation": "О"}, "be": {"biography": " "}, "en": {}},
        fields=PERSON_FIELDS,
        original_language="en",
    )
    assert cleaned == {"ru": {"occupation": "О", "biography": "Б"}}
    assert list(cleaned["ru"]) == ["occupation", "biography"]


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ({"de": {"biography": "x"}}, "Unknown language de in the translations: write them in en, be, ru."),
        ({"be": {"notes": "x"}}, "Unknown field notes in the be translations: only occupation, biography"),
        (
            {"ru": {"biography": "x"}},
            "The original is written in ru, so a ru translation would never be shown",
        ),
        ({"be": "x"}, "The be translations are written per field"),
        (["be"], "Translations are written per language and field"),
        ({"be": {"biography": 5}}, "The be translation of biography must be text."),
        ({"be": {"occupation": "x" * 201}}, "at most 200 fit, as in the original"),
    ],
)
def test_translations_that_cannot_be_stored_are_refused_with_the_reason(translations, message):
    with pytest.raises(TranslationsRefused, match=message):
        clean_translations(translations, fields=PERSON_FIELDS, original_language="ru")


def test_a_refusal_is_told_in_the_reader_s_language():
    with pytest.raises(TranslationsRefused) as refused:
        clean_translations({"be": {"occupation": "x" * 201}}, fields=PERSON_FIELDS, original_language="ru")

    with translation.override("be"):
        belarusian = refusal_text(refused.value)
    with translation.override("ru"):
        russian = refusal_text(refused.value)
    assert refused.value.message["code"] == "translations.too_long"
    assert "не больш за 200" in belarusian
    assert "не больше 200" in russian


def test_an_empty_translation_in_the_originals_language_is_no_translation():
    assert clean_translations({"ru": {"biography": ""}}, fields=PERSON_FIELDS, original_language="ru") == {}


# Writing them through the services -------------------------------------------------------------


@pytest.fixture
def person(law):
    return CaseFactory().person


def test_a_person_is_written_with_the_language_of_the_original_and_translations(law):
    person = services.create_person(
        names=[services.NameSpec("Выдуманы Чалавек", "be_cyrl", "official_be", is_primary=True)],
        biography="Настаўнік з Мазыра.",
        content_language="be",
        translations={"ru": {"biography": "Учитель из Мозыря."}},
    )

    person.refresh_from_db()
    assert person.content_language == "be"
    assert person.localized("biography", "ru").text == "Учитель из Мозыря."


def test_a_new_record_is_written_in_the_configured_language_unless_told(settings, law):
    settings.CONTENT_LANGUAGE = "ru"
    person = services.create_person(
        names=[services.NameSpec("Выдуманы Чалавек", "be_cyrl", "official_be", is_primary=True)]
    )
    assert person.content_language == "ru"


def test_the_service_refuses_an_unknown_language_with_a_clear_message(person):
    with pytest.raises(RefusedChange) as refused:
        services.update_person(person=person, translations={"pl": {"biography": "Inżynier."}})

    assert refused.value.message_dict == {
        "translations": ["Unknown language pl in the translations: write them in en, be, ru."]
    }
    person.refresh_from_db()
    assert person.translations == {}


def test_the_service_refuses_a_field_that_is_not_translatable(person):
    with pytest.raises(RefusedChange, match="only occupation, biography can be translated here"):
        services.update_person(person=person, translations={"be": {"internal_notes": "сакрэт"}})


def test_an_event_refuses_a_translation_of_a_person_field(person):
    with pytest.raises(RefusedChange, match="Unknown field biography in the be translations: only text"):
        services.record_event(
            case=person.cases.get(),
            kind=choices.EventKind.OTHER,
            date=D(2023, 1, 1),
            text="Visited by a lawyer.",
            translations={"be": {"biography": "x"}},
        )


def test_changing_the_language_of_the_original_refuses_a_translation_now_in_that_language(person):
    services.update_person(
        person=person, biography="An engineer.", translations={"ru": {"biography": "Инженер."}}
    )

    with pytest.raises(RefusedChange, match="The original is written in ru"):
        services.update_person(person=person, content_language="ru")


def test_history_keeps_the_old_translation(person):
    editor = UserFactory()
    services.update_person(person=person, translations={"be": {"biography": "Першая версія."}}, by=editor)
    services.update_person(person=person, translations={"be": {"biography": "Другая версія."}}, by=editor)

    versions = list(person.history.order_by("history_id").values_list("translations", flat=True))

    assert versions[-2:] == [{"be": {"biography": "Першая версія."}}, {"be": {"biography": "Другая версія."}}]
    assert person.history.order_by("history_id").last().history_user == editor


def test_a_translation_is_a_public_change_of_the_person(person):
    services.publish_person(person=person)
    person.refresh_from_db()
    before = person.updated_at

    services.update_person(person=person, translations={"be": {"biography": "Інжынер."}})

    person.refresh_from_db()
    assert person.updated_at > before
    latest = ChangeRecord.objects.filter(person=person).order_by("-id").first()
    assert (latest.action, latest.is_public) == (ChangeRecord.Action.UPDATED, True)


def test_an_event_edited_as_a_detail_keeps_its_translations_cleaned(person):
    event = services.record_event(
        case=person.cases.get(),
        kind=choices.EventKind.OTHER,
        date=D(2023, 1, 1),
        text="Visited by a lawyer.",
    )
    event.translations = {"ru": {"text": "Посещение адвоката."}, "be": {"text": ""}}

    services.save_detail(instance=event)

    event.refresh_from_db()
    assert (event.content_language, event.translations) == ("en", {"ru": {"text": "Посещение адвоката."}})


# A merge takes a text with its language ----------------------------------------------------------


def test_a_merge_takes_the_texts_of_the_merged_record_with_their_language_and_undo_returns_them(law):
    publisher = UserFactory(is_superuser=True)
    kept = PersonFactory()
    merged = PersonFactory(
        names=[("Іншае Імя", "be_cyrl", "official_be", True)],
        biography="Інжынер.",
        content_language="be",
        translations={"ru": {"biography": "Инженер."}},
    )

    merge = merge_people(kept=kept, merged=merged, by=publisher)

    kept.refresh_from_db()
    assert (kept.biography, kept.content_language, kept.translations) == (
        "Інжынер.",
        "be",
        {"ru": {"biography": "Инженер."}},
    )
    undo_merge(merge=merge, by=publisher)
    kept.refresh_from_db()
    assert (kept.biography, kept.content_language, kept.translations) == ("", "en", {})


def test_a_merge_never_puts_a_text_into_a_record_that_writes_in_another_language(law):
    publisher = UserFactory(is_superuser=True)
    kept = PersonFactory(occupation="engineer", content_language="en")
    merged = PersonFactory(
        names=[("Іншае Імя", "be_cyrl", "official_be", True)], biography="Інжынер.", content_language="be"
    )

    merge_people(kept=kept, merged=merged, by=publisher)

    kept.refresh_from_db()
    assert (kept.occupation, kept.biography, kept.content_language) == ("engineer", "", "en")


# Carried by the exports ---------------------------------------------------------------------------


def _translated_person():
    person = services.create_person(
        names=[services.NameSpec("Выдуманы Чалавек", "be_cyrl", "official_be", is_primary=True)],
        biography="Настаўнік.",
        content_language="be",
        translations={"en": {"biography": "A teacher."}},
    )
    case = services.create_case(person=person, jurisdiction=jurisdiction())
    services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=D(2023, 1, 1),
        text="Перавезены.",
        content_language="be",
        translations={"ru": {"text": "Перевезён."}},
        is_public=True,
    )
    services.publish_person(person=person)
    return person


def test_a_staff_export_carries_the_translations_into_an_empty_registry(law):
    _translated_person()
    exported = _json("staff")
    _empty_registry()

    import_registry_json(io.StringIO(exported), by=UserFactory())

    person = Person.objects.get()
    assert (person.content_language, person.translations) == ("be", {"en": {"biography": "A teacher."}})
    event = CaseEvent.objects.get(kind=choices.EventKind.OTHER)
    assert (event.content_language, event.translations) == ("be", {"ru": {"text": "Перевезён."}})


def test_an_import_refuses_translations_that_break_the_rules(law):
    _translated_person()
    document = json.loads(_json("staff"))
    document["people"][0]["translations"] = {"xx": {"biography": "?"}}
    _empty_registry()

    with pytest.raises(RefusedChange, match="Unknown language xx"):
        import_registry_json(io.StringIO(json.dumps(document)), by=UserFactory())
    assert not Person.objects.exists()


def test_the_public_exports_carry_the_translations_as_the_api_shows_them(law):
    _translated_person()

    record = json.loads(_json("public"))["people"][0]
    out = io.StringIO()
    export_registry_csv(out, "public")
    row = next(csv.DictReader(io.StringIO(out.getvalue())))

    assert (record["content_language"], record["translations"]) == ("be", {"en": {"biography": "A teacher."}})
    event = next(e for e in record["cases"][0]["events"] if e["kind"] == choices.EventKind.OTHER)
    assert (event["content_language"], event["translations"]) == ("be", {"ru": {"text": "Перевезён."}})
    assert row["content_language"] == "be"
    assert json.loads(row["translations"]) == {"en": {"biography": "A teacher."}}


# Rows written before languages were recorded --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_labels_existing_text_by_its_script(law):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("cases", "0035_hearings")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldPerson = old.get_model("cases", "Person")  # noqa: N806
    texts = {
        "english": "An engineer from Hrodna.",
        "russian": "Инженер из Гродно, отец двоих детей.",
        "belarusian": "Інжынер з Гродна, бацька дваіх дзяцей.",
        "empty": "",
    }
    ids = {
        what: OldPerson.objects.create(slug=f"p-{what}", biography=text).pk for what, text in texts.items()
    }

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    labels = dict(Person.objects.filter(pk__in=ids.values()).values_list("pk", "content_language"))
    assert {what: labels[pk] for what, pk in ids.items()} == {
        "english": "en",
        "russian": "ru",
        "belarusian": "be",
        "empty": "en",
    }
