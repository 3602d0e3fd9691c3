"""The risk screens: the alert triage queue, assessments, webhook subscriptions and their deliveries."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as SqlCase
from django.db.models import Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import partial_dates
from cases.admin.display import language
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import ReadOnlyAdminMixin, message_for, reasons_html, search_by_person
from cases.choices import CONTACT_ALERT_KINDS, AlertKind
from cases.models import (
    RiskAlert,
    RiskAssessment,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.models.partners import WEBHOOK_SECRET_MIN_LENGTH, new_webhook_secret
from cases.services import triage

# Risk ------------------------------------------------------------------------------------------

TRIAGE_PERMISSION = "cases.triage_riskalert"


class TriageChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:  # a column header was clicked
            return super().get_ordering(request, queryset)
        return ["triage_rank", "-created_at", "-pk"]


class UnresolvedForListFilter(admin.SimpleListFilter):
    """Alerts still waiting to be resolved (open or acknowledged) that were raised more than so many
    days ago: the ones at risk of being forgotten."""

    title = _("age")
    parameter_name = "unresolved_for"
    DAYS = (1, 7, 30)

    def lookups(self, request, model_admin):
        return [
            (
                str(days),
                ngettext(
                    "unresolved for more than %(days)d day", "unresolved for more than %(days)d days", days
                )
                % {"days": days},
            )
            for days in self.DAYS
        ]

    def queryset(self, request, queryset):
        if self.value() not in {str(days) for days in self.DAYS}:
            return queryset
        raised_before = timezone.now() - datetime.timedelta(days=int(self.value()))
        return queryset.exclude(state=RiskAlert.State.RESOLVED).filter(created_at__lt=raised_before)


class ResolveAlertForm(forms.Form):
    """The note that resolving an alert requires: what was done about it."""

    note = forms.CharField(
        label=_("Resolution note"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say in a note what was done.")},
        help_text=_(
            "What was done about it (lawyer or family informed, partners told, a false alarm "
            "and why). Kept with the alert, with your name and the time."
        ),
    )


@admin.register(RiskAlert)
class RiskAlertAdmin(HistoryAdmin):
    """The triage queue: open alerts first, rises before falls.

    An alert changes state only through its buttons (Acknowledge; Resolve with a note) and the
    list's actions, each calling cases.services.triage: its page has no form to save.
    """

    change_form_template = "admin/cases/riskalert/change_form.html"
    # One "handled by" column instead of two: the list fits a 1366 px laptop beside its filters.
    list_display = ["created_at", "case", "change_display", "state", "handled_display"]
    list_filter = ["state", "kind", "new_level", UnresolvedForListFilter, "case__jurisdiction", "old_level"]
    # A filtered or searched list counts its rows once, not the whole table again (issue 21).
    show_full_result_count = False
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
        "resolution_note",
    ]
    fields = readonly_fields
    actions = ["acknowledge_selected", "resolve_selected"]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.kind != AlertKind.LEVEL_CHANGED:
            return [f for f in self.fields if f not in ("old_level", "new_level")]  # news, not a level
        return self.fields

    def get_queryset(self, request):
        # Open alerts on top, then acknowledged, then resolved; newest first within each.
        rank = SqlCase(
            # News of a person under a death sentence is urgent: open ones head the queue.
            When(state=RiskAlert.State.OPEN, kind=AlertKind.DEATH_ROW, then=Value(-1)),
            When(state=RiskAlert.State.OPEN, then=Value(0)),
            When(state=RiskAlert.State.ACKNOWLEDGED, then=Value(1)),
            default=Value(2),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("case__person", "assessment", "event", "acknowledged_by", "resolved_by")
            .prefetch_related("case__person__names")
            .annotate(triage_rank=rank)
        )

    def get_search_results(self, request, queryset, search_term):
        number = ["case__case_number"]
        return search_by_person(queryset, search_term, person="case__person_id", fields=number), False

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # triage is the page's buttons and the list's actions, not a form (nor a history revert)

    def has_triage_permission(self, request):
        return request.user.has_perm(TRIAGE_PERMISSION)

    def save_model(self, request, obj, form, change):
        # simple-history's "revert" posts an old version here without asking has_change_permission.
        raise PermissionDenied("An alert changes only by Acknowledge or Resolve.")

    @admin.display(description=_("change"))
    def change_display(self, alert):
        if alert.kind == AlertKind.DEATH_ROW:
            return gettext("URGENT death row: %(news)s") % {"news": alert.event.get_kind_display()}
        if alert.kind in CONTACT_ALERT_KINDS:
            return alert.contact_summary
        arrow = "▲" if alert.is_rise else "▼"
        return f"{arrow} {alert.get_old_level_display()} → {alert.get_new_level_display()}"

    @admin.display(description=_("handled by"))
    def handled_display(self, alert):
        if alert.resolved_by_id:
            return gettext("resolved by %(user)s") % {"user": alert.resolved_by}
        if alert.acknowledged_by_id:
            return gettext("acknowledged by %(user)s") % {"user": alert.acknowledged_by}
        return "-"

    @admin.display(description=_("reasons"))
    def reasons_display(self, alert):
        if alert.kind == AlertKind.DEATH_ROW:
            event = alert.event
            day = partial_dates.describe(event.date, event.date_precision, language())
            public = gettext("public") if event.is_public else gettext("internal: partners were not told")
            return format_html(
                "<p><strong>{}</strong>, {} ({}).</p><p>{}</p>",
                event.get_kind_display(),
                day,
                public,
                event.text,
            )
        if alert.kind in CONTACT_ALERT_KINDS:
            return self._contact_reasons(alert)
        return reasons_html(alert.assessment.reasons)

    def _contact_reasons(self, alert):
        """The days, the last day before the silence, and where to record or read the contacts;
        the contact's own details stay on its page (a confidential read, audited there)."""
        person = alert.case.person
        silence_link = reverse("admin:cases_personsilence_changelist") + f"?q={person.slug}"
        contact = ""
        if alert.contact_id:
            contact = format_html(
                ' <a href="{}">{}</a>.',
                reverse("admin:cases_prisonercontact_change", args=[alert.contact_id]),
                gettext("The contact"),
            )
        told = (
            gettext("partners were told")
            if person.silence_public
            else gettext("partners were not told (silence not published)")
        )
        last_contact = gettext("(the last contact before it on or before %(day)s).") % {
            "day": partial_dates.describe(alert.silent_since, "day", language())
        }
        return format_html(
            '<p><strong>{}</strong> {}{}</p><p>{}. <a href="{}">{}</a> · <a href="{}">{}</a></p>',
            alert.contact_summary,
            last_contact,
            contact,
            told,
            silence_link,
            gettext("Days without contact"),
            reverse("admin:cases_prisonercontact_add") + f"?person={person.pk}",
            gettext("Record a contact"),
        )

    # The alert's page: Acknowledge, and Resolve with a note -------------------------------------

    def get_urls(self):
        own = [
            path(
                "<int:pk>/acknowledge/",
                self.admin_site.admin_view(require_POST(self.acknowledge_view)),
                name="cases_riskalert_acknowledge",
            ),
            path(
                "<int:pk>/resolve/",
                self.admin_site.admin_view(require_POST(self.resolve_view)),
                name="cases_riskalert_resolve",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert = self.get_object(request, object_id)
        triage_context = None
        if (
            alert is not None
            and alert.state != RiskAlert.State.RESOLVED
            and self.has_triage_permission(request)
        ):
            triage_context = {
                "can_acknowledge": alert.state == RiskAlert.State.OPEN,
                "form": ResolveAlertForm(auto_id="id_triage_%s"),
            }
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "triage": triage_context}
        )

    def _alert_for_triage(self, request, pk):
        if not self.has_triage_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _back_to(self, request, url_name, *args):
        url = reverse(f"admin:{url_name}", args=args)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return redirect(add_preserved_filters(preserved, url))

    def acknowledge_view(self, request, pk):
        alert = self._alert_for_triage(request, pk)
        try:
            triage.acknowledge_alert(alert=alert, by=request.user)
        except ValidationError as error:
            self.message_user(request, message_for(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext(
                    "Acknowledged the alert for %(case)s (%(change)s). "
                    "Resolve it with a note once it is dealt with."
                )
                % {"case": alert.case, "change": self.change_display(alert)},
                messages.SUCCESS,
            )
        return self._back_to(request, "cases_riskalert_change", alert.pk)

    def resolve_view(self, request, pk):
        alert = self._alert_for_triage(request, pk)
        form = ResolveAlertForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                gettext("Not resolved: say in a note what was done about this alert."),
                messages.ERROR,
            )
            return self._back_to(request, "cases_riskalert_change", alert.pk)
        try:
            triage.resolve_alert(alert=alert, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            self.message_user(
                request, gettext("Not resolved: %(why)s") % {"why": message_for(error)}, messages.ERROR
            )
            return self._back_to(request, "cases_riskalert_change", alert.pk)
        self.message_user(
            request,
            gettext("Resolved the alert for %(case)s (%(change)s) with your note.")
            % {"case": alert.case, "change": self.change_display(alert)},
            messages.SUCCESS,
        )
        return self._back_to(request, "cases_riskalert_changelist")

    # The list's actions --------------------------------------------------------------------------

    @admin.action(description=_("Acknowledge selected alerts"), permissions=["triage"])
    def acknowledge_selected(self, request, queryset):
        done = left = 0
        for alert in queryset:
            try:
                triage.acknowledge_alert(alert=alert, by=request.user)
                done += 1
            except ValidationError:  # not open (any more)
                left += 1
        # Two counts, each with its own plural: the sentence is said in two parts.
        message = ngettext("Acknowledged %(done)d alert", "Acknowledged %(done)d alerts", done) % {
            "done": done
        }
        if left:
            message += "; " + ngettext(
                "%(left)d was not open and was left as it was",
                "%(left)d were not open and were left as they were",
                left,
            ) % {"left": left}
        self.message_user(request, message + ".", messages.SUCCESS if done else messages.WARNING)

    @admin.action(description=_("Resolve selected alerts with a note…"), permissions=["triage"])
    def resolve_selected(self, request, queryset):
        """Ask for the note on a page of its own, then resolve each selected alert with it."""
        form = ResolveAlertForm(request.POST if "confirm" in request.POST else None, auto_id="id_triage_%s")
        if form.is_bound and form.is_valid():
            done = already = 0
            for alert in queryset:
                try:
                    triage.resolve_alert(alert=alert, note=form.cleaned_data["note"], by=request.user)
                    done += 1
                except ValidationError:  # resolved already (the note was checked above)
                    already += 1
            message = ngettext("Resolved %(done)d alert", "Resolved %(done)d alerts", done) % {"done": done}
            if already:
                message += "; " + ngettext(
                    "%(already)d was already resolved", "%(already)d were already resolved", already
                ) % {"already": already}
            self.message_user(request, message + ".", messages.SUCCESS if done else messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Resolve alerts with a note"),
            "opts": self.opts,
            "alerts": queryset,
            "unresolved": sum(1 for alert in queryset if alert.state != RiskAlert.State.RESOLVED),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "preserved_filters": self.get_preserved_filters(request),
        }
        return TemplateResponse(request, "admin/cases/riskalert/resolve_selected.html", context)


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

    @admin.display(description=_("reasons"))
    def reasons_display(self, assessment):
        return reasons_html(assessment.reasons)


class WebhookSubscriptionForm(forms.ModelForm):
    """The secret is a real form field: what the form shows is what it posts back and what is saved.
    (It was a read-only display of an unsaved instance's default, and saving drew a new default, so
    a partner given the shown secret could verify no delivery.)"""

    secret = forms.CharField(
        label=_("Secret"),
        min_length=WEBHOOK_SECRET_MIN_LENGTH,
        max_length=128,
        strip=True,
        widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off", "spellcheck": "false"}),
        help_text=format_lazy(
            _(
                "Give the partner this secret exactly as shown: it signs every delivery "
                "(docs/webhooks.md). Keep the one generated here, or paste one agreed with the partner "
                "({length} characters or more). Changing it later rotates it: "
                "deliveries from then on are signed with the new one."
            ),
            length=WEBHOOK_SECRET_MIN_LENGTH,
        ),
    )
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["organisation", "partner", "url", "secret", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            # Drawn once, here, for the page; the browser posts it back with the form.
            self.initial["secret"] = new_webhook_secret()


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(HistoryAdmin):
    form = WebhookSubscriptionForm
    list_display = ["organisation", "url", "active", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["created_at"]


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
