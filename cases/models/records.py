"""The registry's own records of what happened to it: the change feed, imports and the audit of reads."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import choices
from cases.models.cases import Case
from cases.models.people import Person


class ChangeRecord(models.Model):
    """One entry of the change feed: what changed, never its content (fetched from `object_url`)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        RECLASSIFIED = "reclassified", _("reclassified")
        LEVEL_CHANGED = "level_changed", _("risk level changed")
        REMOVED = "removed", _("removed from public view")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=20)
    object_id = models.CharField(max_length=64, help_text="The object's public identifier")
    action = models.CharField(max_length=20, choices=Action.choices)
    is_public = models.BooleanField(
        default=True, help_text="False for objects that are never public (internal events)"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "id"])]

    def __str__(self):
        return f"{self.id}: {self.action} {self.object_type} {self.object_id}"


def record_change(*, person, object_type: str, object_id, action: str, is_public: bool = True) -> None:
    """Note a change to one object of a person's record in the change feed, in the caller's transaction."""
    ChangeRecord.objects.create(
        person=person, object_type=object_type, object_id=str(object_id), action=action, is_public=is_public
    )


class ImportRun(models.Model):
    """One import of a spreadsheet, dry or real, with its report: the record of who brought what in."""

    class State(models.TextChoices):
        DRY_RUN = "dry_run", _("dry run")
        IMPORTED = "imported", _("imported")
        REFUSED = "refused", _("refused: problems found, nothing imported")

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    mapping = models.CharField(max_length=40)
    state = models.CharField(max_length=10, choices=State.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="Problems by row and column, and what changed"
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_import", "Can import people, cases and charges from a spreadsheet")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()}, {self.created_at:%Y-%m-%d %H:%M})"


class ChargeToReview(models.Model):
    """A charge read from a list whose article the law data does not know: kept for a person to resolve,
    never dropped and never guessed into a real charge."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges_to_review")
    text = models.CharField(max_length=300, help_text="The notation as the list wrote it")
    article_number = models.CharField(max_length=16, blank=True)
    part = models.CharField(max_length=8, blank=True)
    stage = models.CharField(
        max_length=12, choices=choices.ChargeStage.choices, default=choices.ChargeStage.COMPLETED
    )
    reason = models.CharField(max_length=300)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "charge to review"

    def __str__(self):
        return f"{self.text} (needs review)"


class AuditEntry(models.Model):
    """A read of confidential data or a bulk read: who, what, when. Never the data itself."""

    class Action(models.TextChoices):
        READ = "read", _("read confidential fields")
        BULK_READ = "bulk_read", _("bulk read")
        EXPORT = "export", _("export")
        ALERT = "alert", _("administrators alerted")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(max_length=100, help_text="staff:<id>, key:<prefix> or command-line")
    action = models.CharField(max_length=12, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_ids = models.JSONField(default=list, help_text="Public ids of the records read")
    record_count = models.PositiveIntegerField(default=1)
    fields = models.JSONField(default=list, help_text="Names of the confidential fields read")
    via = models.CharField(max_length=200, help_text="The page, API path or command")

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.record_count} {self.object_type}"
