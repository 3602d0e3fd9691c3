"""Benchmark: validating a record's check constraints, ours (one query, cases.models.checks)
against Django's own (one query per constraint, each in a savepoint), on a case (seven checks)
and a charge (six). Inside a transaction that is rolled back, as every service write validates
inside its own; the bench database needs only the law data (setup_django loads it).

    .venv/bin/python bench/check_constraints.py
"""

import datetime
import time

from common import setup_django

ROUNDS = 500


def per_call_ms(validate) -> float:
    validate()
    start = time.perf_counter()
    for _ in range(ROUNDS):
        validate()
    return (time.perf_counter() - start) / ROUNDS * 1000


def main() -> None:
    setup_django()
    from django.db import connection, models, transaction
    from django.test.utils import CaptureQueriesContext

    from cases import services
    from cases.models import Article, Jurisdiction
    from cases.services.people import NameSpec

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            by = Jurisdiction.objects.get(code="BY")
            person = services.create_person(
                names=[
                    NameSpec(text="Бенч Праверкавіч", script="be_cyrl", kind="official_be", is_primary=True)
                ]
            )
            case = services.create_case(
                person=person, jurisdiction=by, detention_date=datetime.date(2024, 1, 5)
            )
            charge = services.add_charge(case=case, article=Article.objects.filter(jurisdiction=by).first())
            for record in (case, charge):
                with CaptureQueriesContext(connection) as ours:
                    record.validate_constraints()
                with CaptureQueriesContext(connection) as djangos:
                    models.Model.validate_constraints(record)
                ours_ms = per_call_ms(record.validate_constraints)
                djangos_ms = per_call_ms(lambda r=record: models.Model.validate_constraints(r))
                name = type(record).__name__
                print(
                    f"  {name}: ours {ours_ms:.2f} ms in {len(ours)} queries, "
                    f"Django's {djangos_ms:.2f} ms in {len(djangos)} queries ({djangos_ms / ours_ms:.1f}x)"
                )
                print(f"RESULT {name.lower()}_ours={ours_ms:.2f}ms {name.lower()}_djangos={djangos_ms:.2f}ms")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
