"""Staff work in their language (issue 20, point 5): the names of the registry's records and of
their fields, their help texts, the titles records give themselves, the country lists, and the
wording of the third-party admin apps read in Belarusian and Russian, and stay as they were in
English."""

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case, PartnerAPIKey, Release
from tests.factories import CaseFactory


def registry_models():
    return [m for m in apps.get_app_config("cases").get_models() if not m.__name__.startswith("Historical")]


def shown_fields(model):
    """The fields a screen can label: not the primary key, not the reverse side of a relation."""
    return [
        field
        for field in model._meta.get_fields()
        if not field.auto_created and not getattr(field, "primary_key", False) and field.concrete
    ]


def test_every_model_is_named_for_translation():
    unmarked = [
        model.__name__
        for model in registry_models()
        if not isinstance(model._meta.verbose_name, Promise)
        or not isinstance(model._meta.verbose_name_plural, Promise)
    ]

    assert unmarked == []


def test_a_records_versions_are_named_in_the_staff_language():
    history = Case.history.model

    with translation.override("en"):
        english = str(history._meta.verbose_name)
    with translation.override("be"):
        belarusian = str(history._meta.verbose_name)

    assert (english, belarusian) == ("historical case", "справа (гісторыя)")


def test_every_field_label_and_help_text_is_marked_for_translation():
    unmarked = [
        f"{model.__name__}.{field.name}"
        for model in registry_models()
        for field in shown_fields(model)
        if not isinstance(field.verbose_name, Promise)
        or (field.help_text and not isinstance(field.help_text, Promise))
    ]

    assert unmarked == []


def test_field_labels_keep_their_english_and_read_in_belarusian_and_russian():
    field = Case._meta.get_field("case_number")

    with translation.override("en"):
        english = str(field.verbose_name)
    with translation.override("be"):
        belarusian = str(field.verbose_name)
    with translation.override("ru"):
        russian = str(field.verbose_name)

    assert (english, belarusian, russian) == ("case number", "нумар справы", "номер дела")


def test_partner_keys_name_the_packages_fields_without_a_migration():
    created = PartnerAPIKey._meta.get_field("created")

    with translation.override("ru"):
        label = str(created.verbose_name)

    assert label == "создано"
    assert "verbose_name" not in created.deconstruct()[3]


def test_country_choices_are_named_and_ordered_in_the_active_language():
    field = Release._meta.get_field("destination_country")

    with translation.override("be"):
        belarusian = dict(field.choices)
        names = [name for _code, name in field.choices]
    with translation.override("en"):
        english = dict(field.choices)

    assert (belarusian["LT"], english["LT"]) == ("Літва", "Lithuania")
    assert names.index("Літва") < names.index("Польшча") < names.index("Швецыя")


@pytest.mark.django_db
def test_a_case_titles_itself_in_the_staff_language():
    case = CaseFactory(case_number="1-23/2024")

    with translation.override("ru"):
        title = str(case)

    assert title.endswith("— дело 1-23/2024")


def test_third_party_admin_apps_read_in_the_staff_language():
    key = TOTPDevice._meta.get_field("key")

    with translation.override("be"):
        app_name = str(apps.get_app_config("otp_totp").verbose_name)
        axes_name = str(apps.get_app_config("axes").verbose_name)
        model_name = str(TOTPDevice._meta.verbose_name_plural)
        label, help_text = str(key.verbose_name), str(key.help_text)

    assert app_name == "Праграмы-аўтэнтыфікатары"
    assert axes_name == "Блакаванне ўваходу"
    assert model_name == "праграмы-аўтэнтыфікатары (TOTP)"
    assert (label, help_text) == ("ключ", "Сакрэтны ключ да 40 байт у шаснаццатковым запісе.")


def test_third_party_names_leave_the_packages_migrations_alone():
    key = TOTPDevice._meta.get_field("key")

    keywords = key.deconstruct()[3]

    assert "verbose_name" not in keywords
    assert keywords["help_text"] == "A hex-encoded secret key of up to 40 bytes."
    assert TOTPDevice._meta.original_attrs["verbose_name"] == "TOTP device"
