"""Admin screens for one person across records: the duplicate review queue and the merge log.

Editors decide that a listed pair is not one person; Publishers merge a pair and undo a merge
(the `merge_person` permission). Only POST changes anything, with the admin's CSRF protection.
"""

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import BigIntegerField, Count, OuterRef, Prefetch, Subquery, Value, When
from django.db.models import Case as SqlCase
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import choices
from cases.admin.history import HistoryAdmin
from cases.models import Case, DuplicateCandidate, Person, PersonMerge, PersonName
from cases.services import merging

MERGE_PERMISSION = "cases.merge_person"
REVIEW_PERMISSION = "cases.change_duplicatecandidate"


def _people_for_comparison(*ids):
    """The records side by side, with what staff need to tell them apart, in a fixed number of queries."""
    people = (
        Person.objects.filter(pk__in=ids)
        .select_related("region", "merged_into")
        .prefetch_related(
            Prefetch("names", queryset=PersonName.objects.order_by("-is_primary", "kind", "id")),
            "external_ids",
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("jurisdiction")
                .annotate(charge_count=Count("charges"))
                .order_by("-detention_date", "-id"),
            ),
        )
    )
    by_id = {p.pk: p for p in people}
    return [by_id[i] for i in ids]


def _birth_date_text(person) -> str:
    if person.birth_date is None:
        return gettext("unknown")
    # Django's month names, in the staff member's language ("E": the form a day's date takes).
    formats = {
        choices.DatePrecision.YEAR: "Y",
        choices.DatePrecision.MONTH: "F Y",
        choices.DatePrecision.DAY: "d E Y",
    }
    return date_format(person.birth_date, formats.get(person.birth_date_precision, "d E Y"))


def _publication_warning(a, b) -> str:
    published = choices.PublicationState.PUBLISHED
    if (a.publication_state == published) == (b.publication_state == published):
        return ""
    return gettext(
        "Only one of these records is published. Merging the other into it makes that record's "
        "names and cases public; merging the published one into the other withdraws it from the public pages."
    )


