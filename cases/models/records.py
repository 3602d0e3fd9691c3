"""The registry's own records of what happened to it: the change feed, imports and the audit of reads."""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import background, choices
from cases.models.cases import Case
from cases.models.history import RegistryHistory
from cases.models.people import Person, published_q

# Entries of the change feed that only readers of contacts see (issue 19): a contact, and a
# person's letter counts.
CONTACT_FEED_TYPES = ("contact", "letters")


class ChangeRecordQuerySet(models.QuerySet):
    def published(self, *, internal: bool = False, contacts: bool = False):
        """The one definition of what a reader of published records only (anonymous callers and
        every partner key) may read of the change feed.

        An entry shows when it was written while its person was published, and the person still is
        (`Person.objects.published()`): work on a draft, on a withdrawn person or on a record
        later merged in never shows, before or after publication. An entry of a `person` object
        shows only under that person's own slug (a merge moves the entries of the merged record,
        which name it). Internal entries (internal events) show only with `internal`. A person who
        is no longer published shows as their removal alone, which names them by their public
        UUID, never by the slug built from their name.
        """
        published = published_q("person__")
        current = (
            published
            & Q(person_was_published=True)
            & (~Q(object_type="person") | Q(object_id=F("person__slug")))
        )
        # Contacts with a person in custody (issue 19) are internal entries that only a reader of
        # contacts sees (`contacts`: a key with read:contacts): when a family visited is not for
        # every partner's mirror.
        visible = Q() if internal else Q(is_public=True)
        if contacts:
            visible |= Q(object_type__in=CONTACT_FEED_TYPES)
        else:
            visible &= ~Q(object_type__in=CONTACT_FEED_TYPES)
        # A confidential item of health or ill-treatment (issue 19) is staff's alone: not even its
        # existence goes to a key.
        visible &= ~Q(object_type="particular_risk", is_public=False)
        current &= visible
        removed = Q(action=ChangeRecord.Action.REMOVED, object_type="person") & ~published
        return self.filter(current | removed)


class ChangeRecord(models.Model):
    """One entry of the change feed: what changed, never its content (fetched from `object_url`)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        RECLASSIFIED = "reclassified", _("reclassified")
        LEVEL_CHANGED = "level_changed", _("risk level changed")
        REMOVED = "removed", _("removed from public view")
        # A mistake put right (cases.services.corrections): not a legal event, so mirrors replace
        # the record rather than add a step to its history; a withdrawn record never existed.
        CORRECTED = "corrected", _("corrected")
        WITHDRAWN = "withdrawn", _("withdrawn as a mistake")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(_("object type"), max_length=20)
    object_id = models.CharField(
        _("object id"),
        max_length=120,  # a person's slug is up to 120 characters
        help_text=_(
            "The object's public identifier; a person's removal names the person's public UUID, "
            "never the slug"
        ),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    is_public = models.BooleanField(
        _("is public"), default=True, help_text=_("False for objects that are never public (internal events)")
    )
    person_was_published = models.BooleanField(
        _("person was published"),
        default=False,
        help_text=_(
            "Whether the person was published when this was written: what is done to drafts "
            "and withdrawn people never reaches readers of published records"
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "id"])]

    def __str__(self):
        return f"{self.id}: {self.action} {self.object_type} {self.object_id}"


def record_change(*, person, object_type: str, object_id, action: str, is_public: bool = True) -> None:
    """Note a change to one object of a person's record in the change feed, in the caller's transaction.

    Whether the person is published is read from the database, not from `person`: a caller's copy
    can predate a publication or withdrawal in the same transaction.
    """
    entry = ChangeRecord.objects.create(
        person=person,
        object_type=object_type,
        object_id=str(object_id),
        action=action,
        is_public=is_public,
        person_was_published=Person.objects.published().filter(pk=person.pk).exists(),
    )
    if takes_away(entry):
        _rebuild_downloads_on_commit()


def _rebuild_downloads_on_commit() -> None:
    """The files of the whole registry are not served while they hold what was taken away
    (cases.transfer.published_files): ask for their rebuild when the change commits, once per
    transaction, rather than wait for beat's next check."""
    connection = transaction.get_connection()
    if any(item[1] is _ask_for_downloads for item in connection.run_on_commit):
        return
    transaction.on_commit(_ask_for_downloads, robust=True)


def _ask_for_downloads() -> None:
    background.send("refresh_public_downloads")


