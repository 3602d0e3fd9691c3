"""Where the registry's facts come from: sources, some of them confidential."""

import uuid

from django.db import models
from django.db.models import Q

from cases import choices
from cases.models.history import RegistryHistory
from cases.protection.fields import EncryptedTextField


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
    reliability = models.CharField(
        max_length=12,
        choices=choices.SourceReliability.choices,
        default=choices.SourceReliability.UNVERIFIED,
        help_text="How far its word goes: shown beside each of its claims; a documentary source's "
        "claim replaces a reported or unverified one without waiting for a Publisher",
    )
    import_list = models.CharField(
        max_length=40,
        blank=True,
        help_text="The code of the import profile whose list this source is: every import with that "
        "profile records the list's facts as claims from this source",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = RegistryHistory()

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
