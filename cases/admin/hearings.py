"""Court hearings and the staff calendar (issue 19, point 3): the hearings' list and page, the
calendar month by month (hearings, birthdays, expected releases and the weeks before them,
anniversaries of detention), and each staff member's secret address of the calendar feed for a
calendar app. Every write goes through cases.services.hearings."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cases import calendar_data, choices, partial_dates, services
from cases.admin.display import language, local_time
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import AuditConfidentialReadsMixin, MaskConfidentialSourcesMixin, message_for
from cases.calendar import entries as rules
from cases.calendar import ical
from cases.models import CalendarFeedToken, Hearing, PersonName, hash_calendar_token
from cases.models.staff import language_of

# The staff feed: from a month back to a year ahead, like the public one.
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 365
CALENDAR_PERMISSION = "cases.view_hearing"


class HearingForm(forms.ModelForm):
    """The start as a day and an optional time (registry time zone): no time, only the day is known."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Empty: not known yet"),
    )

    class Meta:
        model = Hearing
        fields = [
            "case",
            "kind",
            "court",
            "room",
            "openness",
            "is_public",
            "note",
            "internal_note",
            "sources",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            local = timezone.localtime(self.instance.starts_at)
            self.initial["day"] = local.date()
            self.initial["time"] = local.time() if self.instance.time_known else None

    def clean(self):
        data = super().clean()
        if data.get("day"):  # the model's own checks then see the start the service will store
            self.instance.starts_at = services.hearing_start(data["day"], data.get("time"))
        return data


class HearingInline(admin.TabularInline):
    """A case's hearings, newest first, read here and edited on their own page (the internal note
    is read there, on record)."""

    model = Hearing
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["when", "kind", "court", "room", "openness", "state", "is_public"]
    readonly_fields = fields
    ordering = ["-starts_at"]
    verbose_name = _("court hearing")
    verbose_name_plural = _("court hearings (add one from Hearings: Add)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("when"))
    def when(self, hearing):
        return local_time(hearing.starts_at, "Y-m-d H:i" if hearing.time_known else "Y-m-d")


@admin.register(Hearing)
class HearingAdmin(AuditConfidentialReadsMixin, MaskConfidentialSourcesMixin, HistoryAdmin):
    form = HearingForm
    list_display = [
        "day_display",
        "time_display",
        "person_link",
        "court",
        "room",
        "kind",
        "openness",
        "state",
        "is_public",
    ]
    list_filter = [
        ("starts_at", admin.DateFieldListFilter),
        "openness",
        "kind",
        "state",
        "is_public",
        ("court", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["court", "room"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    autocomplete_fields = ["case", "sources"]
    readonly_fields = ["state", "public_id"]
    fields = [
        "case",
        ("day", "time"),
        "kind",
        "court",
        "room",
        "openness",
        "state",
        "is_public",
        "note",
        "internal_note",
        "sources",
        "public_id",
    ]
    actions = ["cancel", "postpone"]

    def get_queryset(self, request):
        names = PersonName.objects.filter(is_primary=True)
        return (
            super()
            .get_queryset(request)
            .select_related("case__person")
            .prefetch_related(Prefetch("case__person__names", queryset=names))
        )

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):  # read only: as stored
            fields = [("day_display", "time_display") if f == ("day", "time") else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "day_display", "time_display"]
        return fields + ["case"] if obj is not None else fields  # a hearing stays in its case

    def confidential_fields_shown(self, request, hearing) -> list[str]:
        return ["internal_note"] if hearing.internal_note else []

    @admin.display(description=_("day"), ordering="starts_at")
    def day_display(self, hearing):
        return local_time(hearing.starts_at, "Y-m-d")

    @admin.display(description=_("time"))
    def time_display(self, hearing):
        return local_time(hearing.starts_at, "H:i") if hearing.time_known else "—"

    @admin.display(description=_("person"))
    def person_link(self, hearing):
        person = hearing.case.person
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_person_change", args=[person.pk]), person
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {f: data[f] for f in services.HEARING_FIELDS if f in data}
        start = {"day": data["day"], "time": data["time"], "sources": list(data["sources"])}
        if change:
            hearing = Hearing.objects.get(pk=obj.pk)
            saved = services.change_hearing(hearing=hearing, by=request.user, **start, **fields)
        else:
            saved = services.schedule_hearing(case=data["case"], by=request.user, **start, **fields)
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The service set the sources; nothing else is related."""

    @admin.action(description=_("Mark the selected hearings cancelled"), permissions=["change"])
    def cancel(self, request, queryset):
        self._end(request, queryset, postponed=False)

    @admin.action(
        description=_("Mark the selected hearings postponed (new day not known yet)"), permissions=["change"]
    )
    def postpone(self, request, queryset):
        self._end(request, queryset, postponed=True)

    def _end(self, request, queryset, *, postponed):
        done = 0
        for hearing in queryset:
            try:
                services.cancel_hearing(hearing=hearing, postponed=postponed, by=request.user)
                done += 1
            except ValidationError as error:
                messages.warning(request, f"{hearing}: {message_for(error)}")
        marked = (
            gettext("%(count)d hearing(s) marked postponed.")
            if postponed
            else gettext("%(count)d hearing(s) marked cancelled.")
        )
        messages.success(request, marked % {"count": done})

    # The staff calendar ----------------------------------------------------------------------

    def get_urls(self):
        own = [
            path("calendar/", self.admin_site.admin_view(self.calendar_view), name="cases_hearing_calendar"),
            path(
                "calendar/address/",
                self.admin_site.admin_view(self.address_view),
                name="cases_hearing_calendar_address",
            ),
            # No session: a calendar app has none. The token is the key (in the query string, which
            # no access log keeps); an unknown, revoked or former staff member's token is a 404.
            path("calendar/feed.ics", staff_feed, name="cases_hearing_calendar_feed"),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"calendar_url": reverse("admin:cases_hearing_calendar"), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def calendar_view(self, request):
        """One month of the staff calendar, a list per day, each entry linked to its person and case."""
        if not request.user.has_perm(CALENDAR_PERMISSION):
            raise PermissionDenied
        first = _month(request.GET.get("month", ""))
        start, end = rules.month_range(first.year, first.month)
        entries = calendar_data.staff_entries(start, end)
        days = [
            {"day": day, "rows": [_staff_row(entry) for entry in day_entries]}
            for day, day_entries in rules.by_day(entries, start)
        ]
        previous = (start - datetime.timedelta(days=1)).replace(day=1)
        following = end + datetime.timedelta(days=1)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Calendar: %(month)s")
            % {"month": partial_dates.describe(start, choices.DatePrecision.MONTH, language())},
            "days": days,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "today": timezone.localdate(),
            "watch_weeks": settings.CALENDAR_RELEASE_WATCH_WEEKS,
        }
        return TemplateResponse(request, "admin/cases/hearing/calendar.html", context)

    def address_view(self, request):
        """The staff member's own secret address of the feed: made (shown once), or revoked."""
        if not request.user.has_perm(CALENDAR_PERMISSION):
            raise PermissionDenied
        new_address = None
        if request.method == "POST":
            if request.POST.get("revoke"):
                count = services.revoke_calendar_tokens(user=request.user)
                messages.success(
                    request,
                    gettext("Your calendar address was revoked.")
                    if count
                    else gettext("You had no address."),
                )
                return redirect("admin:cases_hearing_calendar_address")
            token = services.issue_calendar_token(user=request.user)
            feed = reverse("admin:cases_hearing_calendar_feed")
            new_address = request.build_absolute_uri(f"{feed}?token={token}")
        live = CalendarFeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Your calendar address"),
            "live": live,
            "new_address": new_address,
        }
        response = TemplateResponse(request, "admin/cases/hearing/calendar_address.html", context)
        return response


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _staff_row(entry: rules.Entry) -> dict:
    hearing = entry.hearing
    return {
        "kind": entry.kind,
        "time": timezone.localtime(entry.at).strftime("%H:%M") if entry.at else "",
        "name": entry.person.name,
        "person_url": reverse("admin:cases_person_change", args=[entry.person.id]),
        "case_url": reverse("admin:cases_case_change", args=[entry.case_id]) if entry.case_id else "",
        "hearing_url": reverse("admin:cases_hearing_change", args=[hearing.id]) if hearing else "",
        "title": calendar_data.entry_title(entry, language()),
        # The court's name is data (as staff wrote it), the room's word is wording: apart, so
        # that the page can mark the one and translate the other.
        "court": hearing.court if hearing else "",
        "room": hearing.room if hearing else "",
        "is_public": bool(hearing) and hearing.is_public,
        "called_off": bool(hearing) and hearing.state != choices.HearingState.SCHEDULED,
        "watch": entry.kind == rules.RELEASE_WATCH,
    }


def _feed_user(token: str):
    if not token:
        return None
    row = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_calendar_token(token), revoked_at__isnull=True)
        .first()
    )
    if row is None:
        return None
    user = row.user
    if not (user.is_active and user.is_staff and user.has_perm(CALENDAR_PERMISSION)):
        return None
    today = timezone.localdate()
    if row.last_used_on != today:
        CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_on=today)
    return user