class ImportRun(models.Model):
    """One import of a spreadsheet, dry or real, with its report: the record of who brought what in."""

    class State(models.TextChoices):
        DRY_RUN = "dry_run", _("dry run")
        IMPORTED = "imported", _("imported")
        REFUSED = "refused", _("refused: problems found, nothing imported")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file sha256"), max_length=64)
    mapping = models.CharField(_("mapping"), max_length=40, help_text=_("The import profile's code"))
    profile = models.ForeignKey(
        "ImportProfile",
        verbose_name=_("profile"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    profile_config = models.JSONField(
        _("profile config"),
        default=dict,
        blank=True,
        help_text=_("The profile as it was when this run read the file"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    report = models.JSONField(
        _("report"), default=dict, blank=True, help_text=_("Problems by row and column, and what changed")
    )

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]
        permissions = [("run_import", "Can import people, cases and charges from a spreadsheet")]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()}, {self.created_at:%Y-%m-%d %H:%M})"


class ImportRunLine(models.Model):
    """One line of an import's report: a problem (its row was refused), a warning (its row was
    imported), or what happened to a row (created, updated, rejected; unchanged rows are only
    counted). A run of 100,000 rows can leave as many lines: they are written a batch at a time
    and read a page at a time, never held whole. Like the report, a line never holds cell contents
    beyond article notations, statuses and facility names."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("problem")
        WARNING = "warning", _("warning")
        ROW = "row", _("row outcome")

    run = models.ForeignKey(ImportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    position = models.PositiveIntegerField(
        _("position"), help_text=_("The line's place among the run's lines of its kind")
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True, help_text=_("Empty: the whole file"))
    column = models.CharField(_("column"), max_length=200, blank=True)
    action = models.CharField(
        _("action"), max_length=10, blank=True, help_text=_("created, updated or rejected")
    )
    text = models.TextField(_("text"), blank=True, help_text=_("The reason, or the changes made to the row"))
    # The same as a message (cases.wording): a code and its parameters, rendered in the reader's
    # language; `text` stays its English rendering, for the management command and search. A line
    # from before messages whose text could not be read back holds {"text": …}: shown in English.
    message = models.JSONField(_("message"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import run line")
        verbose_name_plural = _("import run lines")
        ordering = ["run", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "position"], name="importrunline_unique_position")
        ]

    def __str__(self):
        where = gettext("file") if self.row is None else gettext("row %(row)d") % {"row": self.row}
        return f"{self.get_kind_display()}, {where}: {self.text[:60]}"


class ChargeToReview(models.Model):
    """A charge read from a list whose article the law data does not know: kept for a person to resolve,
    never dropped and never guessed into a real charge."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="charges_to_review"
    )
    text = models.CharField(_("text"), max_length=300, help_text=_("The notation as the list wrote it"))
    article_number = models.CharField(_("article number"), max_length=16, blank=True)
    part = models.CharField(_("part"), max_length=8, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=choices.ChargeStage.choices, default=choices.ChargeStage.COMPLETED
    )
    reason = models.CharField(_("reason"), max_length=300)
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("charge to review")
        verbose_name_plural = _("charges to review")

    def __str__(self):
        return gettext("%(text)s (needs review)") % {"text": self.text}


