"""New people from a list, written in bulk: the same records the services write, in a few queries.

A list of ten thousand people that are new to the registry would cost about 150 queries a row
through the services (each save validates every constraint with a query of its own and writes its
history and change-feed rows one at a time). This module writes exactly what `create_person`,
`add_external_identifier`, `create_case`, `add_charge`, `record_charge_to_review`,
`transfer_person` and `record_event` write for such a row (the objects, their history rows with
the importing user as author, the change-feed entries, and the assessment request for the new
cases), a batch at a time. `tests/cases/test_import_bulk.py` imports the same file both ways and
compares every table.

What stays on the services path: rows of people already in the registry (updates, reclassifications
need the services' checks against the current state), and any batch whose bulk write the database
refuses: it is rolled back to its savepoint and its rows go through the services one by one, which
name the row, column and reason.

Validation: every object is checked with `full_clean` for its fields (choices, lengths, formats)
before anything is written; the constraints are the database's to enforce on insert (the same
ones `full_clean` would have checked with a query or more per object).
"""

import functools
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from cases import choices, partial_dates, services
from cases.claims import facts
from cases.exceptions import RefusedChange
from cases.identity.names import name_key
from cases.models import (
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    ChargeToReview,
    Claim,
    ExternalIdentifier,
    FacilityStay,
    Person,
    PersonName,
    Release,
)
from cases.risk import queue as assessment_queue
from cases.transfer.importing.facilities import resolve_facility
from cases.transfer.importing.mappings import CASE_FACTS, FACILITY_FACT, PERSON_FACTS, RELEASE_FACT
from cases.transfer.importing.outcomes import Issue, RowOutcome, said, uncertain_said, unknown_article_said

BATCH = 500
CREATED = (said("change.new_person_and_case"),)  # every bulk row's changes: one tuple for them all
CHUNK = 900  # ids per IN (...) query: under SQLite's variable limit on any build
Action = ChangeRecord.Action


class _Plan:
    """Everything one new row creates, built in memory before any write."""

    def __init__(self, row):
        self.row = row
        self.person: Person | None = None
        self.name: PersonName | None = None
        self.ids: list[ExternalIdentifier] = []
        self.case: Case | None = None
        self.charges: list[Charge] = []
        self.reviews: list[ChargeToReview] = []
        self.stay: FacilityStay | None = None
        self.events: list[CaseEvent] = []  # in the order the services record them
        self.release: Release | None = None  # what a status that says "out" makes (create_case)
        # The list's word on each fact it gives, as (fact, canonical value): written as the
        # accepted claims `claim_values_of_new_record` writes (_insert_claims).
        self.claims: list[tuple[str, object]] = []
        self.warnings: list = []


def create_new_people(importer, rows, articles, facilities) -> dict[int, object]:
    """Create the people of `rows` (all new, without problems); returns RowOutcome by row number.

    Rows the bulk write cannot take are returned as None: the caller runs them through the
    services, which report why.
    """
    outcomes = {}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        plans, fallback = [], []
        for row in batch:
            try:
                plans.append(_plan(importer, row, articles, facilities))
            except (ValidationError, RefusedChange):
                fallback.append(row)
        _unique_slugs([p.person for p in plans])
        try:
            with transaction.atomic():
                _write(importer, plans)
        except IntegrityError:
            fallback = batch  # the services will find and name the row at fault
            plans = []
        for plan in plans:
            plan.row.warnings += plan.warnings
            outcomes[plan.row.number] = RowOutcome(plan.row.number, "created", CREATED)
        for row in fallback:
            outcomes[row.number] = None
    return outcomes


def _checked(instance, fields):
    """`instance` after `full_clean` of the `fields` the row set (the rest hold their defaults).

    Related objects come from the importer's own lookups (articles, facilities, the jurisdiction):
    checking each reference again would be a query per field per object. Constraints are the
    database's to enforce on insert. The model's own `clean` runs as always.
    """
    exclude = _unchecked(type(instance), frozenset(fields))
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    return instance


@functools.cache
def _unchecked(model, fields: frozenset[str]) -> frozenset[str]:
    return frozenset(f.name for f in model._meta.fields if f.name not in fields or f.is_relation)


