"""Factories for synthetic test data. Every name here is invented."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases import choices
from cases.models import Article, Case, Charge, Facility, Jurisdiction, Person, PersonName, Source


def article(notation: str, code: str = "BY") -> Article:
    """'289.3' -> art. 289 part 3 of the loaded law data; '127' -> an article without parts."""
    number, _, part = notation.partition(".")
    return Article.objects.get(jurisdiction__code=code, number=number, part=part)


def jurisdiction(code: str = "BY") -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@registry.test")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


class PersonFactory(factory.django.DjangoModelFactory):
    """A man of known birth date, not an official, with names in three forms."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    sex = choices.Sex.MALE
    birth_date = datetime.date(1990, 4, 12)
    birth_date_precision = choices.DatePrecision.DAY
    is_official_or_military = False
    slug = factory.Sequence(lambda n: f"test-person-{n}")

    @factory.post_generation
    def names(self, create, extracted, **kwargs):
        if not create:
            return
        forms = extracted or [
            ("Тэставы Явар", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
            ("Тестовый Явор", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU, False),
            ("Testavy Yavar", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, False),
        ]
        for text, script, kind, primary in forms:
            PersonName.objects.create(person=self, text=text, script=script, kind=kind, is_primary=primary)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    jurisdiction = factory.LazyFunction(jurisdiction)
    case_number = factory.Sequence(lambda n: f"TEST-{n:05d}")
    detention_date = datetime.date(2022, 3, 1)
    status = choices.CaseStatus.DETAINED


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charge

    case = factory.SubFactory(CaseFactory)
    article = factory.LazyFunction(lambda: article("342.1"))
    stage = choices.ChargeStage.COMPLETED
    offence_date = datetime.date(2022, 2, 20)
    charged_on = datetime.date(2022, 3, 2)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = choices.SourceKind.PUBLICATION
    title = factory.Sequence(lambda n: f"Synthetic report no. {n}")
    url = factory.Sequence(lambda n: f"https://example.org/report/{n}")
    confidential = False


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    jurisdiction = factory.LazyFunction(jurisdiction)
    slug = factory.Sequence(lambda n: f"facility-{n}")
    kind = choices.FacilityKind.PRE_TRIAL
    name_en = factory.Sequence(lambda n: f"Test pre-trial centre no. {n}")
    name_ru = factory.Sequence(lambda n: f"Тестовый СИЗО № {n}")
    postal_address = "ул. Тестовая, 1, 220000, г. Минск"


class ExternalIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.ExternalIdentifier"

    person = factory.SubFactory(PersonFactory)
    scheme = "prisoners-list"
    value = factory.Sequence(lambda n: f"row-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Organisation"

    name = factory.Sequence(lambda n: f"Synthetic Advocacy Group {n}")


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A pending partner report of an invented detention (its payload encrypted at rest)."""

    class Meta:
        model = "cases.Submission"

    organisation = factory.SubFactory(OrganisationFactory)
    payload = factory.LazyFunction(
        lambda: {
            "name": "Вымыслаў Паведамлены",
            "detention_date": "2026-11-01",
            "articles": [],
            "contact": "reporter +375 00 000 00 00",
        }
    )


class FacilityToReviewFactory(FacilityFactory):
    """A colony an import proposed from a list's cell: its invented address is not yet confirmed."""

    kind = choices.FacilityKind.COLONY
    name_en = factory.Sequence(lambda n: f"Correctional colony No. {n + 900}, Vymyslovsk")
    name_ru = factory.Sequence(lambda n: f"ИК-{n + 900} (Вымысловск)")
    short_name = factory.Sequence(lambda n: f"ИК-{n + 900}")
    postcode = "299999"
    postal_address = "299999, г. Вымысловск, ул. Придуманная, 7"
    needs_review = True


def in_language(url: str, language: str) -> str:
    """A public page's address in a language: the default (English) has no prefix. A `reverse()`
    made after a request carries that request's language prefix; it is replaced."""
    from public.languages import path_in_language

    return path_in_language(url, language)
