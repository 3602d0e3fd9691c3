"""The change feed's journal: services note what changed, the API serves it in order."""

from cases.models import ChangeRecord


def record_change(*, person, object_type: str, object_id, action: str, is_public: bool = True) -> None:
    """Note a change to one object of a person's record, in the caller's transaction."""
    ChangeRecord.objects.create(
        person=person, object_type=object_type, object_id=str(object_id), action=action, is_public=is_public
    )
