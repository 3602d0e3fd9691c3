"""Keeping in touch (issue 19): each contact with a person in custody, the staff list of people
held by the length of their silence, and the thresholds that raise an alert."""

from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates, services
from cases.admin.display import language
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import (
    AuditConfidentialReadsMixin,
    MaskConfidentialSourcesMixin,
    PeopleListMixin,
    ReadOnlyAdminMixin,
    SavedThroughServicesMixin,
    with_any_name_matches,
)
from cases.contact.reading import people_by_silence
from cases.exceptions import RefusedChange
from cases.models import LetterCount, PersonSilence, PrisonerContact, SilenceThreshold

CONTACT_PERMISSION = "cases.view_prisonercontact"


class PrisonerContactForm(forms.ModelForm):
    class Meta:
        model = PrisonerContact
        fields = ["person", "channel", "date", "date_precision", "details", "sources"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("date_precision"):
            try:
                services.contacts.check_contact_day(
                    cleaned["date"], cleaned["date_precision"], today=timezone.localdate()
                )
            except RefusedChange as refusal:
                self.add_error(None, refusal)
        return cleaned


@admin.register(PrisonerContact)
class PrisonerContactAdmin(
    SavedThroughServicesMixin, AuditConfidentialReadsMixin, MaskConfidentialSourcesMixin, HistoryAdmin
):
    form = PrisonerContactForm
    list_display = ["person", "channel", "date_display", "reported_by", "created_at"]
    list_filter = ["channel", "date_precision", "reported_by", ("date", admin.DateFieldListFilter)]
    search_fields = ["person__names__text", "person__slug"]
    autocomplete_fields = ["person", "sources"]
    list_select_related = ["person", "reported_by"]
    fields = [
        "person",
        "channel",
        ("date", "date_precision"),
        "details",
        "sources",
        "reported_by",
        "public_id",
    ]
    readonly_fields = ["reported_by", "public_id"]

    def confidential_fields_shown(self, request, contact):
        return ["details"] if contact.details else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("person__names")

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return with_any_name_matches(results, queryset, search_term, "person_id"), may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        # A contact belongs to its person: move it by removing it and recording it on the right one.
        extra = ["person"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *extra]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("date", timezone.localdate())
        return initial

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, contact):
        return partial_dates.describe(contact.date, contact.date_precision, language())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {f: data[f] for f in form.changed_data if f in services.contacts.CONTACT_FIELDS}
            sources = data["sources"] if "sources" in form.changed_data else None
            saved = services.correct_contact(
                contact=PrisonerContact.objects.get(pk=obj.pk), sources=sources, by=request.user, **changes
            )
        else:
            saved = services.record_contact(
                person=data["person"],
                channel=data["channel"],
                date=data["date"],
                date_precision=data["date_precision"],
                details=data.get("details", ""),
                sources=data.get("sources") or (),
                by=request.user,
            )
        obj.pk, obj._state.adding = saved.pk, False

    def remove(self, request, obj):
        services.remove_contact(contact=obj, by=request.user)


# The staff list: longest silence first ----------------------------------------------------------

# Column headings short enough for the list to fit a laptop screen.
COLUMN_TITLES = {
    choices.ContactChannel.LETTER: _("no letter (days)"),
    choices.ContactChannel.LAWYER_VISIT: _("no lawyer (days)"),
    choices.ContactChannel.FAMILY_VISIT: _("no family visit (days)"),
}
# Calls are rare from Belarusian and Russian prisons and the list must fit a laptop beside its
# filters: every channel is on the person's page.
SILENCE_COLUMNS = [
    choices.ContactChannel.LETTER,
    choices.ContactChannel.LAWYER_VISIT,
    choices.ContactChannel.FAMILY_VISIT,
]


def _days_since(last) -> int | None:
    return None if last is None else (timezone.localdate() - last).days


def _days_cell(days: int | None, threshold: int | None):
    if days is None:
        return "—"
    if threshold is not None and days >= threshold:
        past = ngettext(
            "past the threshold of %(days)d day", "past the threshold of %(days)d days", threshold
        ) % {"days": threshold}
        return format_html('<strong class="silence-alarm" title="{}">{}</strong>', past, days)
    return days


def _channel_column(channel: str):
    """A column of the days since the last contact on `channel` (highlighted past its threshold)."""

    def column(admin_, person):
        return _days_cell(
            _days_since(getattr(person, f"last_{channel}")), getattr(person, f"threshold_{channel}", None)
        )

    column.short_description = COLUMN_TITLES[channel]
    column.admin_order_field = F(f"last_{channel}").asc(nulls_last=True)
    return column


class SilenceLongerThanFilter(admin.SimpleListFilter):
    title = _("no contact of any kind for")
    parameter_name = "silent_for"
    DAYS = (30, 60, 90, 180, 365, 500)

    def lookups(self, request, model_admin):
        return [
            (str(d), ngettext("at least %(days)d day", "at least %(days)d days", d) % {"days": d})
            for d in self.DAYS
        ] + [("never", gettext("no contact recorded"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never":
            return queryset.filter(last_any__isnull=True)
        if value and value.isdigit():
            cutoff = timezone.localdate() - timezone.timedelta(days=int(value))
            return queryset.filter(last_any__lte=cutoff)
        return queryset


@admin.register(PersonSilence)
class PersonSilenceAdmin(PeopleListMixin, admin.ModelAdmin):
    """Everyone held, the longest certain silence first; people with no contact recorded last
    (nobody has counted days for them yet: record the last word heard)."""

    view_permission = CONTACT_PERMISSION

    list_display = ["person_link", "held_in", "any_display", *[f"{c}_display" for c in SILENCE_COLUMNS]]
    list_filter = [SilenceLongerThanFilter, "cases__jurisdiction", "silence_public", "publication_state"]
    search_fields = ["names__text", "slug"]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return people_by_silence(PersonSilence.objects.current(), channels=SILENCE_COLUMNS).prefetch_related(
            "names"
        )

    def get_ordering(self, request):
        return [F("last_any").asc(nulls_last=True), "pk"]

    @admin.display(description=_("held in"))
    def held_in(self, person):
        return person.jurisdiction or "—"

    @admin.display(description=_("no contact at all (days)"), ordering=F("last_any").asc(nulls_last=True))
    def any_display(self, person):
        days = _days_since(person.last_any)
        return gettext("no contact recorded") if days is None else _days_cell(days, person.threshold_any)

    letter_display = _channel_column(choices.ContactChannel.LETTER)
    lawyer_visit_display = _channel_column(choices.ContactChannel.LAWYER_VISIT)
    family_visit_display = _channel_column(choices.ContactChannel.FAMILY_VISIT)


@admin.register(SilenceThreshold)
class SilenceThresholdAdmin(HistoryAdmin):
    list_display = ["jurisdiction", "channel_display", "days"]
    list_filter = ["jurisdiction"]

    @admin.display(description=_("channel"))
    def channel_display(self, threshold):
        return threshold.get_channel_display() if threshold.channel else gettext("any contact")


@admin.register(LetterCount)
class LetterCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What partners' letter-writing services reported (through the API): read only here."""

    list_display = ["person", "organisation", "period_start", "period_end", "letters_sent", "reported_at"]
    list_filter = ["organisation", ("period_end", admin.DateFieldListFilter)]
    search_fields = ["person__names__text", "person__slug"]
    list_select_related = ["person", "organisation"]

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return with_any_name_matches(results, queryset, search_term, "person_id"), may_have_duplicates
