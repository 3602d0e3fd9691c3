"""The PostgreSQL role the public pages and the anonymous API read through (defence in depth).

`Person.objects.published()` and the public serializers already decide what the public sees. If
a bug or an injection slipped past them, the database itself should still refuse: the public
code paths can read through a second connection (`DATABASE_PUBLIC_URL`, alias "public") that
logs in as a role which

- may SELECT only the columns listed in `PUBLIC_COLUMNS` (column-level GRANT), never the
  encrypted ones (internal notes, contacts, a source's contact) nor any column no public page
  or public serializer shows;
- sees only the rows of `ROW_POLICIES` (row level security): published people not merged into
  another record, and what belongs to them; public events; non-confidential sources cited by
  something the role can see;
- may write nothing.

`PUBLIC_COLUMNS` is the one list; `for_public()` defers everything else on a queryset, so code
that reads through the role never asks for a column it may not read, and
tests/registry/test_public_role.py checks that the public serializers and pages need nothing
more. See docs/security.md, "Public database role".
"""

import re

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Prefetch

from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    Claim,
    Facility,
    FacilityStay,
    Hearing,
    Jurisdiction,
    LetterCount,
    NameSource,
    ParticularRisk,
    Person,
    PersonName,
    PrisonerContact,
    Reclassification,
    Region,
    Release,
    ReleaseWave,
    RiskAssessment,
    Source,
)
from cases.models.law import ARTICLE_FIELDS

PUBLIC_ALIAS = "public"

CaseEventSource = CaseEvent.sources.through
ReleaseWaveSource = ReleaseWave.sources.through

