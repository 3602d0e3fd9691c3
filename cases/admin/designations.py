"""The designation lists' screens (issue 18, point 5): the lists, the import of a snapshot (a
pasted list or a CSV/XLSX table, with its day and source), the review of its entries matched
against the registry (the release waves' review, with the removals a snapshot implies), and the
people's designations, with an undo for a wrong match. Every write goes through
cases.services.designations."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.history import HistoryAdmin
from cases.identity import announced
from cases.models import Designation, DesignationList, DesignationSnapshot, Person, Source
from cases.transfer.announced_lists import read_list
from cases.transfer.importing import UnreadableFile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@admin.register(DesignationList)
class DesignationListAdmin(HistoryAdmin):
    list_display = ["__str__", "jurisdiction", "kind", "gives_watch_reason", "people_now", "latest_snapshot"]
    list_filter = ["jurisdiction", "kind", "gives_watch_reason"]
    search_fields = ["name", "name_en", "code"]
    fields = [
        "code",
        "jurisdiction",
        "name",
        "name_en",
        "kind",
        "issued_by",
        "url",
        "gives_watch_reason",
        "is_public",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                on_it_now=Count(
                    "designations", filter=Q(designations__removed_on__isnull=True), distinct=True
                )
            )
        )

    @admin.display(description=_("people on it now"), ordering="on_it_now")
    def people_now(self, designation_list):
        return designation_list.on_it_now

    @admin.display(description=_("latest snapshot"))
    def latest_snapshot(self, designation_list):
        latest = designation_list.snapshots.order_by("-date").first()
        return latest.date if latest else gettext("none yet")

    def save_model(self, request, obj, form, change):
        services.save_designation_list(designation_list=obj, by=request.user)


class SnapshotImportForm(forms.Form):
    designation_list = forms.ModelChoiceField(DesignationList.objects.all(), label=_("List"))
    date = forms.DateField(
        label=_("Day of the snapshot"),
        help_text=_("The day the list was published or read in this state (YYYY-MM-DD)."),
    )
    source = forms.ModelChoiceField(
        Source.objects.all(),
        label=_("Source"),
        help_text=_("Where this copy of the list comes from (the issuer's page, a gazette)."),
    )
    upload = forms.FileField(
        required=False,
        label=_("Table"),
        help_text=_(
            "A CSV or XLSX table with a heading row (a name column, or surname, given name and "
            "patronymic; birth date and day of inclusion where the list gives them)."
        ),
    )
    names = forms.CharField(
        required=False,
        label=_("Or the list pasted"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "As published, one entry per line (numbering, dates of birth and places of birth are "
            "read), or a table pasted with its heading row."
        ),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("upload"), (data.get("names") or "").strip()
        if bool(upload) == bool(text):
            raise ValidationError(
                gettext("Give the list either as a table or pasted, not both and not neither.")
            )
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                gettext("The file is larger than %(megabytes)d MB; split it.")
                % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            read = (
                read_list(data=upload.read(), today=timezone.localdate()) if upload else read_list(text=text)
            )
        except UnreadableFile as error:
            raise ValidationError(str(error)) from error
        if not read.entries:
            raise ValidationError(gettext("No names were found in the list."))
        data["read"] = read
        return data


@admin.register(DesignationSnapshot)
class DesignationSnapshotAdmin(HistoryAdmin):
    list_display = [
        "designation_list",
        "date",
        "entries_count",
        "matched_count",
        "confirmed_at",
        "review_link",
    ]
    list_filter = ["designation_list"]
    date_hierarchy = "date"
    readonly_fields = ["designation_list", "date", "source", "confirmed_at", "review_link"]
    fields = readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("designation_list")
            .annotate(
                n_entries=Count("entries", distinct=True),
                n_matched=Count("entries", filter=Q(entries__person__isnull=False), distinct=True),
            )
        )

    @admin.display(description=_("entries"), ordering="n_entries")
    def entries_count(self, snapshot):
        return snapshot.n_entries

    @admin.display(description=_("matched to the registry's people"), ordering="n_matched")
    def matched_count(self, snapshot):
        return snapshot.n_matched

    @admin.display(description=_("review"))
    def review_link(self, snapshot):
        url = reverse("admin:cases_designationsnapshot_review", args=[snapshot.pk])
        label = (
            gettext("Review again") if snapshot.confirmed_at else gettext("Review and confirm the matches")
        )
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a snapshot is a source of dated facts: it stays

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:cases_designationsnapshot_import")

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cases_designationsnapshot_import",
            ),
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="cases_designationsnapshot_review",
            ),
        ]
        return own + super().get_urls()

    def _check(self, request):
        if not (self.has_add_permission(request) and request.user.has_perm("cases.change_case")):
            raise PermissionDenied

    def import_view(self, request):
        """Keep a snapshot of a list: its entries as written, with the day and the source."""
        self._check(request)
        form = SnapshotImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            read = form.cleaned_data["read"]
            try:
                snapshot = services.import_designation_snapshot(
                    designation_list=form.cleaned_data["designation_list"],
                    date=form.cleaned_data["date"],
                    source=form.cleaned_data["source"],
                    entries=read.entries,
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Kept %(count)d entries of %(snapshot)s.")
                    % {"count": len(read.entries), "snapshot": snapshot},
                )
                for problem in read.problems[:50]:
                    messages.warning(
                        request,
                        gettext("Read with a doubt: %(problem)s (the date was left out).")
                        % {"problem": problem},
                    )
                return redirect("admin:cases_designationsnapshot_review", snapshot.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": gettext("Import a snapshot of a designation list"),
        }
        return TemplateResponse(request, "admin/cases/designationsnapshot/import.html", context)

    def review_view(self, request, pk):
        """Each entry matched against the registry; confirming records inclusions and removals."""
        self._check(request)
        snapshot = get_object_or_404(
            DesignationSnapshot.objects.select_related("designation_list", "source"), pk=pk
        )
        if request.method == "POST":
            chosen = {
                int(key.removeprefix("line-")): int(value)
                for key, value in request.POST.items()
                if key.startswith("line-") and key.removeprefix("line-").isdigit() and value.isdigit()
            }
            removals = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
            try:
                outcome = services.confirm_designation_snapshot(
                    snapshot=snapshot, chosen=chosen, removals=removals, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("admin:cases_designationsnapshot_review", snapshot.pk)
            messages.success(
                request,
                gettext(
                    "%(snapshot)s: %(listed)d newly on the list, %(still)d still on it, %(removed)d removed."
                )
                % {
                    "snapshot": snapshot,
                    "listed": len(outcome.listed),
                    "still": len(outcome.still_listed),
                    "removed": len(outcome.removed),
                },
            )
            names = dict(
                (p.pk, str(p)) for p in Person.objects.filter(pk__in=[p for p, _ in outcome.refused])
            )
            for person_id, why in outcome.refused:
                messages.warning(
                    request,
                    gettext("Not recorded for %(person)s: %(why)s.")
                    % {"person": names.get(person_id, person_id), "why": why},
                )
            return redirect("admin:cases_designation_changelist")
        review = services.review_snapshot(snapshot)
        ids = {c.person_id for row in review.entries for c in row.match.candidates}
        ids |= {row.confirmed_before for row in review.entries if row.confirmed_before}
        people = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("names")}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "snapshot": snapshot,
            "review": review,
            "rows": [_review_row(row, people) for row in review.entries],
            "counts": {
                outcome: review.count(outcome)
                for outcome in (announced.MATCHED, announced.AMBIGUOUS, announced.UNKNOWN)
            },
            "title": gettext("Review the snapshot: %(snapshot)s") % {"snapshot": snapshot},
        }
        return TemplateResponse(request, "admin/cases/designationsnapshot/review.html", context)


def _review_row(row: services.designations.EntryReview, people: dict) -> dict:
    """An entry with its candidates as the screen shows them; the person confirmed for the same
    entry in an earlier snapshot comes first, even when the names alone leave a doubt."""
    candidates = list(row.match.candidates)
    if row.confirmed_before and row.confirmed_before not in {c.person_id for c in candidates}:
        candidates.insert(0, announced.Candidate(row.confirmed_before, "", 0.0))
    proposed = row.proposed
    return {
        "entry": row.entry,
        "outcome": row.match.outcome,
        "confirmed_before": row.confirmed_before,
        "on_list_since": row.on_list_since,
        "candidates": [
            {
                "person": people[c.person_id],
                "spelling": c.name,
                "score": f"{c.score:.2f}" if c.score else "",
                "url": reverse("admin:cases_person_change", args=[c.person_id]),
                "chosen": c.person_id == proposed,
            }
            for c in candidates
            if c.person_id in people
        ],
    }


class OnTheListNow(admin.SimpleListFilter):
    title = _("on the list")
    parameter_name = "now"

    def lookups(self, request, model_admin):
        return [("yes", _("on it now")), ("no", _("removed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(removed_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(removed_on__isnull=False)
        return queryset


@admin.register(Designation)
class DesignationAdmin(HistoryAdmin):
    list_display = ["person", "list_short", "listed", "removed"]
    list_filter = ["designation_list", OnTheListNow]
    search_fields = ["person__names__text"]
    list_select_related = ["designation_list__jurisdiction"]
    readonly_fields = [
        "person",
        "designation_list",
        "listed",
        "first_seen",
        "last_seen",
        "removed",
        "removed_in",
        "listed_event",
        "removed_event",
    ]
    fields = readonly_fields
    actions = ["undo_wrong_match"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("person__names")

    @admin.display(description=_("list"), ordering="designation_list__code")
    def list_short(self, designation):
        """The list's jurisdiction and kind: the titles are too long for a column."""
        listed = designation.designation_list
        return f"{listed.jurisdiction.code}: {listed.get_kind_display()}"

    @admin.display(description=_("on the list since"), ordering="listed_on")
    def listed(self, designation):
        day = {"day": designation.listed_words, "after": designation.listed_after}
        if designation.listed_on_given:
            return gettext("%(day)s (the day the list gives)") % day
        if designation.listed_after:
            return gettext("%(day)s at the latest, not on it on %(after)s") % day
        return gettext("%(day)s at the latest") % day

    @admin.display(description=_("removed"), ordering="removed_on")
    def removed(self, designation):
        if designation.removed_on is None:
            return gettext("still on it")
        return gettext("by %(day)s, on it on %(after)s") % {
            "day": designation.removed_on,
            "after": designation.removed_after,
        }

    def has_add_permission(self, request):
        return False  # recorded by confirming a snapshot

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # undone with the action, which also removes the timeline entries

    @admin.action(description=_("Undo a wrong match (the history keeps it)"))
    def undo_wrong_match(self, request, queryset):
        if not request.user.has_perm("cases.change_case"):
            raise PermissionDenied
        undone = list(queryset)
        for designation in undone:
            services.undo_designation(designation=designation, by=request.user)
        messages.success(request, gettext("Undid %(count)d designation(s).") % {"count": len(undone)})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("cases.change_case"):
            actions.pop("undo_wrong_match", None)
        return actions
