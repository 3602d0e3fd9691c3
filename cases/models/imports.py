"""How spreadsheets come in: the import profiles staff keep as data, and the cells no field took."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.history import RegistryHistory
from cases.models.people import Person
from cases.models.records import ImportRun
from cases.protection.fields import EncryptedTextField


class ImportProfile(models.Model):
    """A list's layout and vocabulary as data: which column feeds which field, what the list's own
    words mean, which columns hold links, how a sentence split over columns is read.

    `config` is read and checked by cases.transfer.importing.profiles (docs/import.md lists its
    keys); a profile that does not pass that check cannot be saved. The shipped profiles are
    starting points that Publishers copy and change, never the only layouts.
    """

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    config = models.JSONField(default=dict)
    is_shipped = models.BooleanField(
        default=False, editable=False, help_text="Shipped with the registry; `load_law` refreshes it"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = RegistryHistory()

    class Meta:
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

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="kept_cells")
    row = models.PositiveIntegerField(help_text="The row's number in the file, the header being row 1")
    column = models.CharField(max_length=200)
    text = EncryptedTextField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["run", "row", "id"]
        indexes = [models.Index(fields=["person"], name="keptcell_person")]

    def __str__(self):
        return f"row {self.row}, {self.column}"