def _plan(importer, row, articles, facilities) -> _Plan:
    values, plan = row.values, _Plan(row)
    person_fields = {f: values[f] for f in ("sex", "birth_date", "birth_date_precision") if f in values}
    person = Person(**person_fields)
    text = " ".join(values["name"].split())
    person.assign_slug_from(text if values["script"] == choices.Script.LATIN else "")
    plan.person = _checked(person, [*person_fields, "slug"])
    plan.name = PersonName(
        text=text,
        script=values["script"],
        kind=values["name_kind"],
        is_primary=True,
        source=importer.list_source(),
        as_of=importer.report.reclassified_on,
        as_of_precision=partial_dates.DAY if importer.report.reclassified_on else partial_dates.UNKNOWN,
    )
    plan.name.search_key = name_key(text)
    _checked(plan.name, ["text", "script", "kind", "search_key"])
    for target, scheme in (("external_id", importer.mapping.id_scheme), ("url", "url")):
        if target in values:
            ext = ExternalIdentifier(scheme=scheme, value=values[target].strip())
            plan.ids.append(_checked(ext, ["scheme", "value"]))

    case_fields = importer._case_fields(row)
    if "status" not in case_fields:
        case_fields["status"] = importer._status_without_column(values, choices.CaseStatus.DETAINED)
    if case_fields["status"] in choices.RELEASE_STATUSES and values.get("release_how"):
        # The status a release of that kind leaves, as the row-by-row path's correct_release sets it.
        case_fields["status"] = services.status_after_release(
            how=values["release_how"], destination_country="", jurisdiction_code=importer.jurisdiction.code
        )
    case = Case(jurisdiction=importer.jurisdiction, **case_fields)
    plan.case = _checked(case, case_fields)
    if case.status in choices.RELEASE_STATUSES:
        how = values.get("release_how") or choices.HOW_BY_STATUS.get(case.status, choices.ReleaseKind.UNKNOWN)
        plan.release = Release(how=how)
    if case.detention_date:
        plan.events.append(
            CaseEvent(
                kind=choices.EventKind.DETAINED,
                date=case.detention_date,
                date_precision=case.detention_date_precision,
                text=case.detention_place,
                is_public=True,
            )
        )

    plan.claims = _claims(importer, person, importer._facts(values, PERSON_FACTS))
    plan.claims += _claims(importer, case, importer._facts(case_fields, CASE_FACTS))

    parsed = values.get("articles")
    column = importer.column("articles")
    reviewed = set()

    def review(text, reason, charge):
        plan.warnings.append(
            Issue(row.number, column, said("import.kept_for_review", text=text[:60], reason=reason))
        )
        if text in reviewed:
            return
        reviewed.add(text)
        plan.reviews.append(
            ChargeToReview(
                text=text[:300],
                reason=reason[:300],
                article_number=charge.article if charge else "",
                part=charge.part if charge else "",
                stage=charge.stage if charge else choices.ChargeStage.UNKNOWN,
                import_run=importer.import_run,
            )
        )

    if parsed is not None:
        for charge in parsed.charges:
            article = articles.get((charge.article, charge.part))
            if charge.uncertain:
                cell = values["articles_cell"][:120]
                review(
                    charge.source_text,
                    said("import.with_the_cell", reason=uncertain_said(charge), cell=cell),
                    charge,
                )
                continue
            if article is None:
                review(charge.source_text, unknown_article_said(charge, articles), charge)
                continue
            plan.charges.append(_checked(Charge(article=article, stage=charge.stage), ["stage"]))
        for fragment in parsed.problems:
            review(fragment, said("import.unreadable_article"), None)

    name = values.get("facility")
    if name is not None:
        facility, warning = resolve_facility(
            facilities, name, jurisdiction=importer.jurisdiction, by=importer.by
        )
        if warning:
            plan.warnings.append(Issue(row.number, importer.column("facility"), warning))
        if facility is not None:
            on = case.detention_date or importer.report.reclassified_on
            plan.stay = FacilityStay(facility=facility, start_date=on)
            plan.claims += _claims(importer, plan.stay, [FACILITY_FACT])
            plan.events.append(
                CaseEvent(kind=choices.EventKind.TRANSFERRED, date=on, text=facility.name_en, is_public=True)
            )
    for target, kind in (("release_date", choices.EventKind.RELEASED), ("died_on", choices.EventKind.DIED)):
        date = values.get(target)
        if date is not None:
            plan.events.append(
                CaseEvent(kind=kind, date=date, date_precision=values[f"{target}_precision"], is_public=True)
            )
    if values.get("release_date") is not None:  # the release's day is the list's claim too
        spec = facts.FACTS[RELEASE_FACT]
        plan.claims.append(
            (spec.key, facts.canonical(spec, (values["release_date"], values["release_date_precision"])))
        )
    return plan


def _claims(importer, record, fact_keys) -> list[tuple[str, object]]:
    """(fact, value) of the claims `claim_values_of_new_record` writes for a new record's facts."""
    claims = []
    for key in fact_keys:
        # A stay stands for its case's "facility where held": its facility's slug.
        value = facts.value_on(facts.FACTS[key], record, facility_code=lambda stay: stay.facility.slug)
        if value is not None:
            claims.append((key, value))
    return claims


