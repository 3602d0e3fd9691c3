"""One person across records: external identifiers, duplicate candidates and merges."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.people import Person

URL_SCHEME = "url"
LINKABLE = ("http", "https")


class ExternalIdentifier(ChecksInOneQuery, models.Model):
    """An id another registry gives a person (a list's row id, a page URL); re-imports match on it."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="external_ids"
    )
    scheme = models.SlugField(
        _("scheme"), max_length=40, help_text=_("Whose id this is, e.g. prisoners-list or url")
    )
    value = models.CharField(_("value"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        ordering = ["scheme", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                name="external_id_unique",
                violation_error_message=_("Another person already carries this identifier."),
            ),
            models.CheckConstraint(
                condition=~Q(value="") & ~Q(scheme=""),
                name="external_id_not_empty",
                violation_error_message=_("An external identifier needs a scheme and a value."),
            ),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"

    def clean(self):
        # A page URL may be shown as a link one day: only web addresses, never javascript: or data:.
        if self.scheme == URL_SCHEME and self.value:
            parts = urlsplit(self.value.strip())
            if parts.scheme.lower() not in LINKABLE or not parts.netloc:
                raise ValidationError(
                    {"value": _("A url identifier must be a web address starting with http:// or https://.")}
                )


class DuplicateCandidate(ChecksInOneQuery, models.Model):
    """Two person records that may be the same person, found by the duplicate task, for staff to review."""

    class State(models.TextChoices):
        OPEN = "open", _("to review")
        NOT_DUPLICATE = "not_duplicate", _("not the same person")
        MERGED = "merged", _("merged")

    person_a = models.ForeignKey(
        Person, verbose_name=_("person a"), on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        Person, verbose_name=_("person b"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("score"), help_text=_("0 to 1: how alike the two records are"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=14, choices=State.choices, default=State.OPEN)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                name="duplicate_pair_unique",
                violation_error_message=_("This pair is already listed."),
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")),
                name="duplicate_pair_ordered",
                violation_error_message=_("A pair is stored once, lower id first."),
            ),
        ]

    def __str__(self):
        return f"{self.person_a} / {self.person_b} ({self.score:.2f})"


class PersonMerge(ChecksInOneQuery, models.Model):
    """One record merged into another: what moved, who did it, and whether it was undone."""

    kept = models.ForeignKey(Person, verbose_name=_("kept"), on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey(Person, verbose_name=_("merged"), on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moved = models.JSONField(
        _("moved"),
        default=dict,
        help_text=_("The ids of every record moved to the kept person, by model, so undo can move them back"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("person merge")
        verbose_name_plural = _("person merges")
        ordering = ["-merged_at"]
        permissions = [("merge_person", "Can merge duplicate people and undo a merge")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kept=F("merged")),
                name="merge_two_people",
                violation_error_message=_("A person cannot be merged into themselves."),
            ),
        ]

    def __str__(self):
        return gettext("%(merged)s into %(kept)s") % {"merged": self.merged, "kept": self.kept}
