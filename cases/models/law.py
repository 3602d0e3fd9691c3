"""The law as data: jurisdictions, their regions, the articles of their criminal codes and the watch list."""

from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, countries
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory

# The languages a reader is given, each with the order in which a record's texts stand in for a
# missing one: a Belarusian reader gets the Russian text before the English one.
READER_LANGUAGES = {"en": ("en",), "be": ("be", "ru", "en"), "ru": ("ru", "en")}


def reader_language(language: str | None = None) -> str:
    """'en', 'be' or 'ru': `language`, or the active one when None ('be-by' reads as 'be');
    any other language reads as English."""
    code = (language or get_language() or "en").split("-")[0].lower()
    return code if code in READER_LANGUAGES else "en"


def in_language(record, prefix: str, language: str | None = None) -> tuple[str, str]:
    """The text of `record` for a reader of `language` (None: the active language), read from
    its `<prefix>_en`, `<prefix>_be` and `<prefix>_ru` fields in the order of READER_LANGUAGES,
    and the language the text is in: ('Мінск', 'be'), or ('Minsk', 'en') when it has no
    Belarusian or Russian text."""
    for code in READER_LANGUAGES[reader_language(language)]:
        text = getattr(record, f"{prefix}_{code}", "")
        if text:
            return text, code
    return "", "en"


@dataclass(frozen=True)
class ShownTitle:
    """An article's title as a reader is shown it: the text, the language it is in, and whether it
    is the registry's own Belarusian translation (then `note` says so, in the reader's language)."""

    text: str
    language: str
    registry_translation: bool = False

    @property
    def note(self) -> str:
        return str(choices.TitleSource.REGISTRY_TRANSLATION.label) if self.registry_translation else ""


def article_title(article, language: str | None = None) -> ShownTitle:
    """The title of `article` for a reader of `language` (None: the active language), with the
    fallback of `in_language`; every page, feed and API answer that shows a title takes it here."""
    text, shown = in_language(article, "title", language)
    translated = shown == "be" and article.title_be_source == choices.TitleSource.REGISTRY_TRANSLATION
    return ShownTitle(text=text, language=shown, registry_translation=translated)