def _insert_claims(importer, plans: list[_Plan], *, when) -> None:
    """The rows' accepted claims from the list, and their history rows ('+', by the importer).

    Six or so a row: on PostgreSQL they go by COPY straight from the values, without a model
    instance each (building half a million of them nearly doubled a large import's time)."""
    source_id, by_id = importer.list_source().pk, getattr(importer.by, "pk", None)
    on = importer.report.reclassified_on
    values = [
        {
            "public_id": uuid.uuid4(),
            "person_id": plan.person.pk,
            "case_id": plan.case.pk if fact.startswith(f"{facts.CASE}.") else None,
            "charge_id": None,
            "stay_id": None,
            "fact": fact,
            "value": value,
            "source_id": source_id,
            "as_of": on,
            "as_of_precision": partial_dates.DAY,
            "state": choices.ClaimState.ACCEPTED,
            "priority": 1,
            "priority_reason": "",
            "note": "",
            "created_at": when,
            "created_by_id": by_id,
            "decided_at": None,
            "decided_by_id": None,
        }
        for plan in plans
        for fact, value in plan.claims
    ]
    if not values:
        return
    if connection.vendor != "postgresql":
        claims = [Claim(**row) for row in values]
        Claim.objects.bulk_create(claims, batch_size=BATCH)
        copy_into_history(Claim, [c.pk for c in claims], by=importer.by, when=when)
        return
    names = [field.attname for field in _fields_after_id(Claim)]
    rows = [[json.dumps(row[n]) if n == "value" else row[n] for n in names] for row in values]
    copy_into_history(Claim, _copy_new_rows(Claim, rows), by=importer.by, when=when)


def _unique_slugs(people: list[Person]) -> None:
    """Draw a slug's random suffix again while it is taken, in the registry or in the batch."""
    taken = set(Person.objects.filter(slug__in=[p.slug for p in people]).values_list("slug", flat=True))
    seen = set()
    for person in people:
        while person.slug in taken or person.slug in seen:
            base = person.slug.rsplit("-", 1)[0]
            person.assign_slug_from(base if base != "p" else "")
            if person.slug not in seen:
                taken |= set(Person.objects.filter(slug=person.slug).values_list("slug", flat=True))
        seen.add(person.slug)


def _write(importer, plans: list[_Plan]) -> None:
    """The batch's objects, history rows and change-feed entries, in dependency order."""
    if not plans:
        return
    by, now = importer.by, timezone.now()

    def create(model, objs):
        if objs:
            insert(model, objs)
            copy_into_history(model, [obj.pk for obj in objs], by=by, when=now)

    # The links are set by their ids: the related-object descriptors cost more than the rest of
    # the linking, and nothing below reads the related objects through them.
    create(Person, [p.person for p in plans])
    for plan in plans:
        person_id = plan.person.pk
        plan.name.person_id = person_id
        plan.row.written_person = plan.person
        for ext in plan.ids:
            ext.person_id = person_id
        plan.case.person_id = person_id
        plan.case.set_expected_release()
    create(PersonName, [p.name for p in plans])
    create(ExternalIdentifier, [e for p in plans for e in p.ids])
    create(Case, [p.case for p in plans])
    for plan in plans:
        case_id, person_id = plan.case.pk, plan.person.pk
        for charge in plan.charges:
            charge.case_id, charge.person_id = case_id, person_id
        for review in plan.reviews:
            review.case_id = case_id
        if plan.stay is not None:
            plan.stay.case_id = case_id
        if plan.release is not None:
            plan.release.case_id = case_id
        for event in plan.events:
            event.case_id = case_id
    _insert_claims(importer, plans, when=now)
    create(CaseEvent, [e for p in plans for e in p.events])
    create(Charge, [c for p in plans for c in p.charges])
    create(ChargeToReview, [r for p in plans for r in p.reviews])
    create(FacilityStay, [p.stay for p in plans if p.stay is not None])
    create(Release, [p.release for p in plans if p.release is not None])
    _insert_change_records([entry for plan in plans for entry in _change_records(plan)], when=now)
    assessment_queue.request_assessment([p.case.pk for p in plans])
    services.check_cases_contradictions(
        case_ids=[p.case.pk for p in plans], by=importer.by, import_run=importer.import_run
    )


