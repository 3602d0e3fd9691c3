"""Where the registry's facts come from: sources, some of them confidential."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.protection.fields import EncryptedTextField


class Source(ChecksInOneQuery, models.Model):
    """Where a fact came from. A confidential source is never shown outside the staff area."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.SourceKind.choices)
    title = models.CharField(_("title"), max_length=300, help_text=_("Publication or document title"))
    url = models.URLField(_("url"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    confidential = models.BooleanField(
        _("confidential"), default=True, help_text=_("Confidential sources are visible to staff only")
    )
    contact = EncryptedTextField(
        _("contact"),
        blank=True,
        help_text=_(
            "Confidential, Sources group only, encrypted: who gave the information and how to reach them"
        ),
    )
    reliability = models.CharField(
        _("reliability"),
        max_length=12,
        choices=choices.SourceReliability.choices,
        default=choices.SourceReliability.UNVERIFIED,
        help_text=_(
            "How far its word goes: shown beside each of its claims; a documentary source's "
            "claim replaces a reported or unverified one without waiting for a Publisher"
        ),
    )
    import_list = models.CharField(
        _("import list"),
        max_length=40,
        blank=True,
        help_text=_(
            "The code of the import profile whose list this source is: every import with that "
            "profile records the list's facts as claims from this source"
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        permissions = [
            ("view_confidential_source", "Can see confidential sources and every contact (Sources group)")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidential=True) | Q(contact=""),
                name="source_contact_only_when_confidential",
                violation_error_message=_("A contact may only be recorded on a confidential source."),
            ),
        ]

    def __str__(self):
        return self.title