class Jurisdiction(models.Model):
    """A state whose criminal code the registry applies, loaded from the shipped law data."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("ISO 3166 alpha-2, e.g. BY"))
    name = models.CharField(_("name"), max_length=100)
    code_title = models.CharField(_("criminal code"), max_length=300)
    death_penalty = models.CharField(
        _("death penalty"), max_length=20, choices=choices.DeathPenaltyStatus.choices
    )
    exemptions = models.JSONField(
        _("exemptions"),
        default=list,
        blank=True,
        help_text=_("Exemption rules from the death penalty, e.g. female"),
    )
    preparation_article = models.CharField(_("preparation article"), max_length=16, blank=True)
    attempt_article = models.CharField(_("attempt article"), max_length=16, blank=True)
    capital_attempt_since = models.DateField(
        _("capital attempt since"),
        null=True,
        blank=True,
        help_text=_("From this date an attempt on the listed parts can carry death"),
    )
    data_checksum = models.CharField(
        _("data checksum"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Checksum of the law data last loaded"),
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.shown_name()}"

    def shown_name(self, language: str | None = None) -> str:
        """The state's name for a reader of `language` (None: the active language): the law
        data's English name in English, the ISO 3166 name in Belarusian or Russian (as a message's
        `{"country": code}` is named, cases.wording)."""
        language = reader_language(language)
        if language == "en" or not countries.is_country(self.code):
            return self.name
        return countries.country_name(self.code, language)


class Region(models.Model):
    """An administrative region of a jurisdiction (Belarus: six oblasts and Minsk city)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="regions"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name en"), max_length=100)
    name_be = models.CharField(_("name be"), max_length=100, blank=True)
    name_ru = models.CharField(_("name ru"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["jurisdiction__code", "name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "code"],
                name="region_unique_code",
                violation_error_message=_("This region code is already used in this jurisdiction."),
            ),
        ]

    def __str__(self):
        return self.name()

    def name(self, language: str | None = None) -> str:
        return in_language(self, "name", language)[0]


# The article facts the shipped law data sets (cases.transfer.law_loader); all of them are public.
ARTICLE_FIELDS = (
    "title_en",
    "title_ru",
    "title_be",
    "title_be_source",
    "capital",
    "capital_since",
    "capital_for_attempt_since",
    "subject_restriction",
    "subject_restriction_text",
    "category",
    "penalty",
    "sources",
    "verified",
    "note",
)


class Article(ChecksInOneQuery, models.Model):
    """One part of an article of a criminal code, with the facts that decide capital exposure."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="articles"
    )
    number = models.CharField(_("number"), max_length=16, help_text=_("e.g. 289 or 361-1"))
    part = models.CharField(
        _("part"), max_length=8, blank=True, help_text=_("empty when the article has no parts")
    )
    title_en = models.CharField(_("title en"), max_length=300)
    title_ru = models.CharField(_("title ru"), max_length=300, blank=True)
    title_be = models.CharField(_("title be"), max_length=300, blank=True)
    title_be_source = models.CharField(
        _("source of the Belarusian title"),
        max_length=24,
        choices=choices.TitleSource.choices,
        blank=True,
        help_text=_(
            "Where the Belarusian title came from; the registry's own translation is never "
            "shown as the official text"
        ),
    )
    capital = models.BooleanField(
        _("capital"), default=False, help_text=_("The sanction includes the death penalty")
    )
    capital_since = models.DateField(
        _("capital since"),
        null=True,
        blank=True,
        help_text=_("Acts before this date cannot carry death; empty means always"),
    )
    capital_for_attempt_since = models.DateField(
        _("capital for attempt since"),
        null=True,
        blank=True,
        help_text=_("From this date an attempt on this part can carry death"),
    )
    subject_restriction = models.CharField(
        _("subject restriction"), max_length=40, blank=True, choices=choices.SubjectRestriction.choices
    )
    subject_restriction_text = models.CharField(_("subject restriction text"), max_length=300, blank=True)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=choices.ArticleCategory.choices,
        blank=True,
        help_text=_("Terrorism and treason articles count for the 90-day reclassification rule"),
    )
    penalty = models.TextField(_("penalty"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("The statutory text or two independent reputable sources agree"),
    )
    note = models.TextField(_("note"), blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["jurisdiction__code", "number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "number", "part"],
                name="article_unique_part",
                violation_error_message=_("This article part already exists in this jurisdiction."),
            ),
            models.CheckConstraint(
                condition=Q(capital=True)
                | Q(capital_since__isnull=True, capital_for_attempt_since__isnull=True),
                name="article_capital_dates_only_when_capital",
                violation_error_message=_("Only a capital article part can have capital dates."),
            ),
            models.CheckConstraint(
                condition=Q(title_be="", title_be_source="") | (~Q(title_be="") & ~Q(title_be_source="")),
                name="article_title_be_says_its_source",
                violation_error_message=_(
                    "A Belarusian title says where it came from, and only a Belarusian title has a source."
                ),
            ),
        ]

    def __str__(self):
        return shown_notation(self.number, self.part)

    # Always in English: imports, exports and the API read it; a page shows `str(article)`.
    @property
    def notation(self) -> str:
        """The way lawyers write it: 'art. 289 part 3' (jurisdiction prefix left to the caller)."""
        return f"art. {self.number} part {self.part}" if self.part else f"art. {self.number}"


class WatchListEntry(ChecksInOneQuery, models.Model):
    """A charge that is routinely escalated to a capital one, so a case under it is watched."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="watch_list"
    )
    article_number = models.CharField(_("article number"), max_length=16)
    part = models.CharField(
        _("part"), max_length=8, blank=True, help_text=_("empty: every part of the article")
    )
    condition = models.CharField(
        _("condition"),
        max_length=40,
        blank=True,
        choices=choices.SubjectRestriction.choices,
        help_text=_("Only for people who meet this condition"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("watch list entry")
        verbose_name_plural = _("watch list entries")
        ordering = ["jurisdiction__code", "article_number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "article_number", "part"],
                name="watchlist_unique_part",
                violation_error_message=_("This article part is already on the watch list."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="watchlist_dates_ordered",
                violation_error_message=_("The end of the effective period cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction.code} {shown_notation(self.article_number, self.part)}"


def shown_notation(number: str, part: str = "") -> str:
    """'art. 289 part 3' in the active language, as the public pages write it ('арт. 289 ч. 3')."""
    if part:
        return gettext("art. %(number)s part %(part)s") % {"number": number, "part": part}
    return gettext("art. %(number)s") % {"number": number}
