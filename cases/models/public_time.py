"""When what the public sees of a record last changed: an `updated_at` that internal edits do not move."""

import copy

from django.utils import timezone

_NOT_LOADED = object()


class PublicUpdateTime:
    """For a model whose `updated_at` the public sees: it moves only when one of the model's
    `PUBLIC_FIELDS` changes, or when the row is new.

    The public API, the sitemap and the public filters and orderings show or use `updated_at`; if
    an edit of internal notes or contacts moved it, anyone could see when staff worked on a
    person (issue #13). Every edit, with its time and author, stays in the record's history.
    A bulk `QuerySet.update()` moves nothing, as it never did.
    """

    PUBLIC_FIELDS: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._public_values = instance._current_public_values()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        # What was just read is what the public sees now; fields not read keep their snapshot.
        current = self._current_public_values()
        if fields is None:
            self._public_values = current
        else:
            read = {name for name in current if name in fields or name.removesuffix("_id") in fields}
            self._public_values = {**getattr(self, "_public_values", {}), **{n: current[n] for n in read}}

    def save(self, *args, **kwargs):
        if self.public_fields_changed():
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)
        self._public_values = self._current_public_values()

    def public_fields_changed(self) -> bool:
        """True for a new row, or when a public field differs from what was loaded or last saved."""
        return self._state.adding or getattr(self, "_public_values", None) != self._current_public_values()

    def _current_public_values(self) -> dict:
        # A copy, so that a list edited in place (a JSON field) still counts as a change.
        return copy.deepcopy({name: self.__dict__.get(name, _NOT_LOADED) for name in self.PUBLIC_FIELDS})
