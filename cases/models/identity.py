"""One person across records: external identifiers, duplicate candidates and merges."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models.history import RegistryHistory
from cases.models.people import Person

URL_SCHEME = "url"
LINKABLE = ("http", "https")


class ExternalIdentifier(models.Model):
    """An id another registry gives a person (a list's row id, a page URL); re-imports match on it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_ids")
    scheme = models.SlugField(max_length=40, help_text="Whose id this is, e.g. prisoners-list or url")
    value = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    history = RegistryHistory()

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

    def clean(self):
        # A page URL may be shown as a link one day: only web addresses, never javascript: or data:.
        if self.scheme == URL_SCHEME and self.value:
            parts = urlsplit(self.value.strip())
            if parts.scheme.lower() not in LINKABLE or not parts.netloc:
                raise ValidationError(
                    {"value": "A url identifier must be a web address starting with http:// or https://."}
                )


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

    history = RegistryHistory()

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

    history = RegistryHistory()

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
