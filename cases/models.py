"""The registry's data: people, their cases, charges and how they change, and the law."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

from cases import choices
from cases.fields import EncryptedTextField
from cases.sentences import expected_release_date


class Jurisdiction(models.Model):
    """A state whose criminal code the registry applies, loaded from the shipped law data."""

    code = models.CharField(max_length=8, unique=True, help_text="ISO 3166 alpha-2, e.g. BY")
    name = models.CharField(max_length=100)
    code_title = models.CharField("criminal code", max_length=300)
    death_penalty = models.CharField(max_length=20, choices=choices.DeathPenaltyStatus.choices)
    exemptions = models.JSONField(
        default=list, blank=True, help_text="Exemption rules from the death penalty, e.g. female"
    )
    preparation_article = models.CharField(max_length=16, blank=True)
    attempt_article = models.CharField(max_length=16, blank=True)
    capital_attempt_since = models.DateField(
        null=True, blank=True, help_text="From this date an attempt on the listed parts can carry death"
    )
    data_checksum = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Checksum of the law data last loaded"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.name}"


class Region(models.Model):
    """An administrative region of a jurisdiction (Belarus: six oblasts and Minsk city)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="regions")
    code = models.SlugField(max_length=40)
    name_en = models.CharField(max_length=100)
    name_be = models.CharField(max_length=100, blank=True)
    name_ru = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["jurisdiction__code", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                name="region_unique_code",
                violation_error_message="This region code is already used in this jurisdiction.",
            ),
        ]

    def __str__(self):
        return self.name_en


class Article(models.Model):
    """One part of an article of a criminal code, with the facts that decide capital exposure."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="articles")
    number = models.CharField(max_length=16, help_text="e.g. 289 or 361-1")
    part = models.CharField(max_length=8, blank=True, help_text="empty when the article has no parts")
    title_en = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300, blank=True)
    title_be = models.CharField(max_length=300, blank=True)
    capital = models.BooleanField(default=False, help_text="The sanction includes the death penalty")
    capital_since = models.DateField(
        null=True, blank=True, help_text="Acts before this date cannot carry death; empty means always"
    )
    capital_for_attempt_since = models.DateField(
        null=True, blank=True, help_text="From this date an attempt on this part can carry death"
    )
    subject_restriction = models.CharField(
        max_length=40, blank=True, choices=choices.SubjectRestriction.choices
    )
    subject_restriction_text = models.CharField(max_length=300, blank=True)
    category = models.CharField(
        max_length=20,
        choices=choices.ArticleCategory.choices,
        blank=True,
        help_text="Terrorism and treason articles count for the 90-day reclassification rule",
    )
    penalty = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True)
    verified = models.BooleanField(
        default=False, help_text="The statutory text or two independent reputable sources agree"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["jurisdiction__code", "number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "number", "part"],
                name="article_unique_part",
                violation_error_message="This article part already exists in this jurisdiction.",
            ),
            models.CheckConstraint(
                condition=Q(capital=True)
                | Q(capital_since__isnull=True, capital_for_attempt_since__isnull=True),
                name="article_capital_dates_only_when_capital",
                violation_error_message="Only a capital article part can have capital dates.",
            ),
        ]

    def __str__(self):
        return self.notation

    @property
    def notation(self) -> str:
        """The way lawyers write it: 'art. 289 part 3' (jurisdiction prefix left to the caller)."""
        return f"art. {self.number} part {self.part}" if self.part else f"art. {self.number}"

    def title(self, language: str = "en") -> str:
        return getattr(self, f"title_{language}", "") or self.title_en


class WatchListEntry(models.Model):
    """A charge that is routinely escalated to a capital one, so a case under it is watched."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="watch_list")
    article_number = models.CharField(max_length=16)
    part = models.CharField(max_length=8, blank=True, help_text="empty: every part of the article")
    condition = models.CharField(
        max_length=40,
        blank=True,
        choices=choices.SubjectRestriction.choices,
        help_text="Only for people who meet this condition",
    )
    reason = models.CharField(max_length=300)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "watch list entries"
        ordering = ["jurisdiction__code", "article_number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "article_number", "part"],
                name="watchlist_unique_part",
                violation_error_message="This article part is already on the watch list.",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="watchlist_dates_ordered",
                violation_error_message="The end of the effective period cannot be before its start.",
            ),
        ]

    def __str__(self):
        part = f" part {self.part}" if self.part else ""
        return f"{self.jurisdiction.code} art. {self.article_number}{part}"


