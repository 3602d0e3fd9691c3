"""How spreadsheets come in: the import profiles staff keep as data, and the cells no field took."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.people import Person
from cases.models.records import ImportRun
from cases.protection.fields import EncryptedTextField


class ImportProfile(ChecksInOneQuery, models.Model):
    """A list's layout and vocabulary as data: which column feeds which field, what the list's own
    words mean, which columns hold links, how a sentence split over columns is read.

    `config` is read and checked by cases.transfer.importing.profiles (docs/import.md lists its
    keys); a profile that does not pass that check cannot be saved. The shipped profiles are
    starting points that Publishers copy and change, never the only layouts.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    config = models.JSONField(_("config"), default=dict)
    is_shipped = models.BooleanField(
        _("is shipped"),
        default=False,
        editable=False,
        help_text=_("Shipped with the registry; `load_law` refreshes it"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="importprofile_code_not_empty"),
        ]

    def __str__(self):
        return self.label


class KeptCell(models.Model):
    """A cell of an imported row that fed no field, or whose value the profile did not know: kept
    verbatim with its run for staff to read, never dropped. Encrypted: a list's free columns can
    hold anything, contacts of relatives included."""

    class Reason(models.TextChoices):
        UNMAPPED = "unmapped", _("the profile maps this column to no field")
        UNKNOWN_VALUE = "unknown_value", _("the profile does not know this value")

    run = models.ForeignKey(
        ImportRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="kept_cells"
    )
    row = models.PositiveIntegerField(
        _("row"), help_text=_("The row's number in the file, the header being row 1")
    )
    column = models.CharField(_("column"), max_length=200)
    text = EncryptedTextField(_("text"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kept cell")
        verbose_name_plural = _("kept cells")
        ordering = ["run", "row", "id"]
        indexes = [models.Index(fields=["person"], name="keptcell_person")]

    def __str__(self):
        return gettext("row %(row)d, %(column)s") % {"row": self.row, "column": self.column}
