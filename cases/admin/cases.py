"""The case screens: a case with its charges, events and stays; reclassifying and ending charges."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from cases import services
from cases.admin.forms import ChargeInlineForm, EndChargeForm, ReclassifyChargeForm
from cases.admin.mixins import (
    ArticleListFilter,
    MaskConfidentialSourcesMixin,
    OptimisticLockMixin,
    message_for,
)
from cases.choices import ChargeState
from cases.models import (
    Case,
    CaseEvent,
    Charge,
    FacilityStay,
    PersonName,
    Reclassification,
)

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
                form.add_error(None, message_for(error))
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
                form.add_error(None, message_for(error))
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
