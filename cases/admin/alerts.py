"""The risk screens: the alert triage queue, assessments, webhook subscriptions and their deliveries."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Case as SqlCase
from django.db.models import Value, When
from simple_history.admin import SimpleHistoryAdmin

from cases.admin.mixins import ReadOnlyAdminMixin, reasons_html
from cases.models import (
    RiskAlert,
    RiskAssessment,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.models.partners import WEBHOOK_SECRET_MIN_LENGTH, new_webhook_secret
from cases.risk import alerts

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
        return reasons_html(alert.assessment.reasons)

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
        return reasons_html(assessment.reasons)


class WebhookSubscriptionForm(forms.ModelForm):
    """The secret is a real form field: what the form shows is what it posts back and what is saved.
    (It was a read-only display of an unsaved instance's default, and saving drew a new default, so
    a partner given the shown secret could verify no delivery.)"""

    secret = forms.CharField(
        min_length=WEBHOOK_SECRET_MIN_LENGTH,
        max_length=128,
        strip=True,
        widget=forms.TextInput(attrs={"size": 60, "autocomplete": "off", "spellcheck": "false"}),
        help_text=(
            "Give the partner this secret exactly as shown: it signs every delivery "
            "(docs/webhooks.md). Keep the one generated here, or paste one agreed with the partner "
            f"({WEBHOOK_SECRET_MIN_LENGTH} characters or more). Changing it later rotates it: "
            "deliveries from then on are signed with the new one."
        ),
    )
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["organisation", "partner", "url", "secret", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            # Drawn once, here, for the page; the browser posts it back with the form.
            self.initial["secret"] = new_webhook_secret()


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin):
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
