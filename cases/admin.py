"""The staff area. Every save goes through cases.services so the admin follows the same rules
as the API, imports and tasks."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as SqlCase
from django.db.models import Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from rest_framework_api_key.admin import APIKeyModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from cases import alerts, audit, intake, services
from cases.admin_mixins import ReadOnlyAdminMixin
from cases.choices import ChargeState
from cases.fields import EncryptedTextField
from cases.filtersets import name_search_q
from cases.forms import ChargeInlineForm, EndChargeForm, ReclassifyChargeForm
from cases.models import (
    Article,
    AuditEntry,
    Case,
    CaseEvent,
    Charge,
    Facility,
    FacilityStay,
    Jurisdiction,
    Organisation,
    PartnerAPIKey,
    Person,
    PersonName,
    Reclassification,
    Region,
    RiskAlert,
    RiskAssessment,
    Source,
    Submission,
    WatchListEntry,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.permissions import SOURCES_GROUP_FIELDS, sees_sources, source_label

SEEN_VERSION = "seen_version"


class EditConflict(ValidationError):
    pass


class OptimisticLockMixin:
    """Two staff members editing one record: the second save is refused and shown what changed.

    The form carries the id of the newest history row the editor saw. On save the row is locked
    (for the rest of the request's transaction) and the newest history row compared: if someone
    saved in between, nothing is written and the page lists who changed which fields, with the
    form now holding their version for the editor to apply their change again.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The version field is the form's own, not the model's: keep it out of the ModelForm.
        if kwargs.get("fields") is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != SEEN_VERSION]
        elif "fields" not in kwargs:
            declared = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in declared if f != SEEN_VERSION]
        form_class = super().get_form(request, obj, change, **kwargs)
        model = self.model

        class LockedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                latest = self.instance.history.order_by("-history_id").first() if self.instance.pk else None
                self.fields[SEEN_VERSION] = forms.CharField(
                    widget=forms.HiddenInput, required=False, initial=latest.history_id if latest else ""
                )

            def clean(self):
                cleaned = super().clean()
                seen = self.cleaned_data.get(SEEN_VERSION) or ""
                if self.instance.pk and seen.isdigit():
                    model.objects.select_for_update().filter(pk=self.instance.pk).first()
                    newer = self.instance.history.filter(history_id__gt=int(seen)).order_by("history_id")
                    if newer.exists():
                        self.data = self.data.copy()
                        self.data[self.add_prefix(SEEN_VERSION)] = str(newer.last().history_id)
                        raise EditConflict(_conflict_message(self.instance, int(seen), list(newer)))
                return cleaned

        return LockedForm

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != SEEN_VERSION]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, (None, {"fields": [SEEN_VERSION], "classes": ["hidden"]})]


def _conflict_message(instance, seen: int, newer) -> str:
    base = instance.history.filter(history_id=seen).first()
    changed = set()
    previous = base
    for record in newer:
        if previous is not None:
            changed |= set(record.diff_against(previous).changed_fields)
        previous = record
    who = {str(record.history_user or "a background task") for record in newer}
    when = newer[-1].history_date.strftime("%Y-%m-%d %H:%M:%S UTC")
    names = sorted(
        "a confidential field"
        if isinstance(instance._meta.get_field(f), EncryptedTextField)
        else str(instance._meta.get_field(f).verbose_name)
        for f in changed
    ) or ["nothing visible"]
    return (
        f"Not saved: {', '.join(sorted(who))} saved this record at {when} while you were editing "
        f"({', '.join(dict.fromkeys(names))} changed). The page now shows their version: apply your "
        "change again and save."
    )


class AuditConfidentialReadsMixin:
    """A change page (or an old version of it) that shows a confidential value puts the read on record."""

    def confidential_fields_shown(self, request, obj) -> list[str]:
        return []

    def _audit(self, request, object_id, version_id=None):
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:
            return
        if version_id is not None:
            version = obj.history.filter(history_id=version_id).first()
            obj = version.instance if version else obj
        fields = self.confidential_fields_shown(request, obj)
        audit.record_request_read(request, [obj], object_type=self.model._meta.model_name, fields=fields)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, object_id, version_id)
        return response


