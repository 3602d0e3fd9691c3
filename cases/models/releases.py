"""How people leave custody: one release per case, with how, to where and what was withheld."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import choices, countries, partial_dates
from cases.models.cases import Case, CaseEvent, latest_event
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.protection.fields import EncryptedTextField


class ReleaseWave(ChecksInOneQuery, models.Model):
    """People released together (issue 18, point 2): a day, who announced it, the government or
    envoy on the other side, what was announced in return (as reported), where the people were
    taken, with sources. Each person's own release points here."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("How it is known, e.g. 'September 2025 release'")
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.DAY,
        help_text=_("How much of the date is known"),
    )
    announced_by = models.CharField(
        _("announced by"),
        max_length=300,
        blank=True,
        help_text=_("Who announced it, e.g. the presidential press service"),
    )
    counterpart = models.CharField(
        _("counterpart"),
        max_length=300,
        blank=True,
        help_text=_("The government or envoy on the other side of the deal"),
    )
    in_return = models.TextField(
        _("in return"), blank=True, help_text=_("What was announced in return, as reported (public)")
    )
    destination_country = models.CharField(
        _("destination country"),
        max_length=2,
        blank=True,
        choices=countries.choices,
        help_text=_("Where the people were taken (ISO 3166)"),
    )
    how = models.CharField(
        _("how"),
        max_length=20,
        choices=choices.ReleaseKind.choices,
        default=choices.ReleaseKind.PARDON,
        help_text=_("How the people of the wave were released (each release can say otherwise)"),
    )
    is_public = models.BooleanField(
        _("is public"), default=True, help_text=_("A public page lists its published people")
    )
    sources = models.ManyToManyField(
        "cases.Source", verbose_name=_("sources"), blank=True, related_name="release_waves"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = _("release wave")
        verbose_name_plural = _("release waves")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=choices.ReleaseKind.values),
                name="releasewave_how_valid",
                violation_error_message=_("Unknown way of release."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.date = partial_dates.normalised(self.date, self.date_precision)[0]
        super().save(*args, **kwargs)

    @property
    def destination_name(self) -> str:
        return countries.country_name(self.destination_country)


class ReleaseQuerySet(models.QuerySet):
    def out(self):
        """Releases whose case's status says the person is out (release_of, in a query)."""
        return self.filter(case__status__in=choices.RELEASE_STATUSES)

    def shown_publicly(self):
        """Releases a public page may show: the person out, and the timeline entry that dates the
        release public (the public role's row policy says the same on PostgreSQL)."""
        public_entry = CaseEvent.objects.filter(
            case_id=models.OuterRef("case_id"), kind__in=choices.CUSTODY_END_KINDS, is_public=True
        )
        return self.out().filter(models.Exists(public_entry))


class Release(ChecksInOneQuery, models.Model):
    """How the person left custody in one case (issue 18).

    Whether the person is out is the case's status (one of RELEASE_STATUSES: what counts them as
    no longer held); a status moved there by any path makes a release whose how is what the status
    says (cases.services.cases). The day is not kept here: it is the case's timeline entry that
    says so (the latest 'released', 'pardoned' or 'deported' entry, or 'died' for a death in
    custody), with its precision, its sources and its public flag, which the claims on the release
    date move. A release is as public as that entry; the family left behind is never public.
    """

    # What the public sees of a release, when its timeline entry is public.
    PUBLIC_FIELDS = ("case_id", "how", "destination_country", "documents_withheld")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="release"
    )
    how = models.CharField(
        _("how"), max_length=20, choices=choices.ReleaseKind.choices, default=choices.ReleaseKind.UNKNOWN
    )
    destination_country = models.CharField(
        _("destination country"),
        max_length=2,
        blank=True,
        choices=countries.choices,
        help_text=_("Where the person was taken or went on release (ISO 3166); empty: not known"),
    )
    documents_withheld = models.CharField(
        _("documents withheld"),
        max_length=3,
        blank=True,
        choices=choices.Answer.choices,
        help_text=_("Were passport or identity documents withheld on release?"),
    )
    wave = models.ForeignKey(
        ReleaseWave,
        verbose_name=_("wave"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
    )
    family_left_behind = EncryptedTextField(
        _("family left behind"),
        blank=True,
        help_text=_(
            "Confidential, staff only, encrypted: relatives who stayed in the country, as "
            "the family or the person told it"
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReleaseQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=choices.ReleaseKind.values),
                name="release_how_valid",
                violation_error_message=_("Unknown way of release."),
            ),
            models.CheckConstraint(
                condition=Q(documents_withheld__in=choices.Answer.values),
                name="release_documents_withheld_valid",
                violation_error_message=_("Documents withheld is yes, no or not known."),
            ),
        ]

    def __str__(self):
        return f"{self.get_how_display()} ({self.case})"

    @property
    def event_kinds(self) -> tuple[str, ...]:
        return release_event_kinds(self.how)

    @property
    def event(self) -> CaseEvent | None:
        """The timeline entry that dates the release (whichever events the case prefetched)."""
        return latest_event(self.case.events.all(), self.event_kinds)

    @property
    def destination_name(self) -> str:
        return countries.country_name(self.destination_country)


def release_event_kinds(how: str) -> tuple[str, ...]:
    """The timeline entries a release is dated by (the latest of them; the first is the one a new
    release writes): a death in custody is a death, not a release."""
    if how == choices.ReleaseKind.DEATH_IN_CUSTODY:
        return (choices.EventKind.DIED,)
    return (choices.EventKind.RELEASED, choices.EventKind.PARDONED, choices.EventKind.DEPORTED)


def release_of(case: Case) -> Release | None:
    """The case's release while its status says the person is out; None otherwise (a release
    entered by mistake, the person held again: the status says so), and None for no release."""
    try:
        release = case.release
    except Release.DoesNotExist:
        return None
    return release if case.status in choices.RELEASE_STATUSES else None