class ReviewChangeList(admin.views.main.ChangeList):
    def get_ordering(self, request, queryset):
        if admin.views.main.ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["review_rank", "-score", "pk"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(HistoryAdmin):
    """The review queue: pairs still to review first, the most alike on top."""

    list_display = ["pair_display", "score_display", "state", "found_at", "reviewed_by", "reviewed_at"]
    list_display_links = ["pair_display"]
    list_filter = ["state"]
    search_fields = ["person_a__names__text", "person_b__names__text"]

    def get_queryset(self, request):
        rank = SqlCase(When(state=DuplicateCandidate.State.OPEN, then=Value(0)), default=Value(1))
        return (
            super()
            .get_queryset(request)
            # A pair with a merged record is settled: it is reached from the merge, not the queue.
            .filter(person_a__merged_into__isnull=True, person_b__merged_into__isnull=True)
            .select_related("reviewed_by")
            .prefetch_related(
                Prefetch("person_a__names", queryset=PersonName.objects.filter(is_primary=True)),
                Prefetch("person_b__names", queryset=PersonName.objects.filter(is_primary=True)),
            )
            .annotate(review_rank=rank)
        )

    def get_changelist(self, request, **kwargs):
        return ReviewChangeList

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decisions are the buttons of the comparison page, not a form

    @admin.display(description=_("records"))
    def pair_display(self, candidate):
        return f"{candidate.person_a} / {candidate.person_b}"

    @admin.display(description=_("score"), ordering="score")
    def score_display(self, candidate):
        return f"{candidate.score:.2f}"

    def get_urls(self):
        own = [
            path(
                "<int:pk>/merge/",
                self.admin_site.admin_view(require_POST(self.merge_view)),
                name="cases_duplicatecandidate_merge",
            ),
            path(
                "<int:pk>/not-duplicate/",
                self.admin_site.admin_view(require_POST(self.not_duplicate_view)),
                name="cases_duplicatecandidate_not_duplicate",
            ),
        ]
        return own + super().get_urls()

    def _candidate(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The comparison page: both records side by side, and the decisions this user may take."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        candidate = self._candidate(request, object_id)
        left, right = _people_for_comparison(candidate.person_a_id, candidate.person_b_id)
        is_open = candidate.state == DuplicateCandidate.State.OPEN
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Are these records one person?"),
            "candidate": candidate,
            "people": [
                {"person": p, "birth_date": _birth_date_text(p), "side": side}
                for p, side in ((left, "left"), (right, "right"))
            ],
            "warning": _publication_warning(left, right),
            "can_merge": is_open and request.user.has_perm(MERGE_PERMISSION),
            "can_review": is_open and request.user.has_perm(REVIEW_PERMISSION),
        }
        return TemplateResponse(request, "admin/cases/duplicatecandidate/compare.html", context)

    def merge_view(self, request, pk):
        if not request.user.has_perm(MERGE_PERMISSION):
            raise PermissionDenied
        candidate = self._candidate(request, pk)
        keep = request.POST.get("keep")
        if keep not in ("left", "right") or candidate.state != DuplicateCandidate.State.OPEN:
            self.message_user(
                request, gettext("Nothing was merged: this pair is not open for a decision."), messages.ERROR
            )
            return redirect("admin:cases_duplicatecandidate_change", candidate.pk)
        kept, merged = (
            (candidate.person_a, candidate.person_b)
            if keep == "left"
            else (candidate.person_b, candidate.person_a)
        )
        try:
            merge = merging.merge_people(kept=kept, merged=merged, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:cases_duplicatecandidate_change", candidate.pk)
        self.message_user(
            request,
            gettext("Merged into %(person)s. The merge can be undone from its page.") % {"person": kept},
        )
        return redirect("admin:cases_personmerge_change", merge.pk)

    def not_duplicate_view(self, request, pk):
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        candidate = self._candidate(request, pk)
        try:
            merging.mark_not_duplicate(candidate=candidate, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:cases_duplicatecandidate_change", candidate.pk)
        self.message_user(
            request, gettext("Marked as two different people; the search will not list this pair again.")
        )
        return redirect("admin:cases_duplicatecandidate_changelist")


@admin.register(PersonMerge)
class PersonMergeAdmin(HistoryAdmin):
    """Every merge, who did it, and whether it was undone."""

    list_display = ["merged_at", "kept_display", "merged_display", "merged_by", "undone_at", "undone_by"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["kept__names__text", "merged__names__text"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("kept", "merged", "merged_by", "undone_by")
            .prefetch_related(
                Prefetch("kept__names", queryset=PersonName.objects.filter(is_primary=True)),
                Prefetch("merged__names", queryset=PersonName.objects.filter(is_primary=True)),
            )
            # The merged record's primary name moved to the kept person with the merge: find it by id.
            .annotate(
                merged_primary_name=Subquery(
                    PersonName.objects.filter(
                        pk=Cast(KeyTextTransform("primary_name", OuterRef("moved")), BigIntegerField())
                    ).values("text")[:1]
                )
            )
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kept record"))
    def kept_display(self, merge):
        return str(merge.kept)

    @admin.display(description=_("merged record"))
    def merged_display(self, merge):
        return _merged_label(merge)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/undo/",
                self.admin_site.admin_view(require_POST(self.undo_view)),
                name="cases_personmerge_undo",
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        merge = get_object_or_404(self.get_queryset(request), pk=object_id)
        moved = merge.moved or {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Merge of two records"),
            "merge": merge,
            "merged_label": _merged_label(merge),
            "moved_counts": [
                (gettext("names"), len(moved.get("names", []))),
                (
                    gettext("spellings the kept record already had (left on the merged record)"),
                    len(moved.get("names_left_behind", [])),
                ),
                (gettext("external identifiers"), len(moved.get("external_ids", []))),
                (
                    gettext("cases, with their charges, events, stays and assessments"),
                    len(moved.get("cases", [])),
                ),
                (gettext("change feed entries"), len(moved.get("change_records", []))),
                (gettext("partner submissions"), len(moved.get("submissions", []))),
            ],
            "kept_fields": sorted(_field_label(name) for name in (moved.get("kept_fields") or {})),
            "can_undo": merge.undone_at is None and request.user.has_perm(MERGE_PERMISSION),
            "kept_url": reverse("admin:cases_person_change", args=[merge.kept_id]),
        }
        return TemplateResponse(request, "admin/cases/personmerge/detail.html", context)

    def undo_view(self, request, pk):
        if not request.user.has_perm(MERGE_PERMISSION):
            raise PermissionDenied
        merge = get_object_or_404(PersonMerge, pk=pk)
        try:
            merging.undo_merge(merge=merge, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request, gettext("The merge is undone: both records are people of their own again.")
            )
        return redirect("admin:cases_personmerge_change", merge.pk)


def _field_label(name: str) -> str:
    """A person's field as the person's page names it, in the staff member's language."""
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since renamed or removed: its name as the merge recorded it
        return name


def _merged_label(merge) -> str:
    """The merged record's name, wherever its primary name is now, and its slug."""
    name = getattr(merge, "merged_primary_name", None) or str(merge.merged)
    return format_html(
        "{} <small>({})</small>", name, gettext("record %(slug)s") % {"slug": merge.merged.slug}
    )
