"""Criminal cases: their charges and reclassifications, timeline events, and places of detention."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import Article, Jurisdiction, Region, in_language, reader_language
from cases.models.people import Person
from cases.models.public_time import PublicUpdateTime
from cases.models.sources import Source
from cases.models.translated import TranslatedContent, content_language_field, translations_field
from cases.sentences import expected_release_period


def start_partial_dates(instance, fields) -> None:
    """Store each partial date as the first day of its period, whatever day a form sent with it
    (a day typed with "year" precision would otherwise read as a more precise date)."""
    for name in fields:
        value = getattr(instance, name)
        if value is not None:
            setattr(
                instance, name, partial_dates.normalised(value, getattr(instance, f"{name}_precision"))[0]
            )


def precision_field(verbose_name, help_text) -> models.CharField:
    """How much of a date is known (cases.partial_dates): with month or year precision the date is
    the first day of the period. Meaningless while the date itself is empty. Both texts are whole
    sentences marked for translation by the caller ("How much of the detention date is known"):
    a date's name pieced into a sentence cannot agree with it in Belarusian or Russian."""
    return models.CharField(
        verbose_name,
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.DAY,
        help_text=help_text,
    )


class Facility(models.Model):
    """A place of detention, with the postal address letters must use."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="facilities"
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.FacilityKind.choices)
    regime = models.CharField(_("regime"), max_length=20, choices=choices.Regime.choices, blank=True)
    name_en = models.CharField(_("name en"), max_length=200)
    name_be = models.CharField(_("name be"), max_length=200, blank=True)
    name_ru = models.CharField(_("name ru"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_("The usual short form lists write, e.g. ИК-15 or СИЗО-1"),
    )
    other_names = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Other forms lists use for this place (long official names, older names), one per item"),
    )
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    postal_address = models.TextField(
        _("postal address"), blank=True, help_text=_("In Cyrillic, as letters must be addressed")
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_(
            "Created from a list's cell and not yet confirmed: the address is shown to staff as "
            "written, and to the public only once a Publisher confirms it"
        ),
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_en"]

    def __str__(self):
        return self.name()

    def name(self, language: str | None = None) -> str:
        return in_language(self, "name", language)[0]


class CaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(person__publication_state=choices.PublicationState.PUBLISHED)


def latest_event(events, kind: str | tuple[str, ...]):
    """The latest of `events` of `kind` (one kind, or any of several; by date, then by id), or
    None: a case's release is its latest 'released' event, whichever events a caller has (all of
    them, or the public ones)."""
    kinds = (kind,) if isinstance(kind, str) else kind
    return max((event for event in events if event.kind in kinds), key=lambda e: (e.date, e.pk), default=None)


class Case(ChecksInOneQuery, PublicUpdateTime, models.Model):
    """One criminal case against one person, in one jurisdiction."""

    # What the public sees of a case (PUBLIC_COLUMNS of the public database role, less bookkeeping
    # and the risk fields, which move by bulk updates); a change to one of these moves
    # `updated_at`. The judge and the prosecutor are not shown.
    PUBLIC_FIELDS = (
        "person_id",
        "jurisdiction_id",
        "case_number",
        "investigating_body",
        "detention_date",
        "detention_date_precision",
        "detention_place",
        "status",
        "court",
        "verdict_date",
        "verdict_date_precision",
        "verdict_final_on",
        "verdict_final_on_precision",
        "sentence_kind",
        "sentence_years",
        "sentence_months",
        "sentence_regime",
        "expected_release_date",
        "expected_release_latest",
        "recognised_on",
        "recognised_on_precision",
        "recognised_by",
        "recognition_statement_url",
        "recognition_criteria",
    )

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="cases"
    )
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    investigating_body = models.CharField(_("investigating body"), max_length=200, blank=True)
    detention_date = models.DateField(_("detention date"), null=True, blank=True)
    detention_date_precision = precision_field(
        _("detention date precision"), _("How much of the detention date is known")
    )
    detention_place = models.CharField(_("detention place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=choices.CaseStatus.choices, default=choices.CaseStatus.DETAINED
    )
    court = models.CharField(_("court"), max_length=200, blank=True)
    judge = models.CharField(
        _("judge"), max_length=200, blank=True, help_text=_("Public, as the lists publish it")
    )
    prosecutor = models.CharField(
        _("prosecutor"), max_length=200, blank=True, help_text=_("Public, as the lists publish it")
    )
    verdict_date = models.DateField(_("verdict date"), null=True, blank=True)
    verdict_date_precision = precision_field(
        _("verdict date precision"), _("How much of the verdict date is known")
    )
    # The day the verdict entered into force: the appeal decided, or the time to appeal passed
    # unused. From then a conviction with a sentence other than death no longer counts towards
    # the risk of execution (RISK_RULES.md, after the verdict); until it is recorded, it does.
    verdict_final_on = models.DateField(
        _("verdict final on"),
        null=True,
        blank=True,
        help_text=_("The day the verdict became final (appeal decided, or the time to appeal passed)"),
    )
    verdict_final_on_precision = precision_field(
        _("verdict final on precision"), _("How much of the day the verdict became final is known")
    )
    sentence_kind = models.CharField(
        _("sentence kind"), max_length=30, choices=choices.SentenceKind.choices, blank=True, default=""
    )
    sentence_years = models.PositiveSmallIntegerField(_("sentence years"), null=True, blank=True)
    sentence_months = models.PositiveSmallIntegerField(_("sentence months"), null=True, blank=True)
    sentence_regime = models.CharField(
        _("sentence regime"), max_length=20, choices=choices.Regime.choices, blank=True
    )
    expected_release_date = models.DateField(
        _("expected release date"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Computed from the detention date and the term: the earliest possible day"),
    )
    expected_release_latest = models.DateField(
        _("expected release latest"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The latest possible day: later than the earliest when the detention date is partial"),
    )
    recognised_on = models.DateField(_("recognised as a political prisoner on"), null=True, blank=True)
    recognised_on_precision = precision_field(
        _("recognised on precision"), _("How much of the recognition date is known")
    )
    recognised_by = models.CharField(_("recognised by"), max_length=200, blank=True)
    recognition_statement_url = models.URLField(
        _("recognition statement url"),
        max_length=500,
        blank=True,
        help_text=_("Public: the statement that recognised the person, on its publisher's site"),
    )
    recognition_criteria = models.JSONField(_("recognition criteria"), default=list, blank=True)
    # The current risk, kept on the case for filtering; the history is in RiskAssessment.
    # risk_generation counts the changes that may move the level; a case is stale until an
    # assessment has seen the latest generation, and a stale case is shown as "under review".
    risk_level = models.CharField(
        _("risk level"),
        max_length=20,
        choices=choices.RiskLevel.choices,
        default=choices.RiskLevel.NONE,
        editable=False,
    )
    risk_stale = models.BooleanField(_("risk stale"), default=True, editable=False, db_index=True)
    risk_stale_since = models.DateTimeField(
        _("risk stale since"),
        null=True,
        blank=True,
        editable=False,
        default=timezone.now,
        help_text=_("When the case became stale (empty while its assessment is current)"),
    )
    risk_generation = models.PositiveBigIntegerField(_("risk generation"), default=1, editable=False)
    risk_assessed_generation = models.PositiveBigIntegerField(
        _("risk assessed generation"), default=0, editable=False
    )
    risk_assessed_at = models.DateTimeField(_("risk assessed at"), null=True, blank=True, editable=False)
    risk_digest = models.CharField(
        _("risk digest"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Digest of the last stored assessment"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(
        _("updated at"),
        default=timezone.now,
        editable=False,
        help_text=_("When what the public may see of this case last changed; internal edits do not move it"),
    )

    objects = CaseQuerySet.as_manager()
    history = RegistryHistory(
        excluded_fields=[
            "updated_at",
            "risk_stale",
            "risk_stale_since",
            "risk_generation",
            "risk_assessed_generation",
            "risk_assessed_at",
            "risk_digest",
        ]
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-detention_date", "-id"]
        indexes = [
            # "People whose case is at this level" (the public list's and the API's risk filter):
            # without it every filtered page read all the cases (issue 21: 67 ms at 100,000
            # people; with it the page's query took 17 ms instead of 41, the count 12 instead of 28).
            models.Index(
                fields=["risk_level", "person"], condition=Q(risk_stale=False), name="case_fresh_level_person"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                # Only two whole days can be compared here; a partial date is checked against
                # its range by cases.services.contradictions, which flags what cannot be true.
                condition=Q(verdict_date__isnull=True)
                | Q(detention_date__isnull=True)
                | ~Q(verdict_date_precision=choices.DatePrecision.DAY)
                | ~Q(detention_date_precision=choices.DatePrecision.DAY)
                | Q(verdict_date__gte=F("detention_date")),
                name="case_verdict_not_before_detention",
                violation_error_message=_("The verdict date cannot be before the detention date."),
            ),
            models.CheckConstraint(
                condition=Q(sentence_kind__in=[k.value for k in choices.TERM_SENTENCES])
                | Q(sentence_years__isnull=True, sentence_months__isnull=True),
                name="case_term_only_for_term_sentences",
                violation_error_message=_("Years and months belong only to a term sentence."),
            ),
            models.CheckConstraint(
                condition=Q(sentence_months__isnull=True) | Q(sentence_months__lt=12),
                name="case_sentence_months_below_12",
                violation_error_message=_("Months must be below 12; give whole years in years."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=choices.CaseStatus.values),
                name="case_status_valid",
                violation_error_message=_("Unknown case status."),
            ),
            models.CheckConstraint(
                condition=Q(verdict_final_on__isnull=True) | Q(verdict_date__isnull=False),
                name="case_final_needs_verdict_date",
                violation_error_message=(
                    _("A verdict can become final only once there is a verdict: record its date.")
                ),
            ),
            models.CheckConstraint(
                condition=Q(verdict_final_on__isnull=True)
                | Q(verdict_date__isnull=True)
                | ~Q(verdict_date_precision=choices.DatePrecision.DAY)
                | ~Q(verdict_final_on_precision=choices.DatePrecision.DAY)
                | Q(verdict_final_on__gte=F("verdict_date")),
                name="case_final_not_before_verdict",
                violation_error_message=_(
                    "The verdict cannot become final before the day it was handed down."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sentence_kind="") | Q(verdict_date__isnull=False),
                name="case_sentence_needs_verdict_date",
                violation_error_message=_("A sentence needs the verdict date."),
            ),
        ]

    def __str__(self):
        number = self.case_number or str(self.public_id)[:8]
        return gettext("%(person)s — case %(number)s") % {"person": self.person, "number": number}

    PARTIAL_DATES = ("detention_date", "verdict_date", "verdict_final_on", "recognised_on")

    def clean(self):
        # The constraints compare days; dates known in part are compared here as ranges, so that
        # "final in 2024" after a verdict of July 2024 stands and "final in May 2024" does not.
        verdict = partial_dates.period(self.verdict_date, self.verdict_date_precision)
        final = partial_dates.period(self.verdict_final_on, self.verdict_final_on_precision)
        if verdict and final and final[1] < verdict[0]:
            raise ValidationError(
                {"verdict_final_on": _("The verdict cannot become final before the day it was handed down.")}
            )

    def save(self, *args, **kwargs):
        start_partial_dates(self, self.PARTIAL_DATES)
        self.set_expected_release()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:cases_case_change", args=[self.pk])

    def set_expected_release(self) -> None:
        """Compute the expected release range from the term and the detention's range of days
        (save() calls it; bulk writers, which skip save(), call it themselves)."""
        release = expected_release_period(
            sentence_kind=self.sentence_kind,
            years=self.sentence_years,
            months=self.sentence_months,
            detention=partial_dates.period(self.detention_date, self.detention_date_precision),
        )
        self.expected_release_date, self.expected_release_latest = release or (None, None)

    @property
    def expected_release_period(self):
        """(earliest, latest) expected release, or None."""
        if self.expected_release_date is None:
            return None
        return self.expected_release_date, self.expected_release_latest or self.expected_release_date

    @property
    def release_event(self):
        """The case's release: its latest 'released' event (None before the case is saved). The
        claims on the release date read it and write it (cases.claims.facts, "case.released_on");
        events the caller prefetched are used as they are."""
        return latest_event(self.events.all(), choices.EventKind.RELEASED) if self.pk is not None else None

    @property
    def released_on(self):
        event = self.release_event
        return event.date if event is not None else None

    @property
    def released_on_precision(self) -> str:
        event = self.release_event
        return event.date_precision if event is not None else partial_dates.UNKNOWN

    def charge_history(self):
        """Every charge of the case, oldest first, each reclassification after what it replaced."""
        return self.charges.select_related("article", "reclassified_into__article").order_by(
            F("charged_on").asc(nulls_first=True), "id"
        )

    @property
    def risk_status(self) -> str:
        """What every page shows: 'under_review' while a change has not been assessed yet, never
        an outdated level (and never 'no risk' for a case nobody has assessed)."""
        return "under_review" if self.risk_stale else self.risk_level

    @property
    def current_stay(self):
        for stay in self.stays.all():
            if stay.end_date is None:
                return stay
        return None


class FacilityStay(ChecksInOneQuery, models.Model):
    """A period a person spent in one facility; a transfer closes one stay and opens the next.

    Its facility and dates carry claims (issue 17: `stay.*` in cases.claims.facts), so a source
    that places the person elsewhere, or moves a stay's first or last day, is kept beside the
    accepted value; the open stay's facility is the case's `case.facility` fact (a transfer)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="stays")
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="stays"
    )
    start_date = models.DateField(_("start date"))
    start_date_precision = precision_field(
        _("start date precision"), _("How much of the first day of the stay is known")
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_date_precision = precision_field(
        _("end date precision"), _("How much of the last day of the stay is known")
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("facility stay")
        verbose_name_plural = _("facility stays")
        ordering = ["start_date", "id"]
        constraints = [
            # A last day known to the month or year is stored as the period's first day, which may
            # fall before a first day known exactly (clean() weighs the whole period).
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date"))
                | ~Q(end_date_precision=choices.DatePrecision.DAY),
                name="stay_ends_after_start",
                violation_error_message=_("A stay cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(end_date__isnull=True),
                name="stay_one_open_per_case",
                violation_error_message=_(
                    "The person is already held elsewhere in this case; end that stay."
                ),
            ),
        ]

    PARTIAL_DATES = ("start_date", "end_date")

    def clean(self):
        start = partial_dates.period(self.start_date, self.start_date_precision)
        end = partial_dates.period(self.end_date, self.end_date_precision)
        if start and end and end[1] < start[0]:
            raise ValidationError({"end_date": _("A stay cannot end before it starts.")})

    def save(self, *args, **kwargs):
        start_partial_dates(self, self.PARTIAL_DATES)
        super().save(*args, **kwargs)

    def certainly_overlaps(self, other: "FacilityStay") -> bool:
        """Both stays surely include a common day (whatever their partial dates turn out to be);
        touching on a transfer's day is not an overlap."""
        mine, theirs = self.bounds(), other.bounds()
        return mine[0][1] < theirs[1][0] and theirs[0][1] < mine[1][0]

    def bounds(self) -> tuple[tuple[datetime.date, datetime.date], tuple[datetime.date, datetime.date]]:
        """((earliest, latest) first day, (earliest, latest) last day); an open stay has not ended."""
        start = partial_dates.period(self.start_date, self.start_date_precision) or (self.start_date,) * 2
        end = partial_dates.period(self.end_date, self.end_date_precision)
        return start, end or (datetime.date.max, datetime.date.max)

    def __str__(self):
        language = reader_language()
        start = partial_dates.describe(self.start_date, self.start_date_precision, language)
        if self.end_date is None:
            return gettext("%(facility)s, since %(start)s") % {"facility": self.facility, "start": start}
        end = partial_dates.describe(self.end_date, self.end_date_precision, language)
        return f"{self.facility}, {start} – {end}"


class Charge(ChecksInOneQuery, models.Model):
    """An article part brought against the person in a case; never edited into another article."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="charges")
    # The case's person, copied so "people charged under article X" is one index lookup instead
    # of a join through every case (the API's article filter at 100,000 people). Kept equal to
    # case.person by save() and, on PostgreSQL, by a composite foreign key that follows any change.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="charges"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=choices.ChargeStage.choices, default=choices.ChargeStage.COMPLETED
    )
    offence_date = models.DateField(
        _("offence date"), null=True, blank=True, help_text=_("Date of the alleged act")
    )
    offence_date_precision = precision_field(
        _("offence date precision"), _("How much of the date of the act is known")
    )
    state = models.CharField(
        _("state"), max_length=12, choices=choices.ChargeState.choices, default=choices.ChargeState.ACTIVE
    )
    charged_on = models.DateField(_("charged on"), null=True, blank=True)
    charged_on_precision = precision_field(
        _("charged on precision"), _("How much of the charge date is known")
    )
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("When it was dropped, reclassified or decided")
    )
    reclassified_into = models.OneToOneField(
        "self",
        verbose_name=_("reclassified into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reclassified_from",
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["charged_on", "id"]
        indexes = [
            models.Index(
                fields=["article", "person"],
                condition=Q(state__in=[choices.ChargeState.ACTIVE, choices.ChargeState.CONVICTED]),
                name="charge_current_article_person",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state=choices.ChargeState.RECLASSIFIED) & Q(reclassified_into__isnull=False))
                | (~Q(state=choices.ChargeState.RECLASSIFIED) & Q(reclassified_into__isnull=True)),
                name="charge_reclassified_has_successor",
                violation_error_message=_(
                    "A charge is reclassified exactly when it points to its successor."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reclassified_into=F("id")),
                name="charge_not_its_own_successor",
                violation_error_message=_("A charge cannot be reclassified into itself."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(charged_on__isnull=True)
                | Q(ended_on__gte=F("charged_on")),
                name="charge_ends_after_charged",
                violation_error_message=_("A charge cannot end before it was brought."),
            ),
            models.CheckConstraint(
                condition=Q(state=choices.ChargeState.ACTIVE) | Q(ended_on__isnull=False),
                name="charge_ended_has_date",
                violation_error_message=_(
                    "A dropped, reclassified or decided charge needs the date it ended."
                ),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=choices.ChargeStage.values),
                name="charge_stage_valid",
                violation_error_message=_("Unknown charge stage."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=choices.ChargeState.values),
                name="charge_state_valid",
                violation_error_message=_("Unknown charge state."),
            ),
        ]

    PARTIAL_DATES = ("offence_date", "charged_on")

    def save(self, *args, **kwargs):
        if self.person_id is None and self.case_id is not None:
            self.person_id = self.case.person_id
        start_partial_dates(self, self.PARTIAL_DATES)
        super().save(*args, **kwargs)

    def __str__(self):
        stage = "" if self.stage == choices.ChargeStage.COMPLETED else f" ({self.get_stage_display()})"
        return f"{self.article}{stage}"


class Reclassification(ChecksInOneQuery, models.Model):
    """The record that one charge replaced another, with its date and source."""

    from_charge = models.OneToOneField(
        Charge, verbose_name=_("from charge"), on_delete=models.PROTECT, related_name="reclassification"
    )
    to_charge = models.OneToOneField(
        Charge, verbose_name=_("to charge"), on_delete=models.PROTECT, related_name="reclassified_by"
    )
    date = models.DateField(_("date"))
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("reclassification")
        verbose_name_plural = _("reclassifications")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_charge=F("to_charge")),
                name="reclassification_distinct_charges",
                violation_error_message=_("A charge cannot be reclassified into itself."),
            ),
        ]

    def __str__(self):
        return gettext("%(old)s → %(new)s on %(date)s") % {
            "old": self.from_charge.article,
            "new": self.to_charge.article,
            "date": self.date,
        }


class CaseEvent(ChecksInOneQuery, TranslatedContent, models.Model):
    """One entry of a case's timeline; internal entries never leave the staff area."""

    # Free text that may be read in each language (cases.models.translated).
    TRANSLATABLE_FIELDS = ("text",)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.EventKind.choices)
    date = models.DateField(_("date"))
    date_precision = precision_field(_("date precision"), _("How much of the date is known"))
    text = models.TextField(_("text"), blank=True)
    # An entry the registry writes itself (a change of risk level, a reclassification, a listing)
    # is a message: a code with parameters (cases.wording), shown in the reader's language; `text`
    # keeps its English. Empty for an entry a person wrote.
    message = models.JSONField(_("message"), default=dict, blank=True, editable=False)
    content_language = content_language_field()
    translations = translations_field(_('The text in the other languages: {"be": {"field": "…"}, "ru": {…}}'))
    is_public = models.BooleanField(_("is public"), default=False)
    charge = models.ForeignKey(
        Charge,
        verbose_name=_("charge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="events")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.EventKind.values),
                name="caseevent_kind_valid",
                violation_error_message=_("Unknown event kind."),
            ),
            models.CheckConstraint(
                condition=Q(content_language__in=choices.ContentLanguage.values),
                name="caseevent_content_language_valid",
                violation_error_message=_("Unknown language of the original."),
            ),
        ]

    def __str__(self):
        return f"{partial_dates.iso(self.date, self.date_precision)}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        start_partial_dates(self, ("date",))
        super().save(*args, **kwargs)