# Field names (a foreign key by its field name) the public role may read, per model. A column
# is here because a public page or public serializer shows it, or because the public queries
# filter, join or order on it (publication_state, is_public, confidential, the keys).
PUBLIC_COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Jurisdiction: (
        "id",
        "code",
        "name",
        "code_title",
        "death_penalty",
        "exemptions",
        "preparation_article",
        "attempt_article",
        "capital_attempt_since",
    ),
    Region: ("id", "jurisdiction", "code", "name_en", "name_be", "name_ru"),
    # The law data is public as a whole: every field the law loader keeps.
    Article: ("id", "jurisdiction", "number", "part", *ARTICLE_FIELDS),
    Facility: (
        "id",
        "jurisdiction",
        "slug",
        "kind",
        "regime",
        "name_en",
        "name_be",
        "name_ru",
        "region",
        "short_name",
        "other_names",
        "postcode",
        "postal_address",
        "needs_review",
    ),
    Source: ("id", "public_id", "kind", "title", "url", "published_on", "confidential"),
    Person: (
        "id",
        "public_id",
        "slug",
        "sex",
        "birth_date",
        "birth_date_precision",
        "region",
        "citizenship",
        "occupation",
        "biography",
        "content_language",
        "translations",
        "publication_state",
        "published_at",
        "merged_into",
        "created_at",
        "updated_at",
        "silence_public",
        "patronymic",
        "letters_welcome",
    ),
    PersonName: (
        "id",
        "person",
        "text",
        "script",
        "kind",
        "is_primary",
        "search_key",
        "source",
        "as_of",
        "as_of_precision",
    ),
    NameSource: ("id", "name", "source", "as_of", "as_of_precision", "created_at"),
    Case: (
        "id",
        "public_id",
        "person",
        "jurisdiction",
        "case_number",
        "investigating_body",
        "detention_date",
        "detention_date_precision",
        "detention_place",
        "status",
        "court",
        "verdict_date",
        "verdict_date_precision",
        "verdict_final_on",
        "verdict_final_on_precision",
        "sentence_kind",
        "sentence_years",
        "sentence_months",
        "sentence_regime",
        "expected_release_date",
        "expected_release_latest",
        "recognised_on",
        "recognised_on_precision",
        "recognised_by",
        "recognition_statement_url",
        "recognition_criteria",
        "risk_level",
        "risk_stale",
        "risk_assessed_at",
        "updated_at",
    ),
    FacilityStay: (
        "id",
        "public_id",
        "case",
        "facility",
        "start_date",
        "start_date_precision",
        "end_date",
        "end_date_precision",
    ),
    Charge: (
        "id",
        "public_id",
        "case",
        "person",
        "article",
        "stage",
        "offence_date",
        "offence_date_precision",
        "state",
        "charged_on",
        "charged_on_precision",
        "ended_on",
        "reclassified_into",
        "source",
    ),
    Reclassification: ("id", "from_charge", "to_charge", "date", "source"),
    CaseEvent: (
        "id",
        "public_id",
        "case",
        "kind",
        "date",
        "date_precision",
        "text",
        "message",
        "content_language",
        "translations",
        "is_public",
        "charge",
    ),
    CaseEventSource: ("id", "caseevent", "source"),
    # Which source supports which fact (issue 17); never the staff's note or who recorded or decided it.
    Claim: (
        "id",
        "public_id",
        "person",
        "case",
        "charge",
        "stay",
        "fact",
        "value",
        "source",
        "as_of",
        "as_of_precision",
        "state",
        "created_at",  # the order a fact's claims are shown in
    ),
    # How a person left custody (issue 18); never the family left behind.
    Release: ("id", "case", "how", "destination_country", "documents_withheld", "wave"),
    # Release waves (issue 18): what a public wave's page shows.
    ReleaseWave: (
        "id",
        "public_id",
        "name",
        "date",
        "date_precision",
        "announced_by",
        "counterpart",
        "in_return",
        "destination_country",
        "how",
        "is_public",
    ),
    ReleaseWaveSource: ("id", "releasewave", "source"),
    # Keeping in touch (issue 19): "no news since" shows only the day of the last contact, of a
    # person whose silence staff published; never the channel, the details or who reported it.
    PrisonerContact: ("id", "person", "date", "latest_day"),
    # Health and particular risk (issue 19): an item staff published, of a published person.
    ParticularRisk: (
        "id",
        "person",
        "kind",
        "date",
        "date_precision",
        "ended_on",
        "is_public",
        "public_text",
    ),
    # The "write a letter" page orders people by the letters partners recorded: the counts only.
    LetterCount: ("id", "person", "period_end", "letters_sent"),
    # Court hearings (issue 19, point 3): what the public calendar shows; never the internal note.
    Hearing: (
        "id",
        "public_id",
        "case",
        "kind",
        "starts_at",
        "time_known",
        "court",
        "room",
        "openness",
        "state",
        "note",
        "is_public",
    ),
    RiskAssessment: (
        "id",
        "public_id",
        "case",
        "level",
        "previous_level",
        "reasons",
        "rules_version",
        "assessed_on",
        "created_at",
    ),
}

# Never granted, whatever a later edit of PUBLIC_COLUMNS says (checked by public_role_sql).
NEVER_GRANTED = {
    (Person, "internal_notes"),
    (Person, "contacts"),
    (Source, "contact"),
    (Release, "family_left_behind"),
    (PrisonerContact, "details"),
    (ParticularRisk, "details"),
    (Hearing, "internal_note"),
}

