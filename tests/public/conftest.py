"""Helpers for the public pages: an anonymous browser's view of the registry."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import translation

from cases import choices, services
from cases.services import NameSpec
from tests.factories import FacilityFactory, jurisdiction

D = datetime.date
DETENTION_DATE = D(2022, 3, 1)


@pytest.fixture(autouse=True)
def downloads_storage(tmp_path):
    """Each test's download files in a directory of its own (the database forgets a test's rows;
    a shared directory would keep its files). Not through the `settings` fixture: a test that
    uses it (to break the cache) must have its settings restored before `empty_cache` clears."""
    storages = {name: dict(options) for name, options in django_settings.STORAGES.items()}
    storages["downloads"] = {**storages["downloads"], "OPTIONS": {"location": tmp_path / "downloads"}}
    with override_settings(STORAGES=storages):
        yield tmp_path / "downloads"


@pytest.fixture(autouse=True)
def default_language():
    """LocaleMiddleware leaves the last request's language active in the thread; a later test
    (anywhere in the suite) must not run in Belarusian because a page test asked for it."""
    yield
    translation.deactivate()


def make_person(
    *, names, publish=True, detention_date=DETENTION_DATE, status="detained", region=None, **fields
):
    """A person with the given (text, script, kind) names, the first primary, and one case."""
    person = services.create_person(
        names=[
            NameSpec(text, script, kind, is_primary=i == 0) for i, (text, script, kind) in enumerate(names)
        ],
        region=region,
        **fields,
    )
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=detention_date, status=status
    )
    if publish:
        services.publish_person(person=person)
    return case


ALIAKSANDR = [
    ("Аляксандр Вымыслаў", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE),
    ("Александр Вымыслов", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU),
    ("Aliaksandr Vymyslau", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
]


def facility():
    return FacilityFactory()
