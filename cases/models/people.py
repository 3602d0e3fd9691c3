"""The people in the registry and every spelling of their names."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from cases import choices
from cases.identity.names import name_key
from cases.models.history import RegistryHistory
from cases.models.law import Region
from cases.models.public_time import PublicUpdateTime
from cases.models.translated import TranslatedContent, content_language_field, translations_field
from cases.protection.fields import EncryptedTextField


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People not merged into another record (a merged record is kept only so a merge can be undone)."""
        return self.filter(merged_into__isnull=True)

    def published(self):
        """The one definition of what the public may see."""
        return self.current().filter(publication_state=choices.PublicationState.PUBLISHED)


def _new_slug_suffix() -> str:
    return secrets.token_hex(3)


class Person(PublicUpdateTime, TranslatedContent, models.Model):
    """Someone persecuted, with the facts the risk rules depend on."""

    # What the public sees of a person besides their names (PUBLIC_COLUMNS of the public database
    # role, less bookkeeping); a change to one of these, publication included, moves `updated_at`.
    PUBLIC_FIELDS = (
        "sex",
        "birth_date",
        "birth_date_precision",
        "region_id",
        "citizenship",
        "occupation",
        "biography",
        "publication_state",
        "silence_public",
        "patronymic",
        "letters_welcome",
        "content_language",
        "translations",
    )
    # Free text that may be read in each language (cases.models.translated).
    TRANSLATABLE_FIELDS = ("occupation", "biography")

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
    content_language = content_language_field()
    translations = translations_field("The occupation and the biography")
    internal_notes = EncryptedTextField(blank=True, help_text="Confidential, staff only, encrypted")
    contacts = EncryptedTextField(
        blank=True,
        help_text="Confidential, Sources group only, encrypted: relatives, lawyers and reporters, and "
        "how to reach them",
    )
    publication_state = models.CharField(
        max_length=10, choices=choices.PublicationState.choices, default=choices.PublicationState.DRAFT
    )
    patronymic = models.CharField(
        "patronymic (in Russian)",
        max_length=100,
        blank=True,
        help_text="Отчество, as it must be written on an envelope with the name in Russian (public)",
    )
    letters_welcome = models.BooleanField(
        "suggest writing to this person",
        default=False,
        help_text="List the person on the public 'write a letter' page with the address of their "
        "facility: only where the person or the family agreed.",
    )
    silence_public = models.BooleanField(
        "publish “no news since”",
        default=False,
        help_text="Show on the public page the day of the last contact of any kind while the person "
        "is held (only the day: never how, what was said nor who told us), and tell partners when "
        "a silence passes its threshold. Leave off where the family asked for discretion.",
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
    updated_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When what the public may see of this person last changed; internal edits do not move it",
    )

    objects = PersonQuerySet.as_manager()
    history = RegistryHistory(excluded_fields=["updated_at"])

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
            models.CheckConstraint(
                condition=Q(content_language__in=choices.ContentLanguage.values),
                name="person_content_language_valid",
                violation_error_message="Unknown language of the original.",
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


def _as_of_precision() -> models.CharField:
    """How much of the day a source gave a name is known (cases.partial_dates)."""
    return models.CharField(
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.UNKNOWN,
        help_text="How much of the date the source gave it is known",
    )


class PersonNameQuerySet(models.QuerySet):
    def with_sources(self):
        """Each name with the source that gave it first and every other source that gives it."""
        return self.select_related("source").prefetch_related(
            models.Prefetch(
                "also_given_by",
                queryset=NameSource.objects.select_related("source").order_by("created_at", "pk"),
            )
        )


class PersonName(models.Model):
    """One spelling of a person's name in one script; exactly one per person is primary."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    text = models.CharField(max_length=300)
    script = models.CharField(max_length=10, choices=choices.Script.choices)
    kind = models.CharField(max_length=20, choices=choices.NameKind.choices)
    is_primary = models.BooleanField(default=False)
    # Who says a name is written so (issue 17). A person has many spellings and none contradicts
    # another, so a name is not weighed against the others as a claim is: each spelling keeps the
    # source that gave it first, as of when, and every other source that gives the same spelling
    # (NameSource), so a second list's word on a name is never lost.
    source = models.ForeignKey(
        "cases.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="names",
        help_text="Who gives the name in this spelling (empty: registry staff)",
    )
    as_of = models.DateField(null=True, blank=True, help_text="When that source gave it")
    as_of_precision = _as_of_precision()
    search_key = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The name folded to one skeleton for every script and spelling (cases.identity.names)",
    )

    objects = PersonNameQuerySet.as_manager()
    history = RegistryHistory(excluded_fields=["search_key"])

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
        self.search_key = name_key(self.text)
        super().save(*args, **kwargs)


class NameSource(models.Model):
    """Another source that gives a name in the same spelling, as of when (the first to give it is
    the name's own `source`): "list B writes him so too, as of May 2023"."""

    name = models.ForeignKey(PersonName, on_delete=models.CASCADE, related_name="also_given_by")
    source = models.ForeignKey("cases.Source", on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(null=True, blank=True, help_text="When the source gave it")
    as_of_precision = _as_of_precision()
    created_at = models.DateTimeField(auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "source"],
                name="namesource_once_per_source",
                violation_error_message="This source is already recorded as giving this spelling.",
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.source}"
