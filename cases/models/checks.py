"""Validation of a model's check constraints in one query.

Django validates each `CheckConstraint` with a query of its own, inside a savepoint when a
transaction is open (`Q.check`): three round trips per constraint. A case has seven, a charge
six, a person five, so saving a case through `full_clean` paid 21 queries for its checks alone,
on every write of every service, import and test. `ChecksInOneQuery.validate_constraints` asks
the database for all of a model's check conditions in one SELECT, in one savepoint, and reports
them exactly as Django does: the same messages, codes, order and skipped conditions. Unique
constraints keep Django's own validation (each is a lookup of other rows).
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def failed_checks(instance, model, checks, *, exclude, using) -> set[str]:
    """The names of the check constraints among `checks` that `instance`'s values break.

    A condition that reads a field in `exclude` is not asked (as Django's `CheckConstraint.validate`
    skips it); a NULL result passes, as it does in the database's CHECK. If the database cannot
    evaluate the query, every check is taken as passed, as `Q.check` does: the database's own
    constraints still refuse a bad row when it is saved.
    """
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(
            value if hasattr(value, "resolve_expression") else Value(value), name, select=False
        )
    asked = {}
    for number, constraint in enumerate(checks):
        alias = f"_check_{number}"
        try:
            query.add_annotation(Coalesce(Q(constraint.condition), True, output_field=BooleanField()), alias)
        except FieldError:  # it reads an excluded field
            continue
        asked[alias] = constraint
    if not asked:
        return set()
    connection = connections[using]
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with savepoint:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        # The error's kind only: its text may quote a value of the record, which may be confidential.
        logger.warning("Could not check the constraints of %s (%s)", model._meta.label, type(error).__name__)
        return set()
    # The row holds the selected annotations in the order they were added.
    return {constraint.name for constraint, passed in zip(asked.values(), row, strict=True) if not passed}


class ChecksInOneQuery:
    """A model whose `full_clean` asks for all its check constraints in one query."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            checks = [c for c in model_constraints if isinstance(c, CheckConstraint)]
            failed = failed_checks(self, model_class, checks, exclude=exclude, using=using) if checks else ()
            for constraint in model_constraints:
                try:
                    if isinstance(constraint, CheckConstraint):
                        if constraint.name in failed:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # As Django's Model.validate_constraints files each error.
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
