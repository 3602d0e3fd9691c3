"""The case screens: a case with its charges, events and stays; reclassifying and ending charges.

The case page is built around the registry's actions: the risk level and its reasons on top, then
the charges with Reclassify and End on each active one, then the case's facts. Every save says in
its success message what it did to the case's risk (the level now, the alerts it raised).
"""

import logging
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.admin.claims import CaseClaimInline
from cases.admin.contradictions import CaseContradictionInline
from cases.admin.display import local_time, time_zone_name
from cases.admin.forms import (
    ChargeInlineForm,
    CorrectChargeForm,
    EndChargeForm,
    ReclassifyChargeForm,
    ReleaseForm,
)
from cases.admin.hearings import HearingInline
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import (
    ArticleListFilter,
    AuditConfidentialReadsMixin,
    MaskConfidentialSourcesMixin,
    NamedInputsInlineMixin,
    OptimisticLockMixin,
    message_for,
    search_by_person,
    with_any_name_matches,
)
from cases.admin.translations import TranslationsAdminMixin, with_translation_boxes
from cases.choices import ChargeState, RiskLevel
from cases.models import (
    Case,
    CaseEvent,
    Charge,
    FacilityStay,
    PersonName,
    Reclassification,
    Release,
    RiskAlert,
)
from cases.risk import assessment
from cases.wording.render import Renderer

logger = logging.getLogger(__name__)

# What an edit did to the case's risk -----------------------------------------------------------


@dataclass(frozen=True)
class RiskBefore:
    """A case's stored level and newest alert before an edit, to say afterwards what it changed."""

    case_id: int
    level: str
    last_alert_id: int = 0

    @classmethod
    def of(cls, case: Case) -> "RiskBefore":
        last = RiskAlert.objects.filter(case_id=case.pk).aggregate(last=Max("id"))["last"]
        return cls(case.pk, case.risk_level, last or 0)


def risk_outcome(before: RiskBefore) -> str:
    """The end of a success message: the case's level after the edit and the alerts it raised,
    each linked for triage.

    The edit queued the case's assessment for after its commit, and a worker may take a while
    to run it. Once the edit is committed it is run here too, at once, so that the editor reads
    the new level rather than "under review"; the queued task then finds the case current and
    returns, and the case's row lock keeps the two from both writing. If it fails, the edit
    stands, the case stays marked stale for the queued task and the sweep, and the message says
    so. Inside a caller's transaction (the edit not committed yet) nothing is assessed here.
    """
    if not transaction.get_connection().in_atomic_block:
        try:
            assessment.assess_case(case_id=before.case_id, skip_if_current=True)
        except DatabaseError:
            logger.warning("could not assess case %s after an admin edit", before.case_id, exc_info=True)
    case = Case.objects.only("risk_level", "risk_stale").get(pk=before.case_id)
    was = RiskLevel(before.level).label if before.level else ""
    if case.risk_stale and was:
        level = format_html(
            gettext(
                "Risk of the death penalty: under review (it was {was}); the new level shows once the "
                "assessment has run."
            ),
            was=was,
        )
    elif case.risk_stale:
        level = gettext(
            "Risk of the death penalty: under review; the new level shows once the assessment has run."
        )
    elif not was:
        level = format_html(
            gettext("Risk of the death penalty: {level}."), level=case.get_risk_level_display()
        )
    elif case.risk_level == before.level:
        level = format_html(gettext("Risk of the death penalty: {level}, unchanged."), level=was)
    else:
        level = format_html(
            gettext("Risk of the death penalty: {old} → {new}."), old=was, new=case.get_risk_level_display()
        )
    raised = list(RiskAlert.objects.filter(case_id=case.pk, id__gt=before.last_alert_id).order_by("id"))
    if not raised:
        return level
    links = format_html_join(
        ", ",
        '<a href="{}">{} → {}</a>',
        (
            (
                reverse("admin:cases_riskalert_change", args=[a.pk]),
                a.get_old_level_display(),
                a.get_new_level_display(),
            )
            for a in raised
        ),
    )
    raised_for_triage = ngettext(
        "{level} {count} alert raised for triage: {links}.",
        "{level} {count} alerts raised for triage: {links}.",
        len(raised),
    )
    return format_html(raised_for_triage, level=level, count=len(raised), links=links)