def insert(model, objs: list) -> None:
    """Insert `objs` (new, unsaved) as `bulk_create` would, and give each its primary key.

    On PostgreSQL the rows go by COPY, their ids drawn from the table's sequence first: Django's
    bulk INSERT composes its SQL value by value, and the driver then quotes every value into the
    text in Python; that was a third of a large import's time (docs/scaling.md). The values are
    the ones `bulk_create` stores (each field's `pre_save` and `get_db_prep_save`: encrypted
    fields encrypted, JSON as JSON), so every table reads back the same either way
    (tests/cases/test_import_bulk.py compares them with the services' path).
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    # The connection itself, not the `connection` proxy, which looks it up again on every use:
    # a million uses for a large import.
    db = connections[DEFAULT_DB_ALIAS]
    prepare = [(field.pre_save, field.get_db_prep_save) for field in _fields_after_id(model)]
    rows = [[prep(pre_save(obj, True), db) for pre_save, prep in prepare] for obj in objs]
    for obj, pk in zip(objs, _copy_new_rows(model, rows), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias


def _fields_after_id(model) -> list:
    return [field for field in model._meta.concrete_fields if field is not model._meta.pk]


def _copy_new_rows(model, rows: list[list]) -> list[int]:
    """COPY new rows into `model`'s table on PostgreSQL, each the stored values of
    `_fields_after_id`; their ids are drawn from the table's sequence first, and returned in order."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.pk.column, *(field.column for field in _fields_after_id(model))]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        # Only names from the model's own metadata go into the text; the values go as data.
        with cursor.cursor.copy(
            f"COPY {quote(meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        ) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *row])
    return ids


def copy_into_history(model, pks: list[int], *, by, when) -> None:
    """The history rows of newly created objects ('+', by `by`, at `when`), copied by the database
    from the rows just written.

    What simple-history's `bulk_create_with_history` writes, without building a second model
    instance per object and preparing every value again in Python: that was about half the time of
    a large import (docs/scaling.md). The stored values are copied as they are, encrypted ones
    included (the same key reads them).
    """
    history = model.history.model
    quote = connection.ops.quote_name
    pairs = [(history._meta.get_field(f.name).column, f.column) for f in history.tracked_fields]
    into = ", ".join(quote(h) for h, _ in pairs)
    select = ", ".join(quote(b) for _, b in pairs)
    user_column = history._meta.get_field("history_user").column
    pk_column = model._meta.pk.column
    date = connection.ops.adapt_datetimefield_value(when)
    user_id = getattr(by, "pk", None)
    # Only names from the models' own metadata, quoted, go into the text; every value is a parameter.
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608
        f"({into}, history_date, history_change_reason, history_type, {quote(user_column)}) "
        f"SELECT {select}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {quote(pk_column)}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: a statement with hundreds of placeholders is parsed anew each time.
            cursor.execute(
                f"{insert} = ANY(%s) ORDER BY {quote(pk_column)}", [date, "", "+", user_id, list(pks)]
            )
            return
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            cursor.execute(
                f"{insert} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {quote(pk_column)}",
                [date, "", "+", user_id, *chunk],
            )


def _change_records(plan: _Plan) -> list[tuple[int, str, str, str, bool]]:
    """The change-feed entries the services write for such a row, in their order, as
    (person id, object type, object id, action, is public)."""
    person, case = plan.person, plan.case

    def record(object_type, object_id, action, is_public=True):
        return (person.pk, object_type, str(object_id), action.value, is_public)

    records = [
        record("person", person.slug, Action.UPDATED),  # add_person_name
        record("person", person.slug, Action.CREATED),  # create_person
    ]
    # add_external_identifier: seen by readers of restricted data only
    records += [record("person", person.slug, Action.UPDATED, is_public=False) for _ in plan.ids]
    events = list(plan.events)
    if case.detention_date:
        records.append(record("event", events.pop(0).public_id, Action.CREATED))  # the 'detained' event
    records.append(record("case", case.public_id, Action.CREATED))
    records += [record("charge", charge.public_id, Action.CREATED) for charge in plan.charges]
    if plan.stay is not None:
        records.append(record("event", events.pop(0).public_id, Action.CREATED))  # 'transferred'
        records.append(record("case", case.public_id, Action.UPDATED))
    records += [record("event", event.public_id, Action.CREATED) for event in events]
    return records


def _insert_change_records(entries: list[tuple[int, str, str, str, bool]], *, when) -> None:
    """Entries of people not yet published (an import creates drafts), written at `when`.

    Seven or so a row: on PostgreSQL they go by COPY straight from the tuples, without a model
    instance each (a tenth of a large import's time went into building them).
    """
    if connection.vendor != "postgresql":
        ChangeRecord.objects.bulk_create(
            [
                ChangeRecord(person_id=who, object_type=kind, object_id=id_, action=action, is_public=public)
                for who, kind, id_, action, public in entries
            ],
            batch_size=BATCH,
        )
        return
    meta, quote = ChangeRecord._meta, connection.ops.quote_name
    names = ("person", "object_type", "object_id", "action", "is_public", "person_was_published")
    columns = ", ".join(quote(meta.get_field(name).column) for name in (*names, "created_at"))
    # Only names from the model's own metadata go into the text; the values go as data.
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for entry in entries:
            copy.write_row((*entry, False, when))
