"""The law data (jurisdictions, articles, the watch list, regions) and the reference records
(facilities, sources)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import services
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import AuditConfidentialReadsMixin, HideFromHistoryMixin, OptimisticLockMixin
from cases.models import (
    Article,
    Facility,
    Jurisdiction,
    Region,
    Source,
    WatchListEntry,
)
from cases.protection.permissions import SOURCES_GROUP_FIELDS, sees_sources

# Confirming the address letters will use is a Publisher's decision, like publishing a person.
CONFIRM_FACILITY_PERMISSION = "cases.publish_person"

# Law data and reference records --------------------------------------------------------------


class LawDataAdmin(HistoryAdmin):
    """An edit of the law data re-assesses every case of the jurisdiction."""

    def save_model(self, request, obj, form, change):
        services.save_law_data(instance=obj, by=request.user)


@admin.register(Article)
class ArticleAdmin(LawDataAdmin):
    list_display = ["__str__", "jurisdiction", "title_en", "capital", "capital_since", "verified"]
    list_filter = ["jurisdiction", "capital", "verified", "category", "title_be_source"]
    search_fields = ["number", "title_en", "title_ru", "title_be"]
    readonly_fields = ["jurisdiction", "number", "part"]

    def has_add_permission(self, request):
        return request.user.is_superuser  # new articles come with the law data files


@admin.register(WatchListEntry)
class WatchListEntryAdmin(LawDataAdmin):
    list_display = ["__str__", "condition", "reason", "effective_from", "effective_to"]
    list_filter = ["jurisdiction"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(LawDataAdmin):
    list_display = ["code", "name", "death_penalty"]
    readonly_fields = ["data_checksum"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_be", "name_ru", "jurisdiction"]
    search_fields = ["name_en", "name_be", "name_ru"]


class DetailAdmin(HistoryAdmin):
    def save_model(self, request, obj, form, change):
        services.save_detail(instance=obj, by=request.user)


@admin.register(Facility)
class FacilityAdmin(DetailAdmin):
    """A facility proposed by an import waits for a Publisher: the action confirms its name and
    the address letters will use (cases.services.confirm_facility), the only way `needs_review`
    is cleared. An address or a new facility from anyone else waits for that confirmation too."""

    list_display = [
        "name_en",
        "name_ru",
        "short_name",
        "kind",
        "regime",
        "region",
        "postcode",
        "needs_review",
    ]
    list_filter = ["needs_review", "kind", "jurisdiction", "region"]
    search_fields = ["name_en", "name_be", "name_ru", "short_name", "postcode"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["needs_review"]
    actions = ["confirm_selected"]

    def has_confirm_permission(self, request):
        return request.user.has_perm(CONFIRM_FACILITY_PERMISSION)

    def save_model(self, request, obj, form, change):
        address_changed = not change or {"postal_address", "postcode"} & set(form.changed_data)
        has_address = obj.postal_address or obj.postcode
        if address_changed and has_address and not self.has_confirm_permission(request):
            obj.needs_review = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Confirm the name and address"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        done = 0
        for facility in queryset.filter(needs_review=True):
            services.confirm_facility(facility=facility, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("Confirmed %(count)d facility.", "Confirmed %(count)d facilities.", done)
            % {"count": done},
        )


@admin.register(Source)
class SourceAdmin(OptimisticLockMixin, AuditConfidentialReadsMixin, HideFromHistoryMixin, DetailAdmin):
    """Outside the Sources group a confidential source does not exist: not in the list, search,
    autocomplete, change page or history (all of them go through get_queryset), and no contact."""

    list_display = ["title", "kind", "reliability", "published_on", "confidential"]
    list_filter = ["kind", "reliability", "confidential"]
    search_fields = ["title", "url"]

    def get_queryset(self, request):
        sources = super().get_queryset(request)
        return sources if sees_sources(request.user) else sources.filter(confidential=False)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if sees_sources(request.user):
            return fields
        return [f for f in fields if f not in self.sources_group_fields]

    sources_group_fields = SOURCES_GROUP_FIELDS["source"]

    def confidential_fields_shown(self, request, source):
        if not (source.confidential and sees_sources(request.user)):
            return []
        return ["title", "contact"] if source.contact else ["title"]

    def history_view(self, request, object_id, extra_context=None):
        # simple-history reads the history table directly, past get_queryset: check first.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
