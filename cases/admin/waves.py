"""The release waves screen: a wave's facts, its people, and the review of an announced list of
names matched against the registry (matched, ambiguous, unknown) whose confirmation records the
releases in one step (cases.services.waves)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates, services
from cases.admin.history import HistoryAdmin
from cases.identity import announced
from cases.models import Person, Release, ReleaseWave
from cases.transfer.announced_lists import read_list


class WaveReleaseInline(admin.TabularInline):
    """The people released in the wave: recorded by confirming a matched list (or on each case)."""

    model = Release
    extra = 0
    can_delete = False
    fields = ["case", "how", "destination_country"]
    readonly_fields = fields
    verbose_name = _("release in this wave")
    verbose_name_plural = _("releases in this wave")

    def has_add_permission(self, request, obj=None):
        return False


class AnnouncedListForm(forms.Form):
    names = forms.CharField(
        label=_("Announced names"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "Paste the list as announced, one name per line (numbering, patronymics, dates of "
            "birth and places of birth are read), or a table with its heading row: Cyrillic or Latin, any "
            "transliteration."
        ),
    )


@admin.register(ReleaseWave)
class ReleaseWaveAdmin(HistoryAdmin):
    list_display = ["name", "date", "counterpart", "destination_country", "people_count", "is_public"]
    search_fields = ["name", "counterpart", "announced_by"]
    autocomplete_fields = ["sources"]
    readonly_fields = ["public_id", "match_link"]
    fields = [
        "name",
        ("date", "date_precision"),
        "announced_by",
        "counterpart",
        "in_return",
        "destination_country",
        "how",
        "is_public",
        "sources",
        "match_link",
        "public_id",
    ]
    inlines = [WaveReleaseInline]

    @admin.display(description=_("people"))
    def people_count(self, wave):
        return wave.releases.count()

    @admin.display(description=_("announced list"))
    def match_link(self, wave):
        if wave.pk is None:
            return gettext("Save the wave first, then match its announced list.")
        url = reverse("admin:cases_releasewave_match", args=[wave.pk])
        return format_html(
            '<a class="button" href="{}">{}</a>', url, gettext("Match the announced list of names")
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # a wave's facts: no rule reads them
            return
        fields = {f: form.cleaned_data[f] for f in services.waves.WAVE_FIELDS if f in form.cleaned_data}
        created = services.create_wave(by=request.user, **fields)
        obj.pk = created.pk
        obj._state.adding = False

    def get_urls(self):
        own = [
            path(
                "<int:pk>/match/",
                self.admin_site.admin_view(self.match_view),
                name="cases_releasewave_match",
            )
        ]
        return own + super().get_urls()

    def match_view(self, request, pk):
        """Paste the list; review each name's match; confirm to record the releases."""
        wave = get_object_or_404(ReleaseWave, pk=pk)
        if not (self.has_change_permission(request, wave) and request.user.has_perm("cases.change_case")):
            raise PermissionDenied
        form = AnnouncedListForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "wave": wave,
            "form": form,
        }
        context["title"] = gettext("Match the announced list: %(wave)s") % {"wave": wave}
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            chosen = [int(v) for k, v in request.POST.items() if k.startswith("line-") and v.isdigit()]
            outcome = services.record_wave_releases(wave=wave, person_ids=chosen, by=request.user)
            level = messages.SUCCESS if outcome.recorded else messages.WARNING
            messages.add_message(
                request,
                level,
                gettext("Recorded %(count)d release(s) in %(wave)s.")
                % {"count": len(outcome.recorded), "wave": wave},
            )
            names = dict(_names_of([p for p, _ in outcome.refused]))
            for person_id, why in outcome.refused:
                reason = why.rstrip(".")
                messages.warning(
                    request,
                    gettext("Not recorded for %(person)s: %(why)s.")
                    % {"person": names.get(person_id, person_id), "why": reason},
                )
            return redirect("admin:cases_releasewave_change", wave.pk)
        if request.method == "POST" and form.is_valid():
            matches = services.waves.match_names(read_list(text=form.cleaned_data["names"]).entries)
            context["rows"] = _review_rows(matches, wave)
            context["counts"] = {
                outcome: sum(1 for m in matches if m.outcome == outcome)
                for outcome in (announced.MATCHED, announced.AMBIGUOUS, announced.UNKNOWN)
            }
        return TemplateResponse(request, "admin/cases/releasewave/match.html", context)


def _detained_by(case, wave_days) -> bool:
    """Could the case's detention have begun by the wave's last possible day?"""
    detained = partial_dates.period(case.detention_date, case.detention_date_precision)
    return detained is None or wave_days is None or detained[0] <= wave_days[1]


def _names_of(person_ids) -> list[tuple[int, str]]:
    people = Person.objects.filter(pk__in=person_ids).prefetch_related("names")
    return [(p.pk, str(p)) for p in people]


def _review_rows(matches: list[announced.NameMatch], wave: ReleaseWave) -> list[dict]:
    """Each announced name with its candidates as the review screen shows them: the person's name,
    birth date, how well the spelling matched, and the cases held that the wave can end (detained
    by the wave's day); a match is preselected only when exactly one such case exists, so nothing
    that confirming would refuse is chosen for the reviewer."""
    wave_days = partial_dates.period(wave.date, wave.date_precision)
    ids = {c.person_id for m in matches for c in m.candidates}
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("names", "cases")}
    rows = []
    for match in matches:
        candidates = []
        for c in match.candidates:
            person = people[c.person_id]
            held = [case for case in person.cases.all() if case.status in choices.HELD_STATUSES]
            fits = [case for case in held if _detained_by(case, wave_days)]
            candidates.append(
                {
                    "person": person,
                    "spelling": c.name,
                    "score": f"{c.score:.2f}",
                    "held": len(held),
                    "held_later": len(held) - len(fits),
                    "url": reverse("admin:cases_person_change", args=[person.pk]),
                    "chosen": match.outcome == announced.MATCHED
                    and c.person_id == match.person_id
                    and len(held) == len(fits) == 1,
                }
            )
        rows.append({"match": match, "candidates": candidates})
    return rows
