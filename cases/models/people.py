"""The people in the registry and every spelling of their names."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.identity.names import name_key
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import Region
from cases.models.public_time import PublicUpdateTime
from cases.models.translated import TranslatedContent, content_language_field, translations_field
from cases.protection.fields import EncryptedTextField


def published_q(path: str = "") -> Q:
    """The one definition of what the public may see, as a condition on the person at `path`
    ("person__" from a record of theirs): a condition on the joined row, where `person__in=
    Person.objects.published()` made PostgreSQL hash all 100,000 published people for every
    page of the change feed (25 ms a request)."""
    return Q(
        **{f"{path}merged_into__isnull": True, f"{path}publication_state": choices.PublicationState.PUBLISHED}
    )


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People not merged into another record (a merged record is kept only so a merge can be undone)."""
        return self.filter(merged_into__isnull=True)

    def published(self):
        """The one definition of what the public may see (published_q)."""
        return self.filter(published_q())


def _new_slug_suffix() -> str:
    return secrets.token_hex(3)


class Person(ChecksInOneQuery, PublicUpdateTime, TranslatedContent, models.Model):
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

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=choices.Sex.choices, default=choices.Sex.UNKNOWN)
    birth_date = models.DateField(
        _("birth date"),
        null=True,
        blank=True,
        help_text=_("With month or year precision, the first day of the period"),
    )
    birth_date_precision = models.CharField(
        _("birth date precision"),
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.UNKNOWN,
    )
    is_official_or_military = models.BooleanField(
        _("is official or military"),
        null=True,
        blank=True,
        help_text=_(
            "Official in a responsible position or military (Belarus art. 356 part 2); empty when unknown"
        ),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    citizenship = models.CharField(
        _("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2")
    )
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    biography = models.TextField(_("biography"), blank=True, help_text=_("Public"))
    content_language = content_language_field()
    translations = translations_field(
        _('The occupation and the biography in the other languages: {"be": {"field": "…"}, "ru": {…}}')
    )
    internal_notes = EncryptedTextField(
        _("internal notes"), blank=True, help_text=_("Confidential, staff only, encrypted")
    )
    contacts = EncryptedTextField(
        _("contacts"),
        blank=True,
        help_text=_(
            "Confidential, Sources group only, encrypted: relatives, lawyers and reporters, and "
            "how to reach them"
        ),
    )
    publication_state = models.CharField(
        _("publication state"),
        max_length=10,
        choices=choices.PublicationState.choices,
        default=choices.PublicationState.DRAFT,
    )
    patronymic = models.CharField(
        _("patronymic (in Russian)"),
        max_length=100,
        blank=True,
        help_text=_("Отчество, as it must be written on an envelope with the name in Russian (public)"),
    )
    letters_welcome = models.BooleanField(
        _("suggest writing to this person"),
        default=False,
        help_text=_(
            "List the person on the public 'write a letter' page with the address of their "
            "facility: only where the person or the family agreed."
        ),
    )
    silence_public = models.BooleanField(
        _("publish “no news since”"),
        default=False,
        help_text=_(
            "Show on the public page the day of the last contact of any kind while the person "
            "is held (only the day: never how, what was said nor who told us), and tell partners when "
            "a silence passes its threshold. Leave off where the family asked for discretion."
        ),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Set when this record was merged into another; it then holds nothing and shows nowhere"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(
        _("updated at"),
        default=timezone.now,
        editable=False,
        help_text=_(
            "When what the public may see of this person last changed; internal edits do not move it"
        ),
    )

    objects = PersonQuerySet.as_manager()
    history = RegistryHistory(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
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
                violation_error_message=_("Give a birth date with its precision, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=choices.Sex.values),
                name="person_sex_valid",
                violation_error_message=_("Unknown sex code."),
            ),
            models.CheckConstraint(
                condition=Q(publication_state__in=choices.PublicationState.values),
                name="person_publication_state_valid",
                violation_error_message=_("Unknown publication state."),
            ),
            models.CheckConstraint(
                condition=~Q(publication_state=choices.PublicationState.PUBLISHED)
                | Q(published_at__isnull=False),
                name="person_published_has_date",
                violation_error_message=_("A published person needs a publication date."),
            ),
            models.CheckConstraint(
                condition=Q(content_language__in=choices.ContentLanguage.values),
                name="person_content_language_valid",
                violation_error_message=_("Unknown language of the original."),
            ),
        ]

    def __str__(self):
        name = self.primary_name
        return name.text if name else gettext("person %(slug)s") % {"slug": self.slug}

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
        _("as of precision"),
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.UNKNOWN,
        help_text=_("How much of the date the source gave it is known"),
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


class PersonName(ChecksInOneQuery, models.Model):
    """One spelling of a person's name in one script; exactly one per person is primary."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="names"
    )
    text = models.CharField(_("text"), max_length=300)
    script = models.CharField(_("script"), max_length=10, choices=choices.Script.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.NameKind.choices)
    is_primary = models.BooleanField(_("is primary"), default=False)
    # Who says a name is written so (issue 17). A person has many spellings and none contradicts
    # another, so a name is not weighed against the others as a claim is: each spelling keeps the
    # source that gave it first, as of when, and every other source that gives the same spelling
    # (NameSource), so a second list's word on a name is never lost.
    source = models.ForeignKey(
        "cases.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="names",
        help_text=_("Who gives the name in this spelling (empty: registry staff)"),
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("When that source gave it"))
    as_of_precision = _as_of_precision()
    search_key = models.CharField(
        _("search key"),
        max_length=300,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The name folded to one skeleton for every script and spelling (cases.identity.names)"),
    )

    objects = PersonNameQuerySet.as_manager()
    history = RegistryHistory(excluded_fields=["search_key"])

    class Meta:
        verbose_name = _("person name")
        verbose_name_plural = _("person names")
        ordering = ["-is_primary", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_primary=True),
                name="personname_one_primary",
                violation_error_message=_("A person has exactly one primary name."),
            ),
            models.UniqueConstraint(
                fields=["person", "text", "kind"],
                name="personname_unique_spelling",
                violation_error_message=_("This person already has this spelling of this kind."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="personname_not_empty",
                violation_error_message=_("A name cannot be empty."),
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

    name = models.ForeignKey(
        PersonName, verbose_name=_("name"), on_delete=models.CASCADE, related_name="also_given_by"
    )
    source = models.ForeignKey(
        "cases.Source", verbose_name=_("source"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("When the source gave it"))
    as_of_precision = _as_of_precision()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("name source")
        verbose_name_plural = _("name sources")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "source"],
                name="namesource_once_per_source",
                violation_error_message=_("This source is already recorded as giving this spelling."),
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.source}"
