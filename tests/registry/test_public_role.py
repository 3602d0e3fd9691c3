"""The public database role (cases.protection.public_role): what it may read, and that the public code paths
need nothing more.

Two kinds of test. Those marked `postgres` create the role in the test database and read as it
(`SET LOCAL ROLE` inside the test's transaction, or a second connection for the end-to-end one).
The others run on SQLite too: they check that the public serializers and pages never ask for a
column the role is not granted, so the grant list and the code cannot drift apart.
"""

import datetime
import secrets

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connection, connections, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api import serializers as api_serializers
from cases import choices, services
from cases.models import Hearing, ParticularRisk, Person, PrisonerContact, Release, RiskAssessment, Source
from cases.protection.public_role import (
    NEVER_GRANTED,
    PUBLIC_ALIAS,
    PUBLIC_COLUMNS,
    ROW_POLICIES,
    create_public_reader_role,
    public_role_sql,
    withheld_fields,
)
from cases.services import NameSpec
from tests.factories import FacilityFactory, SourceFactory, article, jurisdiction

D = datetime.date

PUBLIC_SERIALIZERS = [
    api_serializers.PersonSerializer,
    api_serializers.NameSerializer,
    api_serializers.CaseSerializer,
    api_serializers.ChargeSerializer,
    api_serializers.EventSerializer,
    api_serializers.PublicSourceSerializer,
    api_serializers.AssessmentSerializer,
    api_serializers.ArticleSerializer,
    api_serializers.FacilitySerializer,
    api_serializers.HearingSerializer,
]


# The registry a reader could see too much of ----------------------------------------------------


def _person(name: str, *, publish: bool, internal_notes: str = "", contacts: str = ""):
    person = services.create_person(
        names=[NameSpec(name, choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, is_primary=True)],
        internal_notes=internal_notes,
        contacts=contacts,
    )
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2022, 3, 1))
    if publish:
        services.publish_person(person=person)
    return person, case


@pytest.fixture
def registry(law):
    """A published person with everything the public pages show, a draft, a merged record, a
    confidential source, an internal event, and a public source cited only for the draft."""
    published, case = _person(
        "Publicus Visiblus", publish=True, internal_notes="NOTE-SECRET", contacts="CONTACTS-SECRET"
    )
    public_source = SourceFactory(title="Public report on Visiblus", confidential=False)
    confidential_source = SourceFactory(
        title="Confidential witness", confidential=True, contact="WITNESS-PHONE-SECRET"
    )
    charge = services.add_charge(
        case=case, article=article("342.1"), charged_on=D(2022, 3, 2), source=public_source
    )
    successor = services.reclassify_charge(
        charge=charge, to_article=article("361-1.1"), on=D(2022, 6, 1), source=public_source
    )
    services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=D(2022, 4, 1),
        text="Hearing held in public",
        is_public=True,
        sources=[public_source, confidential_source],
    )
    services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=D(2022, 4, 2),
        text="INTERNAL-EVENT-SECRET",
        is_public=False,
        sources=[confidential_source],
    )
    facility = FacilityFactory()
    services.transfer_person(case=case, facility=facility, on=D(2022, 3, 5))
    RiskAssessment.objects.create(
        case=case,
        level=choices.RiskLevel.NONE,
        rules_version="test",
        law_checksum="x",
        generation=1,
        assessed_on=D(2022, 6, 2),
    )
    services.schedule_hearing(
        case=case,
        court="Public Hearing Court",
        day=timezone.localdate() + datetime.timedelta(days=3),
        internal_note="HEARING-NOTE-SECRET",
        is_public=True,
    )
    draft, draft_case = _person("Draftus Hiddenus", publish=False)
    draft_source = SourceFactory(title="Report that names the draft", confidential=False)
    services.add_charge(
        case=draft_case, article=article("342.1"), charged_on=D(2022, 3, 2), source=draft_source
    )
    merged, _merged_case = _person("Mergedus Hiddenus", publish=True)
    Person.objects.filter(pk=merged.pk).update(merged_into=published)
    return {
        "published": published,
        "case": case,
        "successor": successor,
        "facility": facility,
        "draft": draft,
        "merged": merged,
        "public_source": public_source,
        "confidential_source": confidential_source,
        "draft_source": draft_source,
    }