class Source(models.Model):
    """Where a fact came from. A confidential source is never shown outside the staff area."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=choices.SourceKind.choices)
    title = models.CharField(max_length=300, help_text="Publication or document title")
    url = models.URLField(max_length=1000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    confidential = models.BooleanField(
        default=True, help_text="Confidential sources are visible to staff only"
    )
    contact = EncryptedTextField(
        blank=True,
        help_text="Confidential, Sources group only, encrypted: who gave the information and how to "
        "reach them",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        permissions = [
            ("view_confidential_source", "Can see confidential sources and every contact (Sources group)")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential=True) | Q(contact=""),
                name="source_contact_only_when_confidential",
                violation_error_message="A contact may only be recorded on a confidential source.",
            ),
        ]

    def __str__(self):
        return self.title


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People not merged into another record (a merged record is kept only so a merge can be undone)."""
        return self.filter(merged_into__isnull=True)

    def published(self):
        """The one definition of what the public may see."""
        return self.current().filter(publication_state=choices.PublicationState.PUBLISHED)


def _new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def _new_slug_suffix() -> str:
    return secrets.token_hex(3)


class Person(models.Model):
    """Someone persecuted, with the facts the risk rules depend on."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=120, unique=True, editable=False)
    sex = models.CharField(max_length=10, choices=choices.Sex.choices, default=choices.Sex.UNKNOWN)
    birth_date = models.DateField(
        null=True, blank=True, help_text="With month or year precision, the first day of the period"
    )
    birth_date_precision = models.CharField(
        max_length=10, choices=choices.DatePrecision.choices, default=choices.DatePrecision.UNKNOWN
    )
    is_official_or_military = models.BooleanField(
        null=True,
        blank=True,
        help_text="Official in a responsible position or military (Belarus art. 356 part 2); "
        "empty when unknown",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    citizenship = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    occupation = models.CharField(max_length=200, blank=True)
    biography = models.TextField(blank=True, help_text="Public")
    internal_notes = EncryptedTextField(blank=True, help_text="Confidential, staff only, encrypted")
    contacts = EncryptedTextField(
        blank=True,
        help_text="Confidential, Sources group only, encrypted: relatives, lawyers and reporters, and "
        "how to reach them",
    )
    publication_state = models.CharField(
        max_length=10, choices=choices.PublicationState.choices, default=choices.PublicationState.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Set when this record was merged into another; it then holds nothing and shows nowhere",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name_plural = "people"
        ordering = ["-created_at"]
        permissions = [("publish_person", "Can publish or withdraw a person")]
        # The API lists and the change-ordered public list walk people newest change first.
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="person_updated_desc"),
            # The public list: published people, newest publication first (a sort of every
            # published person without it: about 20 requests a second at 100,000 people).
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(publication_state=choices.PublicationState.PUBLISHED, merged_into__isnull=True),
                name="person_published_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True, birth_date_precision=choices.DatePrecision.UNKNOWN)
                | (Q(birth_date__isnull=False) & ~Q(birth_date_precision=choices.DatePrecision.UNKNOWN)),
                name="person_birth_date_matches_precision",
                violation_error_message="Give a birth date with its precision, or neither.",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=choices.Sex.values),
                name="person_sex_valid",
                violation_error_message="Unknown sex code.",
            ),
            models.CheckConstraint(
                condition=Q(publication_state__in=choices.PublicationState.values),
                name="person_publication_state_valid",
                violation_error_message="Unknown publication state.",
            ),
            models.CheckConstraint(
                condition=~Q(publication_state=choices.PublicationState.PUBLISHED)
                | Q(published_at__isnull=False),
                name="person_published_has_date",
                violation_error_message="A published person needs a publication date.",
            ),
        ]

    def __str__(self):
        name = self.primary_name
        return name.text if name else f"person {self.slug}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = f"p-{_new_slug_suffix()}"
        super().save(*args, **kwargs)

    @property
    def primary_name(self):
        # Iterate the prefetched names when there are some, to keep list pages at one query.
        for name in self.names.all():
            if name.is_primary:
                return name
        return None

    def name_for_language(self, language: str):
        """The recorded name that fits a page's language, falling back to the primary one."""
        wanted = {
            "be": [choices.NameKind.OFFICIAL_BE],
            "ru": [choices.NameKind.OFFICIAL_RU],
            "en": [choices.NameKind.PASSPORT_LATIN, choices.NameKind.OTHER_LATIN],
        }.get(language, [])
        names = list(self.names.all())
        for kind in wanted:
            for name in names:
                if name.kind == kind:
                    return name
        return self.primary_name

    def assign_slug_from(self, latin_name: str) -> None:
        """Give a new person a readable slug; never called again once the person exists."""
        base = slugify(latin_name)[:100] or "p"
        self.slug = f"{base}-{_new_slug_suffix()}"