@dataclass
class _HeldSuccess:
    """A save's success message, held until the save's transaction is over (RiskOutcomeMixin)."""

    before: RiskBefore | None
    case_id: int | None = None
    message: str | None = None
    charges_added: list[str] = field(default_factory=list)


class RiskOutcomeMixin:
    """The success message of a save on a change page ends with what it did to the case's risk.

    Django writes that message inside the save's transaction, before the assessment the save
    queued can run: it is held back, and sent with `risk_outcome` once the transaction is over.
    """

    held_attribute = "_registry_held_success"

    def case_of(self, obj) -> Case:
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        held = _HeldSuccess(before=RiskBefore.of(self.case_of(obj)) if obj is not None else None)
        setattr(request, self.held_attribute, held)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            delattr(request, self.held_attribute)
        if held.message is not None and held.case_id is not None:
            parts = [
                held.message,
                *(
                    format_html(gettext("Charge added: {charge}."), charge=notation)
                    for notation in held.charges_added
                ),
                risk_outcome(held.before or RiskBefore(held.case_id, "")),
            ]
            super().message_user(
                request, format_html_join(" ", "{}", ((p,) for p in parts)), messages.SUCCESS
            )
        return response

    def held_success(self, request) -> _HeldSuccess | None:
        return getattr(request, self.held_attribute, None)

    def _note_saved(self, request, obj):
        held = self.held_success(request)
        if held is not None:
            held.case_id = self.case_of(obj).pk

    def response_add(self, request, obj, post_url_continue=None):
        self._note_saved(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._note_saved(request, obj)
        return super().response_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        held = self.held_success(request)
        if held is not None and level == messages.SUCCESS and held.message is None:
            held.message = message
            return
        super().message_user(request, message, level, extra_tags, fail_silently)


def _risk_summary(case: Case) -> dict:
    """What the head of a case's page says about its risk: the level (or "under review"), when it
    was assessed, the reasons of the latest result, and the open alerts."""
    latest = case.assessments.first()
    open_alerts = case.alerts.filter(state=RiskAlert.State.OPEN).count()
    return {
        "under_review": case.risk_stale,
        "level": case.risk_level,
        "label": case.get_risk_level_display(),
        "assessed_at": local_time(case.risk_assessed_at),
        "time_zone": time_zone_name(),
        "reasons": Renderer().render_all(latest.reasons) if latest else [],
        "open_alerts": open_alerts,
        "alerts_url": f"{reverse('admin:cases_riskalert_changelist')}?case__id__exact={case.pk}",
    }


# Cases ----------------------------------------------------------------------------------------


class ChargeInline(NamedInputsInlineMixin, MaskConfidentialSourcesMixin, admin.TabularInline):
    model = Charge
    form = ChargeInlineForm
    fk_name = "case"
    extra = 1
    can_delete = False
    fields = ["article", "stage", "offence_date", "charged_on", "source", "outcome", "actions"]
    readonly_fields = ["outcome", "actions"]
    autocomplete_fields = ["article"]
    # One line a charge on a 1366 px laptop (cases/static/cases/admin/case.css): the article
    # picker narrower than select2's guess, and no icons to open or add an article or a source
    # (each has its own page).
    classes = ["charges-compact"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields.remove("actions")  # the reclassify and end links are for editors
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "reclassified_into__article")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = widget.can_view_related = False
            if db_field.name == "article":
                widget.widget.attrs["data-width"] = "100%"  # read by select2: as wide as its column
        return formfield

    @admin.display(description=_("state"))
    def outcome(self, charge):
        if not charge.pk:
            return ""
        if charge.state == ChargeState.ACTIVE:
            return charge.get_state_display()
        if charge.reclassified_into_id:
            return format_html(
                "{}<br>{}<br>→ {}",
                charge.get_state_display(),
                charge.ended_on or "",
                charge.reclassified_into.article.notation,
            )
        return format_html("{}<br>{}", charge.get_state_display(), charge.ended_on or "")

    @admin.display(description=_("actions"))
    def actions(self, charge):
        if not charge.pk:
            return ""
        article = {"article": charge.article.notation}
        link = '<a href="{}" title="{}">{}</a>'
        correct = format_html(
            link,
            reverse("admin:cases_charge_correct", args=[charge.pk]),
            gettext("Correct the charge under %(article)s entered by mistake, or withdraw it") % article,
            gettext("Correct"),
        )
        if charge.state != ChargeState.ACTIVE:
            return correct
        reclassify = format_html(
            link,
            reverse("admin:cases_charge_reclassify", args=[charge.pk]),
            gettext("Reclassify the charge under %(article)s") % article,
            gettext("Reclassify"),
        )
        end = format_html(
            link,
            reverse("admin:cases_charge_end", args=[charge.pk]),
            gettext("End the charge under %(article)s: dropped, convicted or acquitted") % article,
            gettext("End"),
        )
        return format_html("{} · {} · {}", reclassify, end, correct)


class CaseEventInline(
    TranslationsAdminMixin, NamedInputsInlineMixin, MaskConfidentialSourcesMixin, admin.TabularInline
):
    """The timeline: each entry's text as written, the language it is written in, and the text in
    the other languages, on one line."""

    model = CaseEvent
    form = with_translation_boxes(CaseEvent, rows=2, cols=20)
    extra = 0
    classes = ["events-compact"]
    fields = [
        "date",
        "date_precision",
        "kind",
        "text",
        "content_language",
        "text_in_en",
        "text_in_be",
        "text_in_ru",
        "is_public",
        "charge",
    ]
    raw_id_fields = ["charge"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class FacilityStayInline(NamedInputsInlineMixin, admin.TabularInline):
    """Where the person was held. A transfer is recorded by a claim of the facility where held (or
    a new row here); correcting a row is `correct_stay`, whose claims (Claims) keep every source's
    word on it."""

    model = FacilityStay
    extra = 0
    fields = ["facility", "start_date", "start_date_precision", "end_date", "end_date_precision"]


class ReleaseInline(admin.StackedInline):
    """How the person left custody: one per case, recorded through `record_release` (which moves
    the status, ends the open stay and the risk) and corrected through `correct_release`. The
    family left behind is confidential: reading it is audited (CaseAdmin)."""

    model = Release
    form = ReleaseForm
    extra = 0
    max_num = 1
    can_delete = False
    fields = [
        ("date", "date_precision", "is_public"),
        "how",
        "wave",
        "destination_country",
        "documents_withheld",
        "family_left_behind",
    ]
    verbose_name = _("release from custody")
    verbose_name_plural = _("release from custody")


@admin.register(Case)
class CaseAdmin(
    RiskOutcomeMixin,
    OptimisticLockMixin,
    AuditConfidentialReadsMixin,
    MaskConfidentialSourcesMixin,
    HistoryAdmin,
):
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
        "release__how",
        ArticleListFilter,
    ]
    search_fields = ["person__names__text", "case_number"]
    # A filtered or searched list counts its rows once, not the whole table again (issue 21).
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return search_by_person(queryset, search_term, person="person_id", fields=["case_number"]), False

    autocomplete_fields = ["person"]
    readonly_fields = ["public_id", "expected_release_date", "expected_release_latest", "risk_history"]
    fieldsets = [
        (_("Case"), {"fields": ["person", "jurisdiction", "case_number", "investigating_body", "status"]}),
        (_("Detention"), {"fields": [("detention_date", "detention_date_precision"), "detention_place"]}),
        (
            _("Trial and sentence"),
            {
                "fields": [
                    "court",
                    ("verdict_date", "verdict_date_precision"),
                    ("verdict_final_on", "verdict_final_on_precision"),
                    "sentence_kind",
                    ("sentence_years", "sentence_months"),
                    "sentence_regime",
                    ("expected_release_date", "expected_release_latest"),
                ]
            },
        ),
        (
            _("Recognition as a political prisoner"),
            {
                "fields": [
                    ("recognised_on", "recognised_on_precision"),
                    "recognised_by",
                    "recognition_statement_url",
                    "recognition_criteria",
                ]
            },
        ),
        # The current level and its reasons head the page (admin/cases/case/risk_summary.html).
        (_("Risk assessment history"), {"fields": ["risk_history"], "classes": ["collapse"]}),
        (None, {"fields": ["public_id"]}),
    ]
    # The charges come first on a case's page, under its risk (admin/cases/case/change_form.html).
    inlines = [
        ChargeInline,
        CaseContradictionInline,
        CaseClaimInline,
        ReleaseInline,
        FacilityStayInline,
        CaseEventInline,
        HearingInline,
    ]

    class Media:
        css = {"all": ["cases/admin/case.css"]}

    def case_of(self, obj) -> Case:
        return obj

    def confidential_fields_shown(self, request, case) -> list[str]:
        release = Release.objects.filter(case=case).first()
        return ["release.family_left_behind"] if release and release.family_left_behind else []

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["case_risk"] = _risk_summary(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("assessment history (latest 10)"))
    def risk_history(self, case):
        rows = [
            (
                local_time(a.created_at),
                a.get_previous_level_display() or "—",
                a.get_level_display(),
                "; ".join(Renderer().render_all(a.reasons)) or gettext("no reasons"),
            )
            for a in case.assessments.all()[:10]
        ]
        if not rows:
            return gettext("not assessed yet")
        return format_html_join("", "<p>{}: {} → <strong>{}</strong>. {}</p>", rows)

    @admin.display(description=_("risk"), ordering="risk_level")
    def risk_display(self, case):
        status = case.risk_status
        return gettext("under review") if status == "under_review" else case.get_risk_level_display()

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
        if formset.model is Release:
            self._save_release(request, case, formset)
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            if isinstance(obj, CaseEvent):
                services.remove_event(event=obj, by=request.user)
            else:
                obj.delete()
        form_of = {id(inline.instance): inline for inline in formset.forms}
        for instance in instances:
            if isinstance(instance, FacilityStay) and instance.pk is not None:
                changed = {f: getattr(instance, f) for f in form_of[id(instance)].changed_data}
                services.correct_stay(
                    stay=FacilityStay.objects.get(pk=instance.pk), by=request.user, **changed
                )
            elif not isinstance(instance, Charge):
                services.save_detail(instance=instance, by=request.user)
            elif instance.pk is None:
                added = services.add_charge(
                    case=case,
                    article=instance.article,
                    stage=instance.stage,
                    offence_date=instance.offence_date,
                    charged_on=instance.charged_on,
                    source=instance.source,
                    by=request.user,
                )
                if (held := self.held_success(request)) is not None:
                    held.charges_added.append(str(added))
            else:
                changed = {f: getattr(instance, f) for f in form_of[id(instance)].changed_data}
                services.update_charge_facts(
                    charge=Charge.objects.get(pk=instance.pk), by=request.user, **changed
                )
        formset.save_m2m()

    def _save_release(self, request, case, formset) -> None:
        # The admin's change message reads what a formset saved from these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            if not inline.has_changed():
                continue
            data = inline.cleaned_data
            day = {"date": data["date"], "date_precision": data["date_precision"]}
            if inline.instance.pk is None:
                fields = {f: data[f] for f in services.RELEASE_FIELDS if f in data}
                release = services.record_release(
                    case=case, is_public=data["is_public"], by=request.user, **day, **fields
                )
                formset.new_objects.append(release)
            else:
                fields = {f: data[f] for f in inline.changed_data if f in services.RELEASE_FIELDS}
                release = services.correct_release(
                    release=Release.objects.get(pk=inline.instance.pk), by=request.user, **day, **fields
                )
                formset.changed_objects.append((release, inline.changed_data))


@admin.register(FacilityStay)
class FacilityStayAdmin(HistoryAdmin):
    """Every facility stay, found by the person's name or the facility: what the Claims screen's
    "stay" field searches. Stays are made and corrected on their case's page."""

    list_display = ["__str__", "case"]
    list_select_related = ["facility", "case"]
    search_fields = ["case__person__names__text", "facility__name_en", "facility__name_ru", "facility__slug"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return with_any_name_matches(results, queryset, search_term, "case__person_id"), may_have_duplicates

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # corrected on the case page (correct_stay), or by a claim

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Charge)
class ChargeAdmin(RiskOutcomeMixin, MaskConfidentialSourcesMixin, HistoryAdmin):
    list_display = ["__str__", "case", "state", "charged_on", "ended_on"]
    list_filter = ["state", "stage", "article__jurisdiction", "article__capital"]
    search_fields = ["case__person__names__text", "article__number"]
    # A filtered or searched list counts its rows once, not the whole table again (issue 21).
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # A charge carries its person's id itself (kept with its case's): no join to the cases.
        found = search_by_person(queryset, search_term, person="person_id", fields=["article__number"])
        return found, False

    readonly_fields = ["case", "article", "state", "ended_on", "reclassified_into"]
    fields = [
        "case",
        "article",
        "stage",
        ("offence_date", "offence_date_precision"),
        ("charged_on", "charged_on_precision"),
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

    def case_of(self, obj) -> Case:
        return obj.case

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
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="cases_charge_correct",
            ),
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
            before = RiskBefore.of(charge.case)
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
                message = format_html(
                    gettext("Reclassified {old} → {new}. {risk}"),
                    old=charge.article.notation,
                    new=new.article.notation,
                    risk=risk_outcome(before),
                )
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:cases_case_change", charge.case_id)
        return self._render(request, charge, form, gettext("Reclassify a charge"), gettext("Reclassify"))

    def end_view(self, request, pk):
        charge = self._charge_for_change(request, pk)
        form = EndChargeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            before = RiskBefore.of(charge.case)
            try:
                ended = services.end_charge(
                    charge=charge,
                    state=form.cleaned_data["state"],
                    on=form.cleaned_data["on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, message_for(error))
            else:
                message = format_html(
                    gettext("The charge under {article} is closed: {state} on {day}. {risk}"),
                    article=charge.article.notation,
                    state=ended.get_state_display(),
                    day=ended.ended_on,
                    risk=risk_outcome(before),
                )
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:cases_case_change", charge.case_id)
        return self._render(request, charge, form, gettext("End a charge"), gettext("Save"))

    def correct_view(self, request, pk):
        charge = self._charge_for_change(request, pk)
        form = CorrectChargeForm(request.POST or None, charge=charge)
        if request.method == "POST" and form.is_valid():
            before = RiskBefore.of(charge.case)
            reason = form.cleaned_data["reason"]
            try:
                if form.cleaned_data["action"] == CorrectChargeForm.WITHDRAW:
                    services.withdraw_charge(charge=charge, reason=reason, by=request.user)
                    done = format_html(
                        gettext("Withdrew the charge under {article} (created by mistake)."),
                        article=charge.article.notation,
                    )
                else:
                    corrected = services.correct_charge(
                        charge=charge, reason=reason, by=request.user, **form.corrected_facts()
                    )
                    done = (
                        format_html(
                            gettext("Corrected {old} → {new}."),
                            old=charge.article.notation,
                            new=corrected.article.notation,
                        )
                        if corrected.article_id != charge.article_id
                        else format_html(
                            gettext("Corrected the charge under {article}."),
                            article=corrected.article.notation,
                        )
                    )
            except ValidationError as error:
                form.add_error(None, message_for(error))
            else:
                self.message_user(request, format_html("{} {}", done, risk_outcome(before)), messages.SUCCESS)
                return redirect("admin:cases_case_change", charge.case_id)
        return self._render(
            request,
            charge,
            form,
            gettext("Correct a charge entered by mistake"),
            gettext("Save the correction"),
        )


@admin.register(Reclassification)
class ReclassificationAdmin(MaskConfidentialSourcesMixin, HistoryAdmin):
    list_display = ["__str__", "date", "created_by"]
    readonly_fields = ["from_charge", "to_charge", "date", "created_by", "created_at"]
    fields = readonly_fields + ["source", "note"]

    def has_add_permission(self, request):
        return False
