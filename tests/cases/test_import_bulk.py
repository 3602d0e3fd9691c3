"""New people imported in bulk end up exactly as the services would have written them.

The bulk path (cases.transfer.importing.bulk) exists for speed only: a list of thousands of new people
must leave the same people, names, identifiers, cases, charges, charges to review, stays, events,
history rows (with the importing user) and change-feed entries as the row-by-row path.
"""

import pytest

from cases.models import (
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    ChargeToReview,
    Claim,
    ExternalIdentifier,
    Facility,
    FacilityStay,
    Person,
    PersonName,
)
from cases.transfer.importing import MAPPINGS, importer, run_import
from tests.cases.test_import import csv_bytes, row
from tests.factories import FacilityFactory, UserFactory

pytestmark = pytest.mark.django_db

PRISONERS = MAPPINGS["prisoners-list"]
# risk_generation counts the requests to assess a case: the services ask once per charge, the bulk
# path once per case. Only its order matters (a result for an older generation is not stored).
CASE_FIELDS = [
    f.name
    for f in Case._meta.fields
    if f.name
    not in (
        "id",
        "public_id",
        "person",
        "created_at",
        "updated_at",
        "risk_assessed_at",
        "risk_generation",
        "risk_stale_since",
    )
]


def _rows(n: int) -> list[dict]:
    """Rows that reach every kind of record the import writes."""
    out = []
    for i in range(n):
        variant = i % 5
        out.append(
            row(
                id=str(500 + i),
                url=f"https://list.example.org/p/{500 + i}",
                name=["Клыбачэнка Дзмітрый", "Ravush Hanna", "Тарлыч Вольга", "Кудраш Ігар", "Жыгранец Ян"][
                    variant
                ]
                + f" {i}",
                gender="ж" if variant in (1, 2) else "м",
                birthday=["11.1986", "1979", "03.11.1990", "", "07.1960"][variant],
                articles=[
                    "ч. 1 ст. 342",
                    "ч. 2 ст. 293; ч. 1 ст. 342",
                    "ст. 999; ч.1 ст.14, ч.3 ст.289",
                    "ч.1 ст.342; какой-то текст",
                    "ст. 13, ч.2 ст.359",
                ][variant],
                status=["осужден", "освобожден", "под стражей", "осужден", "осужден"][variant],
                verdict_date="15.03.2022" if variant != 2 else "",
                penalty="3 года колонии общего режима" if variant != 2 else "",
                prison="Калонія № 99" if variant == 0 else ("Нет такой" if variant == 3 else ""),
                release_date="01.06.2023" if variant == 1 else "",
                died="02.02.2024" if variant == 4 else "",
            )
        )
    return out


def _state() -> dict:
    """Everything the import wrote, keyed by the list's id, without database ids or random values."""
    state = {}
    for ext in ExternalIdentifier.objects.filter(scheme=PRISONERS.id_scheme).select_related("person"):
        person = ext.person
        cases = list(person.cases.all())
        state[ext.value] = {
            "person": (person.sex, person.birth_date, person.birth_date_precision, person.publication_state),
            "slug_base": person.slug.rsplit("-", 1)[0],
            "names": sorted(
                (n.text, n.script, n.kind, n.is_primary, n.search_key)
                for n in PersonName.objects.filter(person=person)
            ),
            "ids": sorted((e.scheme, e.value) for e in person.external_ids.all()),
            "cases": [
                {
                    "fields": [getattr(c, f) for f in CASE_FIELDS if f != "jurisdiction"],
                    "charges": sorted(
                        (ch.article.notation, ch.stage, ch.state, ch.person_id == person.pk)
                        for ch in Charge.objects.filter(case=c)
                    ),
                    "reviews": sorted(
                        (r.text, r.reason, r.article_number, r.part, r.stage)
                        for r in ChargeToReview.objects.filter(case=c)
                    ),
                    "stays": sorted(
                        (s.facility.slug, s.start_date, s.end_date)
                        for s in FacilityStay.objects.filter(case=c)
                    ),
                    "events": sorted(
                        (e.kind, e.date, e.text, e.is_public) for e in CaseEvent.objects.filter(case=c)
                    ),
                    "history": sorted(
                        (m.__name__, h.history_type, h.history_user.username if h.history_user else None)
                        for m, rows in (
                            (Case, c.history.all()),
                            (Charge, Charge.history.filter(case_id=c.pk)),
                            (CaseEvent, CaseEvent.history.filter(case_id=c.pk)),
                            (FacilityStay, FacilityStay.history.filter(case_id=c.pk)),
                            (ChargeToReview, ChargeToReview.history.filter(case_id=c.pk)),
                        )
                        for h in rows
                    ),
                }
                for c in cases
            ],
            "person_history": sorted(
                (m.__name__, h.history_type, h.history_user.username if h.history_user else None)
                for m, rows in (
                    (Person, person.history.all()),
                    (PersonName, PersonName.history.filter(person_id=person.pk)),
                    (ExternalIdentifier, ExternalIdentifier.history.filter(person_id=person.pk)),
                )
                for h in rows
            ),
            # Each fact the row gives is the list's accepted claim (issue 17), with its history row.
            "claims": sorted(
                (
                    c.fact,
                    str(c.value),
                    c.source.title,
                    c.as_of,
                    c.state,
                    c.created_by.username if c.created_by else None,
                    c.case_id is None,
                )
                for c in Claim.objects.filter(person=person).select_related("source", "created_by")
            ),
            "claim_history": sorted(
                (h.fact, h.history_type, h.history_user.username if h.history_user else None)
                for h in Claim.history.filter(person_id=person.pk)
            ),
            "feed": [
                (r.object_type, r.action, r.is_public, r.person_was_published)
                for r in ChangeRecord.objects.filter(person=person).order_by("id")
            ],
            "stale": [c.risk_stale for c in cases],
        }
    return state


