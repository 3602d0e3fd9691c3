"""The law data in three languages: every article has a Belarusian title that says where it came
from, one function picks the title a reader is shown, and every choice label is translated."""

import shutil

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import translation

from cases import choices
from cases.models import Article, Facility, Region, article_title
from cases.models.law import reader_language
from cases.transfer.law_loader import DATA_DIR, LawDataError, load_law, read_jurisdiction
from tests.factories import FacilityFactory, article

REGISTRY = choices.TitleSource.REGISTRY_TRANSLATION


def _data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def _edit(path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# The shipped data --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["BY", "RU"])
def test_every_shipped_article_part_has_a_belarusian_title_with_a_known_source(code):
    articles = read_jurisdiction(code)["articles"]

    assert articles
    for values in articles:
        where = (code, values["number"], values["part"])
        assert values["title_be"].strip(), where
        assert values["title_be_source"] in choices.TitleSource.values, where


@pytest.mark.parametrize("code", ["BY", "RU"])
def test_no_shipped_belarusian_title_claims_to_be_the_official_text(code):
    """The official Belarusian text could not be consulted: a title may be marked `official` only
    once it is copied from it (then this test changes with the data, on purpose)."""
    sources = {values["title_be_source"] for values in read_jurisdiction(code)["articles"]}

    assert sources == {REGISTRY}


@pytest.mark.django_db
def test_loaded_articles_keep_their_belarusian_title_and_its_source(law):
    part = article("289.3")

    assert (part.title_be, part.title_be_source) == ("Акт тэрарызму", REGISTRY)
    assert not Article.objects.filter(title_be="").exists()
    assert not Article.objects.exclude(title_be_source=REGISTRY).exists()


# The loader's checks -----------------------------------------------------------------------------


def test_read_jurisdiction_refuses_an_article_without_a_belarusian_title_naming_it(tmp_path):
    data = _data(tmp_path)
    _edit(
        data / "registry" / "BY.yaml",
        '  - {article: "361-2", part: null, title_be: "Фінансаванне экстрэмісцкай дзейнасці", '
        "source: registry_translation}\n",
        "",
    )

    with pytest.raises(LawDataError, match=r"BY\.yaml art\. 361-2: no Belarusian title"):
        read_jurisdiction("BY", data)


def test_read_jurisdiction_refuses_an_empty_belarusian_title_naming_the_article(tmp_path):
    data = _data(tmp_path)
    _edit(data / "registry" / "RU.yaml", 'title_be: "Генацыд"', 'title_be: ""')

    with pytest.raises(LawDataError, match=r"titles_be, art\. 357: 'title_be' is empty"):
        read_jurisdiction("RU", data)


def test_read_jurisdiction_refuses_an_unknown_title_source_naming_the_article(tmp_path):
    data = _data(tmp_path)
    _edit(
        data / "registry" / "RU.yaml",
        'title_be: "Генацыд", source: registry_translation',
        'title_be: "Генацыд", source: machine',
    )

    with pytest.raises(
        LawDataError, match=r"art\. 357: .*'machine', not one of official, registry_translation"
    ):
        read_jurisdiction("RU", data)


def test_read_jurisdiction_refuses_a_title_without_a_source(tmp_path):
    data = _data(tmp_path)
    _edit(
        data / "registry" / "RU.yaml",
        'title_be: "Генацыд", source: registry_translation',
        'title_be: "Генацыд"',
    )

    with pytest.raises(LawDataError, match=r"art\. 357: the source of the Belarusian title is None"):
        read_jurisdiction("RU", data)


def test_read_jurisdiction_takes_a_belarusian_title_written_in_the_law_file_with_its_source(tmp_path):
    data = _data(tmp_path)
    _edit(
        data / "registry" / "RU.yaml",
        '  - {article: "357", part: null, title_be: "Генацыд", source: registry_translation}\n',
        "",
    )
    _edit(
        data / "law" / "RU.yaml",
        "  title_ru: Геноцид\n",
        "  title_ru: Геноцид\n  title_be: Генацыд\n  title_be_source: official\n",
    )

    genocide = next(a for a in read_jurisdiction("RU", data)["articles"] if a["number"] == "357")

    assert (genocide["title_be"], genocide["title_be_source"]) == ("Генацыд", "official")


def test_read_jurisdiction_refuses_a_belarusian_title_given_in_both_files(tmp_path):
    data = _data(tmp_path)
    _edit(
        data / "law" / "RU.yaml",
        "  title_ru: Геноцид\n",
        "  title_ru: Геноцид\n  title_be: Генацыд\n  title_be_source: official\n",
    )

    with pytest.raises(LawDataError, match=r"art\. 357: a Belarusian title both in the law file and in"):
        read_jurisdiction("RU", data)


@pytest.mark.django_db
def test_load_law_reports_a_changed_belarusian_title_and_applies_it(law, tmp_path):
    data = _data(tmp_path)
    _edit(data / "registry" / "RU.yaml", 'title_be: "Генацыд"', 'title_be: "Генацыд (арт. 357)"')

    report = load_law(["RU"], data_dir=data)

    assert report.changed == ["article RU art. 357: title_be: 'Генацыд' → 'Генацыд (арт. 357)'"]
    assert Article.objects.get(jurisdiction__code="RU", number="357").title_be == "Генацыд (арт. 357)"


@pytest.mark.django_db
def test_a_belarusian_title_without_its_source_is_refused_by_the_database(law):
    part = article("289.3")

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=part.pk).update(title_be_source="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=part.pk).update(title_be="")


# The one function that picks a title -------------------------------------------------------------


def _article(**titles) -> Article:
    values = {
        "title_en": "Act of terrorism",
        "title_ru": "Акт терроризма",
        "title_be": "",
        "title_be_source": "",
    }
    return Article(number="289", part="1", **{**values, **titles})


def test_article_title_in_belarusian_is_the_registrys_translation_with_a_note():
    part = _article(title_be="Акт тэрарызму", title_be_source=REGISTRY)

    with translation.override("be"):
        shown = article_title(part)

    assert (shown.text, shown.language, shown.registry_translation) == ("Акт тэрарызму", "be", True)
    with translation.override("be"):
        assert shown.note == "пераклад рэестра"
    with translation.override("ru"):
        assert shown.note == "перевод реестра"


def test_article_title_in_belarusian_from_the_official_text_has_no_note():
    part = _article(title_be="Акт тэрарызму", title_be_source=choices.TitleSource.OFFICIAL)

    with translation.override("be"):
        shown = article_title(part)

    assert (shown.text, shown.registry_translation, shown.note) == ("Акт тэрарызму", False, "")


def test_article_title_in_russian_and_english_is_their_own_title_without_a_note():
    part = _article(title_be="Акт тэрарызму", title_be_source=REGISTRY)

    with translation.override("ru"):
        russian = article_title(part)
    with translation.override("en"):
        english = article_title(part)

    assert (russian.text, russian.language, russian.note) == ("Акт терроризма", "ru", "")
    assert (english.text, english.language, english.note) == ("Act of terrorism", "en", "")


def test_article_title_in_belarusian_falls_back_to_russian_then_english():
    with translation.override("be"):
        russian = article_title(_article())
        english = article_title(_article(title_ru=""))

    assert (russian.text, russian.language, russian.registry_translation) == ("Акт терроризма", "ru", False)
    assert (english.text, english.language) == ("Act of terrorism", "en")


def test_article_title_takes_an_explicit_language_over_the_active_one():
    part = _article(title_be="Акт тэрарызму", title_be_source=REGISTRY)

    with translation.override("ru"):
        assert article_title(part, "be").text == "Акт тэрарызму"


@pytest.mark.parametrize(
    ("language", "reader"), [("be", "be"), ("be-by", "be"), ("ru-RU", "ru"), ("en-gb", "en"), ("de", "en")]
)
def test_reader_language_reads_a_region_and_takes_english_for_any_other(language, reader):
    assert reader_language(language) == reader


def test_facility_name_in_belarusian_falls_back_to_its_russian_name():
    facility = Facility(name_en="Pre-trial centre No. 1", name_ru="СИЗО № 1", name_be="")

    with translation.override("be"):
        assert facility.name() == "СИЗО № 1"
    assert facility.name("be") == "СИЗО № 1"
    assert facility.name("en") == "Pre-trial centre No. 1"


@pytest.mark.django_db
def test_every_shipped_region_has_a_belarusian_and_a_russian_name(law):
    regions = list(Region.objects.all())

    assert len(regions) == 8
    for region in regions:
        assert region.name_be and region.name_ru, region.code
        assert (region.name("be"), region.name("ru")) == (region.name_be, region.name_ru)


@pytest.mark.django_db
def test_facility_name_follows_the_active_language(law):
    facility = FacilityFactory(name_en="Prison No. 8", name_be="Турма № 8", name_ru="Тюрьма № 8")

    for language, name in (("en", "Prison No. 8"), ("be", "Турма № 8"), ("ru", "Тюрьма № 8")):
        with translation.override(language):
            assert facility.name() == name


# Every choice list -------------------------------------------------------------------------------


def _choice_classes(base=models.Choices):
    for cls in base.__subclasses__():
        if cls.__module__.startswith("cases."):
            yield cls
        yield from _choice_classes(cls)


CHOICE_LISTS = sorted(set(_choice_classes()), key=lambda c: (c.__module__, c.__qualname__))


def test_the_choice_lists_are_found():
    assert {choices.TitleSource, choices.CaseStatus, choices.FacilityKind, choices.Regime} <= set(
        CHOICE_LISTS
    )
    assert any(cls.__module__ != "cases.choices" for cls in CHOICE_LISTS)  # the models' own lists too


@pytest.mark.parametrize("cls", CHOICE_LISTS, ids=lambda cls: cls.__qualname__)
@pytest.mark.parametrize("language", ["be", "ru"])
def test_every_choice_label_is_translated_into_belarusian_and_russian(cls, language):
    with translation.override("en"):
        english = {value: str(label) for value, label in cls.choices}
    with translation.override(language):
        untranslated = [english[value] for value, label in cls.choices if str(label) == english[value]]

    assert untranslated == [], f"{cls.__qualname__} labels without a {language} translation"