class HideFromHistoryMixin:
    """The history page lists what changed; fields a user may not see are left out of that list."""

    sources_group_fields: tuple[str, ...] = ()

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        hidden = [] if sees_sources(request.user) else list(self.sources_group_fields)
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class MaskConfidentialSourcesMixin(HideFromHistoryMixin):
    """Every source picker names confidential sources only to the Sources group (cases.permissions);
    a read-only page (a viewer's) shows a source by a label that never names a confidential one."""

    sources_group_fields = ("source", "sources")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields = ["source_display" if field == "source" else field for field in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "source_display"]

    @admin.display(description="source")
    def source_display(self, obj):
        source = getattr(obj, "source", None)
        return source_label(source, None) if source else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Source:
            field.label_from_instance = lambda source: source_label(source, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Source:
            field.label_from_instance = lambda source: source_label(source, request.user)
        return field


def _reasons_html(reasons) -> str:
    """An assessment's reasons as paragraphs, each escaped."""
    return format_html_join("", "<p>{}</p>", ((r["text"],) for r in reasons)) or "—"


def _message_for(error: ValidationError) -> str:
    return " ".join(error.messages)


class ArticleListFilter(admin.SimpleListFilter):
    """Filter by article part, listing only parts that are charged somewhere."""

    title = "article"
    parameter_name = "article"
    charge_path = "charges__article"

    def lookups(self, request, model_admin):
        used = Article.objects.filter(charges__isnull=False).distinct().select_related("jurisdiction")
        return [(a.pk, f"{a.jurisdiction.code} {a.notation}") for a in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.charge_path: self.value()}).distinct()
        return queryset


class PersonArticleListFilter(ArticleListFilter):
    charge_path = "cases__charges__article"