SECRETS = [
    "NOTE-SECRET",
    "CONTACTS-SECRET",
    "WITNESS-PHONE-SECRET",
    "Confidential witness",
    "INTERNAL-EVENT-SECRET",
    "HEARING-NOTE-SECRET",
    "Draftus Hiddenus",
    "Report that names the draft",
]


def _public_urls(registry):
    published, case = registry["published"], registry["case"]
    return [
        "/",
        "/people/",
        f"/people/{published.slug}/",
        "/people/?q=Publicus",
        "/people/?article=342",
        "/articles/by-361-1.1/",
        f"/facilities/{registry['facility'].slug}/",
        "/statistics/",
        "/calendar/",
        "/calendar.ics",
        "/api/v1/people/",
        f"/api/v1/people/{published.slug}/",
        "/api/v1/people/?q=Publicus&article=361-1",
        "/api/v1/people/export.json/",
        "/api/v1/cases/",
        f"/api/v1/cases/{case.public_id}/",
        "/api/v1/cases/export.csv/",
        f"/api/v1/charges/{registry['successor'].public_id}/chain/",
        "/api/v1/charges/",
        "/api/v1/events/",
        "/api/v1/hearings/",
        "/api/v1/assessments/",
        "/api/v1/articles/",
        "/api/v1/facilities/",
        "/api/v1/statistics/",
    ]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


# The grant list and the code cannot drift (any database) ------------------------------------------


def _serializer_columns(serializer_class, model):
    """(model, field name) pairs a serializer reads, following nested serializers and dotted sources."""
    pairs = set()
    for field in serializer_class().fields.values():
        if field.source == "*":  # SerializerMethodField: covered by the page test below
            continue
        current = model
        for part in field.source.split("."):
            model_field = current._meta.get_field(part) if part in _field_names(current) else None
            if model_field is None:  # a property such as Article.notation
                break
            if model_field.concrete:
                pairs.add((current, model_field.name))
            if not model_field.is_relation:
                break
            current = model_field.related_model
        nested = getattr(field, "child", field)
        if hasattr(nested, "Meta") and hasattr(nested.Meta, "model"):
            pairs |= _serializer_columns(type(nested), nested.Meta.model)
    return pairs


def _field_names(model):
    return {f.name for f in model._meta.get_fields()}


@pytest.mark.parametrize("serializer_class", PUBLIC_SERIALIZERS, ids=lambda s: s.__name__)
def test_public_serializer_reads_only_granted_columns(serializer_class):
    read = _serializer_columns(serializer_class, serializer_class.Meta.model)

    not_granted = {(m.__name__, f) for m, f in read if f not in PUBLIC_COLUMNS.get(m, ())}

    assert read, "the serializer should read some model field"
    assert not_granted == set()


def test_encrypted_columns_are_never_granted():
    assert {
        (Person, "internal_notes"),
        (Person, "contacts"),
        (Source, "contact"),
        (Release, "family_left_behind"),
        (PrisonerContact, "details"),
        (ParticularRisk, "details"),
        (Hearing, "internal_note"),
    } == NEVER_GRANTED
    for model, name in NEVER_GRANTED:
        assert name not in PUBLIC_COLUMNS[model]
        assert name in withheld_fields(model)


def test_granted_columns_exist_and_every_policy_table_is_granted():
    for model, names in PUBLIC_COLUMNS.items():
        concrete = {f.name for f in model._meta.concrete_fields}
        assert set(names) <= concrete, model.__name__
    assert set(ROW_POLICIES) <= set(PUBLIC_COLUMNS)


def test_role_sql_refuses_a_name_that_could_inject():
    with pytest.raises(ValueError):
        public_role_sql('x"; DROP TABLE cases_person; --', login=False)


@pytest.fixture
def deferred_loads(monkeypatch):
    """Every load of a deferred (withheld) column: through the role it would be refused."""
    loads = []
    original = models.Model.refresh_from_db

    def record(self, using=None, fields=None, **kwargs):
        loads.append((type(self).__name__, fields))
        return original(self, using=using, fields=fields, **kwargs)

    monkeypatch.setattr(models.Model, "refresh_from_db", record)
    return loads


def _withheld_columns():
    """'"table"."column"' for every column the role may not read, as Django writes it in SQL."""
    return [
        f'"{model._meta.db_table}"."{model._meta.get_field(name).column}"'
        for model in PUBLIC_COLUMNS
        for name in withheld_fields(model)
    ] + [f'"{m._meta.db_table}"."{m._meta.get_field(n).column}"' for m, n in NEVER_GRANTED]


