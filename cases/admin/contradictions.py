"""The contradiction screens: facts of a record that cannot all be true, and their resolution.

The check (cases.services.contradictions) opens and closes flags; nobody adds or deletes one by
hand. Every staff group reads them; Editors and Publishers resolve an open one with a note on its
page. The open ones also show on their person's and case's pages (the inlines below).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import NamedInputsInlineMixin
from cases.filtersets import name_search_q
from cases.models import Contradiction, PersonName


def _primary_names(path: str) -> Prefetch:
    return Prefetch(path, queryset=PersonName.objects.filter(is_primary=True))


class OpenListFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", _("open")),
            ("staff", _("resolved by staff")),
            ("auto", _("no longer contradicted")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "staff":
            return queryset.filter(resolved_at__isnull=False, resolved_by__isnull=False)
        if self.value() == "auto":
            return queryset.filter(resolved_at__isnull=False, resolved_by__isnull=True)
        return queryset


class ResolveContradictionForm(forms.ModelForm):
    """The one thing a person changes on a flag: the note that resolves it."""

    resolution_note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say in a note how the contradiction was settled.")},
        help_text=_(
            "What was corrected, or why the facts are right as recorded. Kept with the flag, "
            "with your name and the time; the same contradiction is not flagged again."
        ),
    )

    class Meta:
        model = Contradiction
        fields = ["resolution_note"]


class ContradictionAdmin(HistoryAdmin):
    """Open flags first; a flag's page resolves it with a note (cases.services.resolve_contradiction).

    Registered by cases.admin after the other screens (the people and case screens import this
    module for the inlines, and registration order is the order of the admin's URL patterns).
    """

    form = ResolveContradictionForm
    list_display = ["created_at", "person_display", "case", "kind", "text", "state_display"]
    list_filter = [OpenListFilter, "kind", "case__jurisdiction"]
    search_fields = ["person__names__text", "case__case_number"]
    list_select_related = ["case", "resolved_by"]
    facts = ["person", "case", "kind", "text", "import_run", "created_at"]
    resolution = ["resolved_at", "resolved_by", "resolution_note"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "case__person", "resolved_by", "import_run")
            .prefetch_related(_primary_names("person__names"), _primary_names("case__person__names"))
        )

    def get_ordering(self, request):
        return [F("resolved_at").desc(nulls_first=True), "-created_at", "-pk"]  # open ones first

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_name = name_search_q(search_term, "person_id")
        if by_name is not None:
            results = results | queryset.filter(by_name)
        return results, may_have_duplicates

    def get_fields(self, request, obj=None):
        return self.facts + self.resolution

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self._may_resolve(request, obj):
            return self.facts + ["resolved_at", "resolved_by"]
        return self.facts + self.resolution

    def _may_resolve(self, request, obj) -> bool:
        return obj.resolved_at is None and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False  # the check opens flags

    def has_delete_permission(self, request, obj=None):
        return False  # a flag ends resolved, with its note, never deleted

    def has_change_permission(self, request, obj=None):
        # Only an open flag has something to change (its resolution); a resolved one is read only.
        if obj is not None and obj.resolved_at is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("person"), ordering="person")
    def person_display(self, flag):
        return str(flag.person)

    @admin.display(description=_("state"), ordering="resolved_at")
    def state_display(self, flag):
        if flag.resolved_at is None:
            return gettext("open")
        if flag.resolved_by_id:
            return gettext("resolved by %(user)s") % {"user": flag.resolved_by}
        return gettext("no longer contradicted")

    def save_model(self, request, obj, form, change):
        if not change or not self._may_resolve(request, Contradiction.objects.get(pk=obj.pk)):
            raise PermissionDenied("A contradiction changes only by its resolution.")
        services.resolve_contradiction(
            contradiction=obj, note=form.cleaned_data["resolution_note"], by=request.user
        )


class _OpenContradictionInline(NamedInputsInlineMixin, admin.TabularInline):
    """The open flags of a record, read only, each linked to its page where it is resolved."""

    model = Contradiction
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("open contradiction")
    verbose_name_plural = _("open contradictions: facts that cannot all be true")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(resolved_at__isnull=True)

    def has_view_permission(self, request, obj=None):
        # Shown, never posted: left out of a save, the page's form asks no management data of it
        # (a form saved from an older copy of the page, or by a script, still goes through).
        if request.method not in ("GET", "HEAD"):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # resolved on the flag's own page, with a note


class PersonContradictionInline(_OpenContradictionInline):
    fields = ["case", "kind", "text", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("case__person")
            .prefetch_related(_primary_names("case__person__names"))
        )


class CaseContradictionInline(_OpenContradictionInline):
    fields = ["kind", "text", "created_at"]
    readonly_fields = fields