def _import(data, user, monkeypatch, *, bulk: bool):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    report = run_import(data, file_name="list.csv", mapping=PRISONERS, by=user)
    assert report.state == "imported", [str(p) for p in report.problems]
    return report


def _empty_registry():
    ChangeRecord.objects.all().delete()
    # Facilities an import proposed from the list's cells go too; the ones of the registry stay.
    proposed = Facility.objects.filter(needs_review=True)
    Facility.history.filter(id__in=list(proposed.values_list("pk", flat=True))).delete()
    for model in (
        Claim,
        ChargeToReview,
        FacilityStay,
        CaseEvent,
        Charge,
        Case,
        ExternalIdentifier,
        PersonName,
        Person,
    ):
        model.objects.all().delete()
        model.history.all().delete()
    proposed.delete()


def test_bulk_import_writes_exactly_what_the_services_write(law, monkeypatch):
    FacilityFactory(name_en="Калонія № 99")
    user = UserFactory(username="importer")
    data = csv_bytes(_rows(25))

    slow = _import(data, user, monkeypatch, bulk=False)
    by_services = _state()
    _empty_registry()
    fast = _import(data, user, monkeypatch, bulk=True)
    in_bulk = _state()

    assert len(by_services) == 25
    assert in_bulk == by_services, list(_diff(in_bulk, by_services))[:10]
    assert [(o.row, o.action) for o in fast.outcomes] == [(o.row, o.action) for o in slow.outcomes]
    assert fast.counts == slow.counts
    assert sorted(map(str, fast.warnings)) == sorted(map(str, slow.warnings))


def test_bulk_import_then_reimport_is_a_no_op(law, monkeypatch):
    user = UserFactory(username="importer")
    data = csv_bytes(_rows(25))
    _import(data, user, monkeypatch, bulk=True)
    history = Person.history.count() + Case.history.count() + Charge.history.count()

    again = _import(data, user, monkeypatch, bulk=True)

    assert again.created == again.updated == 0 and again.unchanged == 25
    assert Person.history.count() + Case.history.count() + Charge.history.count() == history


def test_a_batch_the_database_refuses_goes_through_the_services_and_names_the_row(law, monkeypatch):
    """A slug or identifier clash in a bulk batch must not lose the rows nor hide the reason."""
    user = UserFactory(username="importer")
    rows = _rows(25)
    data = csv_bytes(rows)
    from cases.transfer.importing import bulk

    real_write = bulk._write

    def write_then_clash(importer_, plans):
        real_write(importer_, plans)
        from django.db import IntegrityError

        raise IntegrityError("simulated clash")

    monkeypatch.setattr(bulk, "_write", write_then_clash)
    report = _import(data, user, monkeypatch, bulk=True)

    assert report.created == 25 and Person.objects.count() == 25  # each row written once, by the services


def _diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            yield from _diff(a.get(k), b.get(k), f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {a!r} != {b!r}"


def test_bulk_history_rows_hold_every_value_of_the_records_they_record(law, monkeypatch):
    """The bulk path copies history rows in the database (copy_into_history): each must hold the
    created record's values field by field (encrypted ones read back the same), the '+' type, the
    importing user and one time for the whole batch."""
    FacilityFactory(name_en="Калонія № 99")
    user = UserFactory(username="importer")
    _import(csv_bytes(_rows(25)), user, monkeypatch, bulk=True)

    checked = 0
    for model in (
        Person,
        PersonName,
        ExternalIdentifier,
        Case,
        CaseEvent,
        Charge,
        ChargeToReview,
        FacilityStay,
    ):
        history = model.history.model
        for obj in model.objects.all():
            (record,) = history.objects.filter(**{model._meta.pk.attname: obj.pk})
            assert (record.history_type, record.history_user_id) == ("+", user.pk)
            for field in history.tracked_fields:
                assert getattr(record, field.attname) == getattr(obj, field.attname), (model, field.name)
            checked += 1
    assert checked > 25 * 4
    dates = {h.history_date for h in Person.history.all()}
    assert len(dates) == 1 and dates <= {h.history_date for h in Charge.history.all()}