class PersonName(models.Model):
    """One spelling of a person's name in one script; exactly one per person is primary."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    text = models.CharField(max_length=300)
    script = models.CharField(max_length=10, choices=choices.Script.choices)
    kind = models.CharField(max_length=20, choices=choices.NameKind.choices)
    is_primary = models.BooleanField(default=False)
    search_key = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The name folded to one skeleton for every script and spelling (cases.names)",
    )

    history = HistoricalRecords(excluded_fields=["search_key"])

    class Meta:
        ordering = ["-is_primary", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_primary=True),
                name="personname_one_primary",
                violation_error_message="A person has exactly one primary name.",
            ),
            models.UniqueConstraint(
                fields=["person", "text", "kind"],
                name="personname_unique_spelling",
                violation_error_message="This person already has this spelling of this kind.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="personname_not_empty",
                violation_error_message="A name cannot be empty.",
            ),
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        from cases.names import name_key

        self.search_key = name_key(self.text)
        super().save(*args, **kwargs)


class Facility(models.Model):
    """A place of detention, with the postal address letters must use."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="facilities")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=choices.FacilityKind.choices)
    regime = models.CharField(max_length=20, choices=choices.Regime.choices, blank=True)
    name_en = models.CharField(max_length=200)
    name_be = models.CharField(max_length=200, blank=True)
    name_ru = models.CharField(max_length=200, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    postal_address = models.TextField(blank=True, help_text="In Cyrillic, as letters must be addressed")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    def name(self, language: str = "en") -> str:
        return getattr(self, f"name_{language}", "") or self.name_en


class CaseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(person__publication_state=choices.PublicationState.PUBLISHED)


class Case(models.Model):
    """One criminal case against one person, in one jurisdiction."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="cases")
    case_number = models.CharField(max_length=100, blank=True)
    investigating_body = models.CharField(max_length=200, blank=True)
    detention_date = models.DateField(null=True, blank=True)
    detention_place = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=choices.CaseStatus.choices, default=choices.CaseStatus.DETAINED
    )
    court = models.CharField(max_length=200, blank=True)
    judge = models.CharField(max_length=200, blank=True, help_text="Public, as the lists publish it")
    prosecutor = models.CharField(max_length=200, blank=True, help_text="Public, as the lists publish it")
    verdict_date = models.DateField(null=True, blank=True)
    sentence_kind = models.CharField(
        max_length=30, choices=choices.SentenceKind.choices, blank=True, default=""
    )
    sentence_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sentence_months = models.PositiveSmallIntegerField(null=True, blank=True)
    sentence_regime = models.CharField(max_length=20, choices=choices.Regime.choices, blank=True)
    expected_release_date = models.DateField(
        null=True, blank=True, editable=False, help_text="Computed from the detention date and the term"
    )
    recognised_on = models.DateField("recognised as a political prisoner on", null=True, blank=True)
    recognised_by = models.CharField(max_length=200, blank=True)
    recognition_criteria = models.JSONField(default=list, blank=True)
    # The current risk, kept on the case for filtering; the history is in RiskAssessment.
    # risk_generation counts the changes that may move the level; a case is stale until an
    # assessment has seen the latest generation, and a stale case is shown as "under review".
    risk_level = models.CharField(
        max_length=20, choices=choices.RiskLevel.choices, default=choices.RiskLevel.NONE, editable=False
    )
    risk_stale = models.BooleanField(default=True, editable=False, db_index=True)
    risk_stale_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        default=timezone.now,
        help_text="When the case became stale (empty while its assessment is current)",
    )
    risk_generation = models.PositiveBigIntegerField(default=1, editable=False)
    risk_assessed_generation = models.PositiveBigIntegerField(default=0, editable=False)
    risk_assessed_at = models.DateTimeField(null=True, blank=True, editable=False)
    risk_digest = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Digest of the last stored assessment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(
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
        ordering = ["-detention_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict_date__isnull=True)
                | Q(detention_date__isnull=True)
                | Q(verdict_date__gte=F("detention_date")),
                name="case_verdict_not_before_detention",
                violation_error_message="The verdict date cannot be before the detention date.",
            ),
            models.CheckConstraint(
                condition=Q(sentence_kind__in=[k.value for k in choices.TERM_SENTENCES])
                | Q(sentence_years__isnull=True, sentence_months__isnull=True),
                name="case_term_only_for_term_sentences",
                violation_error_message="Years and months belong only to a term sentence.",
            ),
            models.CheckConstraint(
                condition=Q(sentence_months__isnull=True) | Q(sentence_months__lt=12),
                name="case_sentence_months_below_12",
                violation_error_message="Months must be below 12; give whole years in years.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=choices.CaseStatus.values),
                name="case_status_valid",
                violation_error_message="Unknown case status.",
            ),
            models.CheckConstraint(
                condition=Q(sentence_kind="") | Q(verdict_date__isnull=False),
                name="case_sentence_needs_verdict_date",
                violation_error_message="A sentence needs the verdict date.",
            ),
        ]

    def __str__(self):
        number = self.case_number or str(self.public_id)[:8]
        return f"{self.person} — case {number}"

    def save(self, *args, **kwargs):
        self.expected_release_date = expected_release_date(
            sentence_kind=self.sentence_kind,
            years=self.sentence_years,
            months=self.sentence_months,
            detention_date=self.detention_date,
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:cases_case_change", args=[self.pk])

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


class FacilityStay(models.Model):
    """A period a person spent in one facility; a transfer closes one stay and opens the next."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="stay_ends_after_start",
                violation_error_message="A stay cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(end_date__isnull=True),
                name="stay_one_open_per_case",
                violation_error_message="The person is already held elsewhere in this case; end that stay.",
            ),
        ]

    def __str__(self):
        return f"{self.facility} from {self.start_date}"