# People ---------------------------------------------------------------------------------------


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    fields = ["text", "script", "kind", "is_primary"]


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["case_number", "jurisdiction", "status", "detention_date", "risk_level"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # a case is opened on its own page, through the create-case service


@admin.register(Person)
class PersonAdmin(OptimisticLockMixin, AuditConfidentialReadsMixin, HideFromHistoryMixin, SimpleHistoryAdmin):
    sources_group_fields = SOURCES_GROUP_FIELDS["person"]

    def confidential_fields_shown(self, request, person):
        shown = ["internal_notes"] + (list(self.sources_group_fields) if sees_sources(request.user) else [])
        return [field for field in shown if getattr(person, field)]

    list_display = ["display_name", "region", "sex", "birth_date", "publication_state", "updated_at"]
    list_filter = [
        "publication_state",
        "region",
        "sex",
        "cases__status",
        "cases__jurisdiction",
        PersonArticleListFilter,
    ]
    search_fields = ["names__text", "slug"]
    readonly_fields = ["slug", "public_id", "publication_state", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "sex",
                    ("birth_date", "birth_date_precision"),
                    "is_official_or_military",
                    "region",
                    "citizenship",
                    "occupation",
                ]
            },
        ),
        ("Public", {"fields": ["biography"]}),
        ("Confidential", {"fields": ["internal_notes"]}),
        ("Contacts (Sources group only)", {"fields": ["contacts"]}),
        (
            "Publication",
            {
                "fields": [
                    "publication_state",
                    "published_at",
                    "slug",
                    "public_id",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [PersonNameInline, CaseInline]
    actions = ["publish_selected", "withdraw_selected"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_sources(request.user):
            return fieldsets
        hidden = set(self.sources_group_fields)
        return [fs for fs in fieldsets if not hidden & set(fs[1]["fields"])]

    def get_queryset(self, request):
        # A merged record holds nothing and is reached from its merge, not from the people list.
        return super().get_queryset(request).current().select_related("region").prefetch_related("names")

    def get_search_results(self, request, queryset, search_term):
        """Any spelling in any script: 'Aliaksandr' also finds 'Аляксандр' (cases.names)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_key = name_search_q(search_term)
        if by_key is not None:
            results = results | queryset.filter(by_key)
        return results, may_have_duplicates

    @admin.display(description="name")
    def display_name(self, person):
        return str(person)

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in services.PERSON_FIELDS}
        if change:
            original = Person.objects.get(pk=obj.pk)
            services.update_person(person=original, by=request.user, **fields)
        else:
            # Names arrive with the inline formset; the person is saved first, names after.
            obj.assign_slug_from("")
            services._save(obj, request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            services.save_detail(instance=instance, by=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("cases.publish_person"):
            actions.pop("publish_selected", None)
            actions.pop("withdraw_selected", None)
        return actions

    def _apply(self, request, queryset, service, verb):
        if not request.user.has_perm("cases.publish_person"):
            raise PermissionDenied
        done = 0
        for person in queryset:
            try:
                service(person=person, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{person}: {_message_for(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} {'person' if done == 1 else 'people'}.")

    @admin.action(description="Publish selected people")
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.publish_person, "Published")

    @admin.action(description="Withdraw selected people from the public pages")
    def withdraw_selected(self, request, queryset):
        self._apply(request, queryset, services.withdraw_person, "Withdrew")


# Cases ----------------------------------------------------------------------------------------


class ChargeInline(MaskConfidentialSourcesMixin, admin.TabularInline):
    model = Charge
    form = ChargeInlineForm
    fk_name = "case"
    extra = 1
    can_delete = False
    fields = ["article", "stage", "offence_date", "charged_on", "source", "state", "ended_on", "actions"]
    readonly_fields = ["state", "ended_on", "actions"]
    autocomplete_fields = ["article"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields.remove("actions")  # the reclassify and end links are for editors
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "reclassified_into__article")

    @admin.display(description="")
    def actions(self, charge):
        if not charge.pk:
            return ""
        if charge.state != ChargeState.ACTIVE:
            if charge.reclassified_into_id:
                return format_html("→ {}", charge.reclassified_into.article.notation)
            return ""
        return format_html(
            '<a href="{}">Reclassify</a> · <a href="{}">End</a>',
            reverse("admin:cases_charge_reclassify", args=[charge.pk]),
            reverse("admin:cases_charge_end", args=[charge.pk]),
        )


class CaseEventInline(MaskConfidentialSourcesMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["date", "kind", "text", "is_public", "charge"]
    raw_id_fields = ["charge"]


class FacilityStayInline(admin.TabularInline):
    model = FacilityStay
    extra = 0
    fields = ["facility", "start_date", "end_date"]


@admin.register(Case)
class CaseAdmin(OptimisticLockMixin, MaskConfidentialSourcesMixin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "jurisdiction",
        "status",
        "risk_display",
        "detention_date",
        "expected_release_date",
    ]
    list_filter = [
        "status",
        "jurisdiction",
        "person__region",
        "risk_level",
        "person__publication_state",
        ArticleListFilter,
    ]
    search_fields = ["person__names__text", "case_number"]
    autocomplete_fields = ["person"]
    readonly_fields = [
        "public_id",
        "expected_release_date",
        "risk_level",
        "risk_stale",
        "risk_assessed_at",
        "risk_history",
    ]
    fieldsets = [
        (None, {"fields": ["person", "jurisdiction", "case_number", "investigating_body", "status"]}),
        ("Detention", {"fields": ["detention_date", "detention_place"]}),
        (
            "Trial and sentence",
            {
                "fields": [
                    "court",
                    "verdict_date",
                    "sentence_kind",
                    ("sentence_years", "sentence_months"),
                    "sentence_regime",
                    "expected_release_date",
                ]
            },
        ),
        (
            "Recognition as a political prisoner",
            {"fields": ["recognised_on", "recognised_by", "recognition_criteria"]},
        ),
        (
            "Risk of the death penalty",
            {"fields": ["risk_level", "risk_stale", "risk_assessed_at", "risk_history"]},
        ),
        (None, {"fields": ["public_id"]}),
    ]
    inlines = [ChargeInline, FacilityStayInline, CaseEventInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("jurisdiction")
            .prefetch_related(Prefetch("person__names", queryset=PersonName.objects.filter(is_primary=True)))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["person", "jurisdiction"]  # a case does not move to another person or code
        return fields

    @admin.display(description="assessment history (latest 10)")
    def risk_history(self, case):
        rows = [
            (
                a.created_at.strftime("%Y-%m-%d %H:%M"),
                a.get_previous_level_display() or "—",
                a.get_level_display(),
                "; ".join(r["text"] for r in a.reasons) or "no reasons",
            )
            for a in case.assessments.all()[:10]
        ]
        if not rows:
            return "not assessed yet"
        return format_html_join("", "<p>{}: {} → <strong>{}</strong>. {}</p>", rows)

    @admin.display(description="risk", ordering="risk_level")
    def risk_display(self, case):
        status = case.risk_status
        return "under review" if status == "under_review" else case.get_risk_level_display()

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in services.CASE_FIELDS}
        if change:
            services.update_case(case=Case.objects.get(pk=obj.pk), by=request.user, **fields)
        else:
            created = services.create_case(
                person=form.cleaned_data["person"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                by=request.user,
                **fields,
            )
            obj.pk = created.pk
            obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        case = form.instance
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        form_of = {id(inline.instance): inline for inline in formset.forms}
        for instance in instances:
            if not isinstance(instance, Charge):
                services.save_detail(instance=instance, by=request.user)
            elif instance.pk is None:
                services.add_charge(
                    case=case,
                    article=instance.article,
                    stage=instance.stage,
                    offence_date=instance.offence_date,
                    charged_on=instance.charged_on,
                    source=instance.source,
                    by=request.user,
                )
            else:
                changed = {f: getattr(instance, f) for f in form_of[id(instance)].changed_data}
                services.update_charge_facts(
                    charge=Charge.objects.get(pk=instance.pk), by=request.user, **changed
                )
        formset.save_m2m()


@admin.register(Charge)
class ChargeAdmin(MaskConfidentialSourcesMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "case", "state", "charged_on", "ended_on"]
    list_filter = ["state", "stage", "article__jurisdiction", "article__capital"]
    search_fields = ["case__person__names__text", "article__number"]
    readonly_fields = ["case", "article", "state", "ended_on", "reclassified_into"]
    fields = [
        "case",
        "article",
        "stage",
        "offence_date",
        "charged_on",
        "source",
        "state",
        "ended_on",
        "reclassified_into",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "case__person")
            .prefetch_related("case__person__names")
        )

    def has_add_permission(self, request):
        return False  # charges are brought on the case page

    def save_model(self, request, obj, form, change):
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        services.update_charge_facts(charge=Charge.objects.get(pk=obj.pk), by=request.user, **changed)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/reclassify/",
                self.admin_site.admin_view(self.reclassify_view),
                name="cases_charge_reclassify",
            ),
            path("<int:pk>/end/", self.admin_site.admin_view(self.end_view), name="cases_charge_end"),
        ]
        return own + super().get_urls()

    def _charge_for_change(self, request, pk):
        charge = get_object_or_404(Charge.objects.select_related("article", "case__person"), pk=pk)
        if not self.has_change_permission(request, charge):
            raise PermissionDenied
        return charge

    def _render(self, request, charge, form, title, submit_label):
        context = {
            **self.admin_site.each_context(request),
            "charge": charge,
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cases/charge/action_form.html", context)

    def reclassify_view(self, request, pk):
        charge = self._charge_for_change(request, pk)
        form = ReclassifyChargeForm(request.POST or None, charge=charge)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                new = services.reclassify_charge(
                    charge=charge,
                    to_article=data["to_article"],
                    on=data["on"],
                    stage=data["stage"],
                    offence_date=data["offence_date"],
                    source=data["source"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _message_for(error))
            else:
                self.message_user(
                    request, f"Reclassified {charge.article.notation} → {new.article.notation}."
                )
                return redirect("admin:cases_case_change", charge.case_id)
        return self._render(request, charge, form, "Reclassify a charge", "Reclassify")

    def end_view(self, request, pk):
        charge = self._charge_for_change(request, pk)
        form = EndChargeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.end_charge(
                    charge=charge,
                    state=form.cleaned_data["state"],
                    on=form.cleaned_data["on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _message_for(error))
            else:
                self.message_user(request, f"The charge under {charge.article.notation} is closed.")
                return redirect("admin:cases_case_change", charge.case_id)
        return self._render(request, charge, form, "End a charge", "Save")


@admin.register(Reclassification)
class ReclassificationAdmin(MaskConfidentialSourcesMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "date", "created_by"]
    readonly_fields = ["from_charge", "to_charge", "date", "created_by", "created_at"]
    fields = readonly_fields + ["source", "note"]

    def has_add_permission(self, request):
        return False


# Law data and reference records --------------------------------------------------------------


class LawDataAdmin(SimpleHistoryAdmin):
    """An edit of the law data re-assesses every case of the jurisdiction."""

    def save_model(self, request, obj, form, change):
        services.save_law_data(instance=obj, by=request.user)


@admin.register(Article)
class ArticleAdmin(LawDataAdmin):
    list_display = ["__str__", "jurisdiction", "title_en", "capital", "capital_since", "verified"]
    list_filter = ["jurisdiction", "capital", "verified", "category"]
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


class DetailAdmin(SimpleHistoryAdmin):
    def save_model(self, request, obj, form, change):
        services.save_detail(instance=obj, by=request.user)


@admin.register(Facility)
class FacilityAdmin(DetailAdmin):
    list_display = ["name_en", "name_ru", "kind", "regime", "region"]
    list_filter = ["kind", "jurisdiction", "region"]
    search_fields = ["name_en", "name_be", "name_ru"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Source)
class SourceAdmin(OptimisticLockMixin, AuditConfidentialReadsMixin, HideFromHistoryMixin, DetailAdmin):
    """Outside the Sources group a confidential source does not exist: not in the list, search,
    autocomplete, change page or history (all of them go through get_queryset), and no contact."""

    list_display = ["title", "kind", "published_on", "confidential"]
    list_filter = ["kind", "confidential"]
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


# Risk ------------------------------------------------------------------------------------------


class TriageChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:  # a column header was clicked
            return super().get_ordering(request, queryset)
        return ["triage_rank", "-created_at", "-pk"]


@admin.register(RiskAlert)
class RiskAlertAdmin(SimpleHistoryAdmin):
    """The triage queue: open alerts first, rises before falls."""

    list_display = ["created_at", "case", "change_display", "state", "acknowledged_by", "resolved_by"]
    list_filter = ["state", "new_level", "old_level"]
    search_fields = ["case__person__names__text", "case__case_number"]
    readonly_fields = [
        "case",
        "old_level",
        "new_level",
        "reasons_display",
        "state",
        "created_at",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
        "resolved_by",
    ]
    fields = readonly_fields + ["resolution_note"]
    actions = ["acknowledge_selected"]

    def get_queryset(self, request):
        # Open alerts on top, then acknowledged, then resolved; newest first within each.
        rank = SqlCase(
            When(state=RiskAlert.State.OPEN, then=Value(0)),
            When(state=RiskAlert.State.ACKNOWLEDGED, then=Value(1)),
            default=Value(2),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("case__person", "assessment", "acknowledged_by", "resolved_by")
            .prefetch_related("case__person__names")
            .annotate(triage_rank=rank)
        )

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state == RiskAlert.State.RESOLVED:
            return False
        return request.user.has_perm("cases.triage_riskalert")

    @admin.display(description="change")
    def change_display(self, alert):
        arrow = "▲" if alert.is_rise else "▼"
        return f"{arrow} {alert.get_old_level_display()} → {alert.get_new_level_display()}"

    @admin.display(description="reasons")
    def reasons_display(self, alert):
        return _reasons_html(alert.assessment.reasons)

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("resolution_note", "")
        if note.strip():
            alerts.resolve_alert(alert=obj, note=note, by=request.user)
        elif obj.state == RiskAlert.State.OPEN:
            alerts.acknowledge_alert(alert=obj, by=request.user)

    @admin.action(description="Acknowledge selected alerts", permissions=["triage"])
    def acknowledge_selected(self, request, queryset):
        done = 0
        for alert in queryset.filter(state=RiskAlert.State.OPEN):
            alerts.acknowledge_alert(alert=alert, by=request.user)
            done += 1
        self.message_user(request, f"Acknowledged {done} alert(s).")

    def has_triage_permission(self, request):
        return request.user.has_perm("cases.triage_riskalert")


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The assessment history: read only, written by the rules."""

    list_display = ["created_at", "case", "previous_level", "level", "rules_version", "assessed_on"]
    list_filter = ["level", "rules_version"]
    readonly_fields = [
        "case",
        "level",
        "previous_level",
        "reasons_display",
        "rules_version",
        "law_checksum",
        "generation",
        "assessed_on",
        "created_at",
    ]
    exclude = ["reasons"]

    @admin.display(description="reasons")
    def reasons_display(self, assessment):
        return _reasons_html(assessment.reasons)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "url", "active", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["secret", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log."""

    list_display = [
        "created_at",
        "subscription",
        "alert",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
    ]
    list_filter = ["state", "subscription"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Partners ----------------------------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact_email", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin):
    """Keys are shown once, when created; only their hash is stored."""

    list_display = [*APIKeyModelAdmin.list_display, "organisation", "scopes", "last_used_at"]
    list_filter = [*APIKeyModelAdmin.list_filter, "organisation"]
    readonly_fields = [*APIKeyModelAdmin.readonly_fields, "last_used_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation queue of partner reports. Accepting creates a draft person and case."""

    list_display = ["received_at", "organisation", "reported_name", "state", "handled_by"]
    list_filter = ["state", "organisation"]
    readonly_fields = [
        "public_id",
        "organisation",
        "payload",
        "state",
        "received_at",
        "handled_at",
        "handled_by",
        "person",
        "payload_deleted_at",
    ]
    fields = readonly_fields + ["moderation_note"]
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="name as reported")
    def reported_name(self, submission):
        return (submission.payload or {}).get("name", "(deleted after retention)")

    def _moderate(self, request, queryset, verb):
        if not request.user.has_perm("cases.moderate_submission"):
            raise PermissionDenied
        done = 0
        for submission in queryset:
            try:
                if verb == "accept":
                    intake.accept_submission(submission=submission, by=request.user)
                else:
                    intake.reject_submission(
                        submission=submission, by=request.user, note="Rejected in the queue."
                    )
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{submission}: {_message_for(error)}", messages.ERROR)
        self.message_user(request, f"{verb.capitalize()}ed {done} submission(s).")

    @admin.action(description="Accept: create a draft person and case")
    def accept_selected(self, request, queryset):
        self._moderate(request, queryset, "accept")

    @admin.action(description="Reject")
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, "reject")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of confidential reads, bulk reads and exports: read-only, superusers only."""

    list_display = ["at", "actor", "user", "action", "object_type", "record_count", "via"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "via"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


# The screens for imports, duplicates and merges, exports and system status live in modules of their own.
from cases import admin_accounts, admin_export, admin_identity, admin_import, admin_status  # noqa: E402, F401