def test_public_pages_and_anonymous_api_never_ask_for_a_withheld_column(client, registry, deferred_loads):
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        for url in _public_urls(registry):
            response = client.get(url)
            assert response.status_code == 200, url
            _body(response)

    asked = {column for q in queries for column in _withheld_columns() if column in q["sql"]}
    assert asked == set()
    assert deferred_loads == []


# As the role, on PostgreSQL ------------------------------------------------------------------------


def _new_role_name() -> str:
    return f"registry_public_test_{secrets.token_hex(4)}"


@pytest.fixture
def reader(registry):
    """A NOLOGIN reader role, created inside the test's transaction (so rolled back with it)."""
    role = _new_role_name()
    _create_role_in_test_transaction(role)
    return role


def _create_role_in_test_transaction(role):
    # ALTER TABLE refuses while the rows just created wait for their deferred foreign-key checks.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    create_public_reader_role(connection, role)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def read_as(role, sql, params=()):
    """Run `sql` as `role` in a savepoint of the test's transaction; rows, or None."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
        cursor.execute("RESET ROLE")
    return rows


def refused(role, sql, params=()) -> bool:
    try:
        read_as(role, sql, params)
    except ProgrammingError as error:
        return "permission denied" in str(error)
    return False


@pytest.mark.postgres
def test_reader_sees_published_people_only(reader, registry):
    slugs = {slug for (slug,) in read_as(reader, "SELECT slug FROM cases_person")}
    names = {text for (text,) in read_as(reader, "SELECT text FROM cases_personname")}

    assert slugs == {registry["published"].slug}
    assert names == {"Publicus Visiblus"}


@pytest.mark.postgres
def test_reader_sees_only_rows_of_published_people(reader, registry):
    published = registry["published"]

    for table, column in [
        ("cases_case", "person_id"),
        ("cases_charge", "person_id"),
    ]:
        owners = {pk for (pk,) in read_as(reader, f"SELECT {column} FROM {table}")}  # noqa: S608
        assert owners == {published.pk}, table
    cases = {pk for (pk,) in read_as(reader, "SELECT case_id FROM cases_facilitystay")}
    cases |= {pk for (pk,) in read_as(reader, "SELECT case_id FROM cases_riskassessment")}
    assert cases == {registry["case"].pk}
    assert len(read_as(reader, "SELECT id FROM cases_reclassification")) == 1


@pytest.mark.postgres
def test_reader_does_not_see_internal_events_or_confidential_sources(reader, registry):
    texts = {text for (text,) in read_as(reader, "SELECT text FROM cases_caseevent")}
    titles = {title for (title,) in read_as(reader, "SELECT title FROM cases_source")}
    cited = {pk for (pk,) in read_as(reader, "SELECT source_id FROM cases_caseevent_sources")}

    assert "Hearing held in public" in texts
    assert "INTERNAL-EVENT-SECRET" not in texts
    assert titles == {"Public report on Visiblus"}
    # The link row of the confidential source is still there; the source itself is not readable.
    assert registry["public_source"].pk in cited


@pytest.mark.postgres
def test_reader_is_refused_the_encrypted_and_unshown_columns(reader, registry):
    assert refused(reader, "SELECT internal_notes FROM cases_person")
    assert refused(reader, "SELECT contacts FROM cases_person")
    assert refused(reader, "SELECT contact FROM cases_source")
    assert refused(reader, "SELECT * FROM cases_person")
    assert refused(reader, "SELECT judge FROM cases_case")
    assert refused(reader, "SELECT id FROM cases_person WHERE internal_notes <> ''")
    assert refused(reader, "SELECT id FROM cases_organisation")
    assert refused(reader, "SELECT id FROM cases_submission")
    assert refused(reader, "SELECT id FROM auth_user")


@pytest.mark.postgres
def test_reader_sees_contact_days_only_of_a_published_person_whose_silence_is_published(reader, registry):
    published = registry["published"]
    contact = services.record_contact(
        person=published, channel="family_visit", date=D(2024, 1, 5), details="FAMILY-SECRET"
    )

    hidden = read_as(reader, "SELECT id FROM cases_prisonercontact")
    services.update_person(person=published, silence_public=True)
    shown = read_as(reader, "SELECT person_id, date, latest_day FROM cases_prisonercontact")

    assert hidden == []
    assert shown == [(published.pk, D(2024, 1, 5), D(2024, 1, 5))]
    assert refused(reader, "SELECT details FROM cases_prisonercontact")
    assert refused(reader, "SELECT channel FROM cases_prisonercontact")
    assert refused(reader, "SELECT id FROM cases_prisonercontact_sources")
    assert contact.details == "FAMILY-SECRET"


@pytest.mark.postgres
def test_reader_can_write_nothing(reader, registry):
    person = registry["published"]

    assert refused(reader, "UPDATE cases_person SET biography = 'x' WHERE id = %s", [person.pk])
    assert refused(reader, "DELETE FROM cases_personname WHERE person_id = %s", [person.pk])
    assert refused(
        reader,
        "INSERT INTO cases_source (public_id, kind, title, url, confidential, contact, created_at) "
        "VALUES (gen_random_uuid(), 'publication', 't', '', false, '', now())",
    )
    assert refused(reader, "TRUNCATE cases_changerecord")


@pytest.mark.postgres
def test_reader_policies_leave_the_owner_alone(reader, registry):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity "
            "AND relname LIKE 'cases_%%'"
        )
        forced = cursor.fetchall()

    assert forced == []
    assert Person.objects.filter(pk=registry["draft"].pk).exists()


@pytest.mark.postgres
def test_create_public_reader_role_command_is_idempotent(registry, capsys):
    role = _new_role_name()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    call_command("create_public_reader_role", "--role", role)
    call_command("create_public_reader_role", "--role", role)

    assert f"Role {role} (NOLOGIN)" in capsys.readouterr().out
    assert read_as(role, "SELECT slug FROM cases_person") == [(registry["published"].slug,)]


def test_create_public_reader_role_command_prints_the_sql_without_the_password(capsys):
    call_command(
        "create_public_reader_role", "--role", "reader", "--password", "hunter2-secret", "--print-sql"
    )

    out = capsys.readouterr().out
    assert "GRANT SELECT (id, public_id, slug," in out
    assert "internal_notes" not in out
    assert "hunter2-secret" not in out


# End to end: the public code paths through a second connection as the role -----------------------


@pytest.fixture
def public_alias(transactional_db):
    """The "public" alias, a second connection to the test database that reads as a fresh role,
    as DATABASE_PUBLIC_URL would configure it; the role is dropped afterwards."""
    role = _new_role_name()
    with transaction.atomic():
        create_public_reader_role(connection, role)
    alias_settings = {**connections.settings[DEFAULT_DB_ALIAS]}
    alias_settings["OPTIONS"] = {**alias_settings.get("OPTIONS", {}), "assume_role": role}
    connections.settings[PUBLIC_ALIAS] = alias_settings
    # Connected here: the test case refuses to open connections to aliases it was not told about.
    connections[PUBLIC_ALIAS].connect()
    yield role
    connections[PUBLIC_ALIAS].close()
    del connections[PUBLIC_ALIAS]
    del connections.settings[PUBLIC_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.mark.postgres
def test_public_pages_and_anonymous_api_work_through_the_reader_role(client, registry, public_alias):
    cache.clear()
    with connections[PUBLIC_ALIAS].cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (public_alias,)
    published = registry["published"]

    pages = {}
    with CaptureQueriesContext(connections[PUBLIC_ALIAS]) as through_role:
        for url in _public_urls(registry):
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = _body(response)

    assert len(through_role) > len(pages)
    assert "Publicus Visiblus" in pages["/people/"]
    assert "Public report on Visiblus" in pages[f"/people/{published.slug}/"]
    assert "Hearing held in public" in pages[f"/people/{published.slug}/"]
    assert "Public Hearing Court" in pages["/calendar/"] and "Public Hearing Court" in pages["/calendar.ics"]
    assert "Public Hearing Court" in pages[f"/people/{published.slug}/"]
    assert [p["id"] for p in client.get("/api/v1/people/").json()["results"]] == [published.slug]
    assert [c["person"] for c in client.get("/api/v1/cases/").json()["results"]] == [published.slug]
    for url, body in pages.items():
        for secret in SECRETS:
            assert secret not in body, (url, secret)