class Charge(models.Model):
    """An article part brought against the person in a case; never edited into another article."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    # The case's person, copied so "people charged under article X" is one index lookup instead
    # of a join through every case (the API's article filter at 100,000 people). Kept equal to
    # case.person by save() and, on PostgreSQL, by a composite foreign key that follows any change.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="charges")
    stage = models.CharField(
        max_length=12, choices=choices.ChargeStage.choices, default=choices.ChargeStage.COMPLETED
    )
    offence_date = models.DateField(null=True, blank=True, help_text="Date of the alleged act")
    state = models.CharField(
        max_length=12, choices=choices.ChargeState.choices, default=choices.ChargeState.ACTIVE
    )
    charged_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(
        null=True, blank=True, help_text="When it was dropped, reclassified or decided"
    )
    reclassified_into = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reclassified_from"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
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
                violation_error_message="A charge is reclassified exactly when it points to its successor.",
            ),
            models.CheckConstraint(
                condition=~Q(reclassified_into=F("id")),
                name="charge_not_its_own_successor",
                violation_error_message="A charge cannot be reclassified into itself.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(charged_on__isnull=True)
                | Q(ended_on__gte=F("charged_on")),
                name="charge_ends_after_charged",
                violation_error_message="A charge cannot end before it was brought.",
            ),
            models.CheckConstraint(
                condition=Q(state=choices.ChargeState.ACTIVE) | Q(ended_on__isnull=False),
                name="charge_ended_has_date",
                violation_error_message="A dropped, reclassified or decided charge needs the date it ended.",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=choices.ChargeStage.values),
                name="charge_stage_valid",
                violation_error_message="Unknown charge stage.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=choices.ChargeState.values),
                name="charge_state_valid",
                violation_error_message="Unknown charge state.",
            ),
        ]

    def save(self, *args, **kwargs):
        if self.person_id is None and self.case_id is not None:
            self.person_id = self.case.person_id
        super().save(*args, **kwargs)

    def __str__(self):
        stage = "" if self.stage == choices.ChargeStage.COMPLETED else f" ({self.get_stage_display()})"
        return f"{self.article.notation}{stage}"


class Reclassification(models.Model):
    """The record that one charge replaced another, with its date and source."""

    from_charge = models.OneToOneField(Charge, on_delete=models.PROTECT, related_name="reclassification")
    to_charge = models.OneToOneField(Charge, on_delete=models.PROTECT, related_name="reclassified_by")
    date = models.DateField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_charge=F("to_charge")),
                name="reclassification_distinct_charges",
                violation_error_message="A charge cannot be reclassified into itself.",
            ),
        ]

    def __str__(self):
        return f"{self.from_charge.article.notation} → {self.to_charge.article.notation} on {self.date}"


class CaseEvent(models.Model):
    """One entry of a case's timeline; internal entries never leave the staff area."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=choices.EventKind.choices)
    date = models.DateField()
    text = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    charge = models.ForeignKey(
        Charge, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.EventKind.values),
                name="caseevent_kind_valid",
                violation_error_message="Unknown event kind.",
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.get_kind_display()}"