# The rows the role sees, per table with row level security (reference data has none). Each
# condition is written out in full, as it runs, and stands on its own: none relies on another
# table's policy. "Published" is what Person.objects.published() says.
ROW_POLICIES: dict[type[models.Model], str] = {
    Person: "publication_state = 'published' AND merged_into_id IS NULL",
    PersonName: (
        "EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_personname.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    NameSource: (
        "EXISTS (SELECT 1 FROM cases_personname n JOIN cases_person p ON p.id = n.person_id "
        "WHERE n.id = cases_namesource.name_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    Case: (
        "EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_case.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    FacilityStay: (
        "EXISTS (SELECT 1 FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
        "WHERE c.id = cases_facilitystay.case_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    Charge: (
        "EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_charge.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    Reclassification: (
        "EXISTS (SELECT 1 FROM cases_charge ch JOIN cases_person p ON p.id = ch.person_id "
        "WHERE ch.id = cases_reclassification.to_charge_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    CaseEvent: (
        "is_public AND EXISTS (SELECT 1 FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
        "WHERE c.id = cases_caseevent.case_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    CaseEventSource: (
        "EXISTS (SELECT 1 FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id "
        "JOIN cases_person p ON p.id = c.person_id WHERE e.id = cases_caseevent_sources.caseevent_id "
        "AND e.is_public AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    # A claim that was superseded is staff history, not a statement the page makes.
    Claim: (
        "state <> 'superseded' AND EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_claim.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    # A release is as public as the timeline entry that dates it (Release's docstring).
    Release: (
        "EXISTS (SELECT 1 FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
        "JOIN cases_caseevent e ON e.case_id = c.id WHERE c.id = cases_release.case_id "
        "AND e.kind IN ('released', 'pardoned', 'deported', 'died') AND e.is_public "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    ReleaseWave: "is_public",
    ReleaseWaveSource: (
        "EXISTS (SELECT 1 FROM cases_releasewave w WHERE w.id = cases_releasewave_sources.releasewave_id "
        "AND w.is_public)"
    ),
    ParticularRisk: (
        "is_public AND EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_particularrisk.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    LetterCount: (
        "EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_lettercount.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL AND p.letters_welcome)"
    ),
    PrisonerContact: (
        "EXISTS (SELECT 1 FROM cases_person p WHERE p.id = cases_prisonercontact.person_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL AND p.silence_public)"
    ),
    # A hearing is public when staff marked it so, and its person is published.
    Hearing: (
        "is_public AND EXISTS (SELECT 1 FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
        "WHERE c.id = cases_hearing.case_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    RiskAssessment: (
        "EXISTS (SELECT 1 FROM cases_case c JOIN cases_person p ON p.id = c.person_id "
        "WHERE c.id = cases_riskassessment.case_id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL)"
    ),
    # A non-confidential source is still shown only where it is cited for a published person:
    # its title could otherwise announce a case that is not public yet.
    Source: (
        "NOT confidential AND ("
        "EXISTS (SELECT 1 FROM cases_charge ch JOIN cases_person p ON p.id = ch.person_id "
        "WHERE ch.source_id = cases_source.id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_reclassification r JOIN cases_charge ch ON ch.id = r.to_charge_id "
        "JOIN cases_person p ON p.id = ch.person_id WHERE r.source_id = cases_source.id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_caseevent_sources es "
        "JOIN cases_caseevent e ON e.id = es.caseevent_id JOIN cases_case c ON c.id = e.case_id "
        "JOIN cases_person p ON p.id = c.person_id WHERE es.source_id = cases_source.id "
        "AND e.is_public AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_claim cl JOIN cases_person p ON p.id = cl.person_id "
        "WHERE cl.source_id = cases_source.id AND cl.state <> 'superseded' "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_personname n JOIN cases_person p ON p.id = n.person_id "
        "WHERE n.source_id = cases_source.id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_namesource ns JOIN cases_personname n ON n.id = ns.name_id "
        "JOIN cases_person p ON p.id = n.person_id WHERE ns.source_id = cases_source.id "
        "AND p.publication_state = 'published' AND p.merged_into_id IS NULL) "
        "OR EXISTS (SELECT 1 FROM cases_releasewave_sources ws JOIN cases_releasewave w "
        "ON w.id = ws.releasewave_id WHERE ws.source_id = cases_source.id AND w.is_public))"
    ),
}

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


# Reading through the role ------------------------------------------------------------------------


def public_db() -> str:
    """The alias public reads go through: "public" when DATABASE_PUBLIC_URL is set, else "default"."""
    return PUBLIC_ALIAS if PUBLIC_ALIAS in connections.settings else DEFAULT_DB_ALIAS


def withheld_fields(model: type[models.Model]) -> list[str]:
    """The concrete fields of `model` the public role may not read (all of them for a model
    with no grant at all, so a query on it fails rather than half-works)."""
    granted = set(PUBLIC_COLUMNS.get(model, ()))
    return [f.name for f in model._meta.concrete_fields if f.name not in granted and not f.primary_key]


def _select_related_paths(model, tree, prefix=""):
    for name, subtree in tree.items():
        related = model._meta.get_field(name).related_model
        path = f"{prefix}{name}"
        yield path, related
        yield from _select_related_paths(related, subtree, f"{path}__")


def public_columns(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` with every withheld column deferred: on its model, on each select_related
    model, and in each Prefetch queryset. String prefetches load whole rows, so they must name
    models whose every column is granted (PersonName); a query that is not fails loudly."""
    deferred = withheld_fields(queryset.model)
    tree = queryset.query.select_related
    if isinstance(tree, dict):
        for path, related in _select_related_paths(queryset.model, tree):
            deferred += [f"{path}__{name}" for name in withheld_fields(related)]
    lookups = [
        Prefetch(lookup.prefetch_through, public_columns(lookup.queryset), to_attr=lookup.to_attr)
        if isinstance(lookup, Prefetch) and lookup.queryset is not None
        else lookup
        for lookup in queryset._prefetch_related_lookups
    ]
    queryset = queryset.defer(*deferred) if deferred else queryset
    if lookups:
        queryset = queryset.prefetch_related(None).prefetch_related(*lookups)
    return queryset


def for_public(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` read through the public role (when configured), asking only for granted columns.

    Related managers and prefetches of the rows it returns follow the same alias by themselves."""
    return public_columns(queryset).using(public_db())


# Creating the role -------------------------------------------------------------------------------


def _columns(model) -> list[str]:
    fields = {f.name: f for f in model._meta.concrete_fields}
    columns = []
    for name in PUBLIC_COLUMNS[model]:
        if (model, name) in NEVER_GRANTED:
            raise ValueError(f"{model.__name__}.{name} must never be granted to the public role")
        columns.append(fields[name].column)
    return columns


def public_role_sql(role: str, *, login: bool) -> list[str]:
    """The statements that create or update `role` (run as the tables' owner), password aside.

    Safe to run again: privileges are revoked and granted afresh, policies replaced. The owner
    is not affected: row level security is enabled but not forced, and the policies name the
    role only. Every other role that is not the owner and not a superuser sees no rows of these
    tables unless it gets a policy of its own."""
    if not ROLE_NAME.match(role):
        raise ValueError("role names are lower-case letters, digits and underscores (at most 63)")
    quoted = f'"{role}"'
    statements = [
        # The name was checked against ROLE_NAME above: nothing in it can end the literal.
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "  # noqa: S608
        f"THEN CREATE ROLE {quoted}; END IF; END $$",
        f"ALTER ROLE {quoted} {'LOGIN' if login else 'NOLOGIN'} NOSUPERUSER NOCREATEDB NOCREATEROLE "
        "NOINHERIT NOREPLICATION NOBYPASSRLS",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
    ]
    for model in PUBLIC_COLUMNS:
        table = model._meta.db_table
        statements.append(f"GRANT SELECT ({', '.join(_columns(model))}) ON {table} TO {quoted}")
    for model, condition in ROW_POLICIES.items():
        table = model._meta.db_table
        policy = f'"{role}_read"'
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {policy} ON {table}",
            f"CREATE POLICY {policy} ON {table} FOR SELECT TO {quoted} USING ({condition})",
        ]
    return statements


def create_public_reader_role(connection, role: str, *, password: str | None = None) -> None:
    """Create or update `role` in `connection`'s database: a LOGIN role with `password` if one
    is given, else a NOLOGIN role (for SET ROLE in tests). PostgreSQL only."""
    if connection.vendor != "postgresql":
        raise ValueError(f"the public reader role needs PostgreSQL; this database is {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in public_role_sql(role, login=password is not None):
            cursor.execute(statement)
    if password is not None:
        from psycopg import sql

        # Straight to psycopg, past Django's query log: a password never goes into a log.
        with connection.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
            )
