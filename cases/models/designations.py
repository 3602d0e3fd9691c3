"""The states' designation lists (issue 18, point 5): who was on which list from when to when.

A list ("persons involved in terrorist activity", kept by the KGB of Belarus in Russian) is
imported as dated, sourced snapshots; each snapshot keeps its entries as written. Confirming a
snapshot's matches with the registry's people records each person's designation: the day they are
first known to be on it (and the last snapshot known without them), and the day they are first
known to be off it. Dates come from the snapshots, so they are bounds, never guesses.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates
from cases.models.cases import CaseEvent, precision_field
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import Jurisdiction, reader_language
from cases.models.people import Person


class DesignationList(ChecksInOneQuery, models.Model):
    """One of a state's lists of people it designates. Shipped lists come from
    cases/data/registry/<jurisdiction>.yaml; staff can add others and edit their wording."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="designation_lists",
    )
    name = models.CharField(
        _("name"), max_length=500, help_text=_("The list's title as the issuer writes it")
    )
    name_en = models.CharField(_("name en"), max_length=500, blank=True, help_text=_("The title in English"))
    kind = models.CharField(_("kind"), max_length=12, choices=choices.DesignationKind.choices)
    issued_by = models.CharField(_("issued by"), max_length=300, blank=True)
    url = models.URLField(_("url"), max_length=1000, blank=True, help_text=_("Where the issuer publishes it"))
    gives_watch_reason = models.BooleanField(
        _("gives watch reason"),
        default=False,
        help_text=_(
            "A person on this list gets a 'watch' reason in every case (RISK_RULES.md: an "
            "inclusion often comes before a terrorism charge)"
        ),
    )
    is_public = models.BooleanField(
        _("is public"),
        default=True,
        help_text=_("Inclusions and removals are public timeline entries (the list itself is public)"),
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("designation list")
        verbose_name_plural = _("designation lists")
        ordering = ["jurisdiction__code", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.DesignationKind.values),
                name="designationlist_kind_valid",
                violation_error_message=_("Unknown kind of designation list."),
            ),
        ]

    def __str__(self):
        # A reader of Belarusian or Russian is given the title as the issuer writes it (Russian).
        if reader_language() == "en":
            return self.name_en or self.name
        return self.name


class DesignationSnapshot(models.Model):
    """A list as published on one day, with its source; its entries are kept as written."""

    designation_list = models.ForeignKey(
        DesignationList,
        verbose_name=_("designation list"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    date = models.DateField(_("date"), help_text=_("The day the list was published or read in this state"))
    source = models.ForeignKey(
        "cases.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="designation_snapshots",
    )
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        help_text=_("When staff last confirmed its matches with the registry's people"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("designation snapshot")
        verbose_name_plural = _("designation snapshots")
        ordering = ["designation_list", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation_list", "date"],
                name="one_snapshot_per_list_and_day",
                violation_error_message=_("This list already has a snapshot of that day."),
            ),
        ]

    def __str__(self):
        return gettext("%(list)s as of %(date)s") % {"list": self.designation_list, "date": self.date}


class SnapshotEntry(models.Model):
    """One entry of a snapshot as written, with what was read from it, and the registry's person
    once staff confirmed the match (None: not in the registry, or not chosen)."""

    snapshot = models.ForeignKey(
        DesignationSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="entries"
    )
    line = models.PositiveIntegerField(_("line"))
    text = models.TextField(_("text"), help_text=_("The entry as the list writes it"))
    name = models.CharField(_("name"), max_length=500)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    # The entry's identity across snapshots: its name key (cases.identity.names) and birth date,
    # so a name already on an earlier snapshot is known to have been listed then, matched or not.
    entry_key = models.CharField(_("entry key"), max_length=600, db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_date_precision = precision_field(
        _("birth date precision"), _("How much of the birth date is known")
    )
    listed_on = models.DateField(
        _("listed on"), null=True, blank=True, help_text=_("The day of inclusion, where the list gives it")
    )
    listed_on_precision = precision_field(
        _("listed on precision"), _("How much of the day of inclusion is known")
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designation_entries",
    )

    class Meta:
        verbose_name = _("snapshot entry")
        verbose_name_plural = _("snapshot entries")
        ordering = ["snapshot", "line"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "line"], name="one_entry_per_snapshot_line"),
        ]

    def __str__(self):
        return f"{self.line}. {self.name}"


class Designation(models.Model):
    """A person's time on one list, as the snapshots bound it: first known on it (`listed_on`,
    or the day the list itself gives), known not on it before (`listed_after`, the last snapshot
    without them; None when no earlier snapshot says), first known off it (`removed_on`, with
    `removed_after` the last snapshot with them)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="designations"
    )
    designation_list = models.ForeignKey(
        DesignationList,
        verbose_name=_("designation list"),
        on_delete=models.PROTECT,
        related_name="designations",
    )
    listed_on = models.DateField(_("listed on"))
    listed_on_precision = precision_field(
        _("listed on precision"), _("How much of the day of inclusion is known")
    )
    listed_on_given = models.BooleanField(
        _("listed on given"),
        default=False,
        help_text=_("The list itself gives the day (else it is the first snapshot showing the person)"),
    )
    listed_after = models.DateField(_("listed after"), null=True, blank=True)
    first_seen = models.ForeignKey(
        DesignationSnapshot,
        verbose_name=_("first seen"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    last_seen = models.ForeignKey(
        DesignationSnapshot,
        verbose_name=_("last seen"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_after = models.DateField(_("removed after"), null=True, blank=True)
    removed_in = models.ForeignKey(
        DesignationSnapshot,
        verbose_name=_("removed in"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    listed_event = models.OneToOneField(
        CaseEvent,
        verbose_name=_("listed event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designation_listed",
    )
    removed_event = models.OneToOneField(
        CaseEvent,
        verbose_name=_("removed event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designation_removed",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        ordering = ["person", "designation_list", "listed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "designation_list"],
                condition=Q(removed_on__isnull=True),
                name="one_open_designation_per_person_and_list",
                violation_error_message=_("The person is already on this list."),
            ),
        ]

    def __str__(self):
        return gettext("%(person)s on %(list)s since %(date)s") % {
            "person": self.person,
            "list": self.designation_list,
            "date": self.listed_words,
        }

    @property
    def listed_words(self) -> str:
        return partial_dates.iso(self.listed_on, self.listed_on_precision)