class RiskAssessment(models.Model):
    """One result of the risk rules for a case, kept as history; written when the result changes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    level = models.CharField(max_length=20, choices=choices.RiskLevel.choices)
    previous_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(max_length=40)
    law_checksum = models.CharField(max_length=64)
    generation = models.PositiveBigIntegerField(help_text="The case's change counter this result saw")
    assessed_on = models.DateField(help_text="The date the rules were applied for")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["case", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=choices.RiskLevel.values),
                name="assessment_level_valid",
                violation_error_message="Unknown risk level.",
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.level} ({self.created_at:%Y-%m-%d})"

    @property
    def level_changed(self) -> bool:
        return self.level != self.previous_level


class RiskAlert(models.Model):
    """A change of a case's risk level, waiting in the staff triage queue."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RESOLVED = "resolved", _("resolved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    assessment = models.OneToOneField(RiskAssessment, on_delete=models.CASCADE, related_name="alert")
    old_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices)
    new_level = models.CharField(max_length=20, choices=choices.RiskLevel.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["emailed_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("triage_riskalert", "Can acknowledge and resolve risk alerts")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_level=F("new_level")),
                name="alert_level_changed",
                violation_error_message="An alert is for a change of level.",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="alert_acknowledged_has_who_and_when",
                violation_error_message="An acknowledged alert records who and when.",
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved")
                | (Q(resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(resolution_note="")),
                name="alert_resolved_has_who_when_and_note",
                violation_error_message="A resolved alert records who, when and a note.",
            ),
        ]

    def __str__(self):
        return f"{self.case}: {self.old_level} → {self.new_level}"

    @property
    def is_rise(self) -> bool:
        return choices.RISK_ORDER.index(self.new_level) > choices.RISK_ORDER.index(self.old_level)


class WebhookSubscription(models.Model):
    """A partner organisation's URL that receives signed POSTs when a risk level changes."""

    organisation = models.CharField(max_length=200)
    partner = models.ForeignKey(
        "Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        help_text="Set when the partner registered it through the API with the webhooks scope",
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=128, default=_new_webhook_secret, help_text="Shared with the partner to verify signatures"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["organisation"]

    def __str__(self):
        return f"{self.organisation} ({self.url})"


class WebhookDelivery(models.Model):
    """One alert to one subscriber, with every attempt's outcome: the delivery log."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed after all retries")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    alert = models.ForeignKey(RiskAlert, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "alert"],
                name="delivery_once_per_alert",
                violation_error_message="This alert is already queued for this subscriber.",
            ),
        ]

    def __str__(self):
        return f"{self.alert} → {self.subscription.organisation}: {self.state}"


# Partners and the API ----------------------------------------------------------------------------


class Organisation(models.Model):
    """A partner organisation (an advocacy group) that holds API keys."""

    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerAPIKey(AbstractAPIKey):
    """A hashed, revocable, expiring key of one organisation, with the scopes it grants."""

    class Scope(models.TextChoices):
        READ_PUBLIC = "read:public", _("read published records, public fields")
        READ_RESTRICTED = "read:restricted", _("also read confidential fields of published records")
        WRITE_SUBMISSIONS = "write:submissions", _("report new detentions")
        WEBHOOKS = "webhooks", _("manage webhook subscriptions")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_keys")
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="api_keys",
        help_text="The person the key was handed to: ending their access revokes it",
    )
    scopes = models.JSONField(default=list, help_text="Any of: " + ", ".join(Scope.values))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = set(self.scopes or []) - set(self.Scope.values)
        if unknown:
            raise ValidationError({"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}"})


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


class Submission(models.Model):
    """A partner's report of a new detention, waiting for moderation. Never public as it is."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending moderation")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="submissions")
    payload = models.JSONField(null=True, help_text="The report as sent; deleted after the retention period")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_note = models.TextField(blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    payload_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        permissions = [("moderate_submission", "Can accept or reject partner submissions")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | Q(handled_at__isnull=False),
                name="submission_handled_has_date",
                violation_error_message="A handled submission records when.",
            ),
        ]

    def __str__(self):
        return f"submission {str(self.public_id)[:8]} from {self.organisation} ({self.state})"


class ExternalIdentifier(models.Model):
    """An id another registry gives a person (a list's row id, a page URL); re-imports match on it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_ids")
    scheme = models.SlugField(max_length=40, help_text="Whose id this is, e.g. prisoners-list or url")
    value = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                name="external_id_unique",
                violation_error_message="Another person already carries this identifier.",
            ),
            models.CheckConstraint(
                condition=~Q(value="") & ~Q(scheme=""),
                name="external_id_not_empty",
                violation_error_message="An external identifier needs a scheme and a value.",
            ),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"


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


class DuplicateCandidate(models.Model):
    """Two person records that may be the same person, found by the duplicate task, for staff to review."""

    class State(models.TextChoices):
        OPEN = "open", _("to review")
        NOT_DUPLICATE = "not_duplicate", _("not the same person")
        MERGED = "merged", _("merged")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(help_text="0 to 1: how alike the two records are")
    reasons = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=14, choices=State.choices, default=State.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                name="duplicate_pair_unique",
                violation_error_message="This pair is already listed.",
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")),
                name="duplicate_pair_ordered",
                violation_error_message="A pair is stored once, lower id first.",
            ),
        ]

    def __str__(self):
        return f"{self.person_a} / {self.person_b} ({self.score:.2f})"


class PersonMerge(models.Model):
    """One record merged into another: what moved, who did it, and whether it was undone."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moved = models.JSONField(
        default=dict,
        help_text="The ids of every record moved to the kept person, by model, so undo can move them back",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at"]
        permissions = [("merge_person", "Can merge duplicate people and undo a merge")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=F("merged")),
                name="merge_two_people",
                violation_error_message="A person cannot be merged into themselves.",
            ),
        ]

    def __str__(self):
        return f"{self.merged} into {self.kept}"


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