@never_cache
@require_safe
def staff_feed(request):
    """The staff calendar as iCalendar for the holder of a live token: hearings, birthdays,
    expected releases and the weeks before them, anniversaries. No internal note, no source."""
    user = _feed_user(request.GET.get("token", ""))
    if user is None:
        raise Http404("No such calendar.")
    # A calendar app has no session: the feed is in the language its holder chose for the staff area.
    chosen = language_of(user)
    with translation.override(chosen if chosen in ("be", "ru") else "en"):
        return _staff_feed(request, chosen if chosen in ("be", "ru") else "en")


def _staff_feed(request, language: str):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=FEED_DAYS_BACK)
    end = today + datetime.timedelta(days=FEED_DAYS_AHEAD)
    entries = calendar_data.staff_entries(start, end)

    def link(entry):
        if entry.hearing is not None:
            return request.build_absolute_uri(reverse("admin:cases_hearing_change", args=[entry.hearing.id]))
        if entry.case_id:
            return request.build_absolute_uri(reverse("admin:cases_case_change", args=[entry.case_id]))
        return request.build_absolute_uri(reverse("admin:cases_person_change", args=[entry.person.id]))

    events = calendar_data.ical_events(entries, language=language, link=link)
    text = ical.calendar_text(
        name=gettext("Registry (staff): dates that matter"), events=events, now=timezone.now()
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="registry-staff.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