class Contradiction(models.Model):
    """Facts of one record that cannot all be true (a death date with a "held" status, a release
    before the detention): flagged for staff, never silently kept or silently resolved.

    Found by the pure checks of cases.services.contradictions; at most one open flag per record
    and kind, closed by a person with a note.
    """

    class Kind(models.TextChoices):
        DIED_BUT_HELD = "died_but_held", _("a death date with a status that says the person is held")
        RELEASED_BUT_HELD = (
            "released_but_held",
            _("a release date with a status that says the person is held"),
        )
        RELEASE_BEFORE_DETENTION = "release_before_detention", _("released before the detention")
        VERDICT_BEFORE_DETENTION = "verdict_before_detention", _("a verdict before the detention")
        VERDICT_BEFORE_CHARGE = "verdict_before_charge", _("a verdict before a charge was brought")
        OFFENCE_AFTER_DETENTION = "offence_after_detention", _("an act dated after the detention")
        DETENTION_BEFORE_BIRTH = "detention_before_birth", _("a detention before the person was born")
        SOURCES_DISAGREE = "sources_disagree", _("a list says otherwise than the record")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="contradictions"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contradictions",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    text = models.CharField(
        _("text"), max_length=500, help_text=_("What disagrees with what, with the dates")
    )
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contradictions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("contradiction")
        verbose_name_plural = _("contradictions")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(resolved_at__isnull=True, case__isnull=False),
                name="contradiction_one_open_per_kind",
                violation_error_message=_("This contradiction is already flagged on this case."),
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(resolved_at__isnull=True, case__isnull=True),
                name="contradiction_one_open_per_person_kind",
                violation_error_message=_("This contradiction is already flagged on this person."),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class AuditEntry(models.Model):
    """A read of confidential data or a bulk read: who, what, when. Never the data itself."""

    class Action(models.TextChoices):
        READ = "read", _("read confidential fields")
        BULK_READ = "bulk_read", _("bulk read")
        EXPORT = "export", _("export")
        ALERT = "alert", _("administrators alerted")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.CharField(
        _("actor"), max_length=100, help_text=_("staff:<id>, key:<prefix> or command-line")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_ids = models.JSONField(
        _("object ids"), default=list, help_text=_("Public ids of the records read")
    )
    record_count = models.PositiveIntegerField(_("record count"), default=1)
    fields = models.JSONField(_("fields"), default=list, help_text=_("Names of the confidential fields read"))
    via = models.CharField(_("via"), max_length=200, help_text=_("The page, API path or command"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.record_count} {self.object_type}"


class ChangeRecordFacts:
    """What the change feed says about the public registry as a whole, for files built from it."""

    @staticmethod
    def newest_public_with_time():
        """The id and time of the newest entry that may change what the public sees ((0, None) when
        none): a change to a published person's public record, or a person's removal."""
        newest = (
            ChangeRecord.objects.filter(
                Q(person_was_published=True, is_public=True)
                | Q(action=ChangeRecord.Action.REMOVED, object_type="person")
            )
            .order_by("-id")
            .values_list("id", "created_at")
            .first()
        )
        return newest or (0, None)

    @staticmethod
    def took_away_since(cursor: int) -> bool:
        """Whether anything the public saw was taken away after entry `cursor` (`takes_away`)."""
        return ChangeRecord.objects.filter(_TAKES_AWAY, id__gt=cursor).exists()


_TAKING = ChangeRecord.Action.REMOVED, ChangeRecord.Action.WITHDRAWN, ChangeRecord.Action.CORRECTED
# `takes_away` as a query; tests/public/test_published_files.py checks that the two agree.
_TAKES_AWAY = (
    Q(action__in=_TAKING, is_public=True)
    | Q(action=ChangeRecord.Action.REMOVED, object_type="person")
    | Q(object_type="event", is_public=False, person_was_published=True)
)


def takes_away(entry: ChangeRecord) -> bool:
    """Whether the entry takes away something the public may have seen: a person withdrawn or
    merged away, a record withdrawn or corrected as a mistake, an event of a published person
    written as internal (the entry cannot tell whether it was public before, so it counts)."""
    return (
        (entry.action in _TAKING and entry.is_public)
        or (entry.action == ChangeRecord.Action.REMOVED and entry.object_type == "person")
        or (entry.object_type == "event" and not entry.is_public and entry.person_was_published)
    )


class PublishedFile(models.Model):
    """A file of the whole published registry, built by a task and served as it is
    (cases.transfer.published_files): which file is current, and what it was built from."""

    JSON, CSV = "json", "csv"
    # A file format's name is the same in every language: not a translated choice list.
    FORMATS = ((JSON, "JSON"), (CSV, "CSV"))

    format = models.CharField(_("format"), max_length=8, choices=FORMATS, unique=True)
    name = models.CharField(
        _("file name"), max_length=200, help_text=_("In the downloads storage, compressed")
    )
    etag = models.CharField(
        _("content digest"), max_length=64, help_text=_("SHA-256 of the uncompressed file")
    )
    size = models.BigIntegerField(_("size"), help_text=_("Bytes, uncompressed"))
    compressed_size = models.BigIntegerField(_("compressed size"))
    change_cursor = models.BigIntegerField(
        _("change cursor"), help_text=_("The newest change feed entry the file includes")
    )
    built_at = models.DateTimeField(_("built at"))
    changed_at = models.DateTimeField(
        _("content changed at"), help_text=_("When a build last gave different content (Last-Modified)")
    )
    build_seconds = models.FloatField(_("build seconds"))

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")

    def __str__(self):
        return f"{self.format} {self.built_at:%Y-%m-%d %H:%M}"
