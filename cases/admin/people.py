"""The people screens: a person with their names and cases, publication and withdrawal."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates, services
from cases.admin.claims import PersonClaimInline
from cases.admin.contradictions import PersonContradictionInline
from cases.admin.display import language
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import (
    AuditConfidentialReadsMixin,
    HideFromHistoryMixin,
    NamedInputsInlineMixin,
    OptimisticLockMixin,
    PersonArticleListFilter,
    message_for,
    search_by_person,
)
from cases.admin.translations import TranslationsAdminMixin, with_translation_boxes
from cases.contact.letters import envelope_name
from cases.contact.reading import silences_of
from cases.models import (
    Case,
    Designation,
    ExternalIdentifier,
    LetterCount,
    ParticularRisk,
    Person,
    PersonName,
    PrisonerContact,
)
from cases.protection.permissions import SOURCES_GROUP_FIELDS, sees_sources, source_label

# People ---------------------------------------------------------------------------------------


class PersonNameInline(NamedInputsInlineMixin, admin.TabularInline):
    """The spellings, each with the source that gave it first (as of when) and every other source
    that gives the same spelling (recorded by imports, read only here)."""

    model = PersonName
    extra = 1
    fields = [
        "text",
        "script",
        "kind",
        "is_primary",
        "source",
        "as_of",
        "as_of_precision",
        "also_given_by_display",
    ]
    readonly_fields = ["also_given_by_display"]
    autocomplete_fields = ["source"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("also_given_by__source")

    @admin.display(description=_("also given by"))
    def also_given_by_display(self, obj):
        given = list(obj.also_given_by.all()) if obj.pk else []
        if not given:
            return "—"
        return "; ".join(
            source_label(g.source, None)  # never names a confidential source
            + (
                " "
                + gettext("(as of %(day)s)")
                % {"day": partial_dates.describe(g.as_of, g.as_of_precision, language())}
                if g.as_of
                else ""
            )
            for g in given
        )


class ExternalIdentifierForm(forms.ModelForm):
    class Meta:
        model = ExternalIdentifier
        fields = ["scheme", "value"]

    def clean(self):
        cleaned = super().clean()
        scheme, value = cleaned.get("scheme"), cleaned.get("value")
        if scheme and value:
            taken = (
                ExternalIdentifier.objects.filter(scheme=scheme, value=value)
                .exclude(pk=self.instance.pk)
                .select_related("person")
                .first()
            )
            if taken is not None:
                # An error on the field also keeps the model's own unique check from repeating it.
                carried = {"identifier": f"{scheme}:{value}", "person": str(taken.person)}
                if taken.person_id == self.instance.person_id:
                    self.add_error("value", gettext("This person already carries %(identifier)s.") % carried)
                else:
                    self.add_error("value", gettext("%(person)s already carries %(identifier)s.") % carried)
        return cleaned


class ExternalIdentifierInline(NamedInputsInlineMixin, admin.TabularInline):
    """Ids other lists give the person; written through the identifier services (save_formset)."""

    model = ExternalIdentifier
    form = ExternalIdentifierForm
    extra = 0
    fields = ["scheme", "value"]


class CaseInline(NamedInputsInlineMixin, admin.TabularInline):
    model = Case
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["case_number", "jurisdiction", "status", "detention_date", "risk_level"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # a case is opened on its own page, through the create-case service


class DesignationInline(admin.TabularInline):
    """On the person's page: the lists the person is or was on."""

    model = Designation
    extra = 0
    can_delete = False
    fields = ["designation_list", "listed_on", "listed_on_precision", "listed_after", "removed_on"]
    readonly_fields = fields
    verbose_name = _("designation list")
    verbose_name_plural = _(
        "designation lists (the state's lists of people 'involved in terrorist or extremist activity')"
    )

    def has_add_permission(self, request, obj=None):
        return False


class ContactInline(admin.TabularInline):
    """On the person's page: the latest contacts, newest first (recorded on their own page)."""

    model = PrisonerContact
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["channel", "date_display", "reported_by"]
    readonly_fields = fields
    verbose_name = _("contact")
    verbose_name_plural = _("contacts with the person (letters, visits, calls, signs of life)")

    @admin.display(description=_("date"))
    def date_display(self, contact):
        return partial_dates.describe(contact.date, contact.date_precision, language())

    def has_add_permission(self, request, obj=None):
        return False


class ParticularRiskInline(admin.TabularInline):
    """On the person's page: conditions and reports of ill-treatment (recorded on their own page,
    where the confidential details are read and audited)."""

    model = ParticularRisk
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["kind", "date_display", "ended_on", "is_public"]
    readonly_fields = fields
    verbose_name = _("particular risk")
    verbose_name_plural = _(
        "particular risk (health, disability, ill-treatment; details on each item's page)"
    )

    @admin.display(description=_("date"))
    def date_display(self, item):
        return partial_dates.describe(item.date, item.date_precision, language())

    def has_add_permission(self, request, obj=None):
        return False


def _days_words(s) -> str:
    """'45 days', or '45 to 74 days' where the last contact's date is partial."""
    if s.exact:
        return ngettext("%(days)d day", "%(days)d days", s.days_at_least) % {"days": s.days_at_least}
    return ngettext("%(low)d to %(days)d days", "%(low)d to %(days)d days", s.days_at_most) % {
        "low": s.days_at_least,
        "days": s.days_at_most,
    }


@admin.register(Person)
class PersonAdmin(
    TranslationsAdminMixin,
    OptimisticLockMixin,
    AuditConfidentialReadsMixin,
    HideFromHistoryMixin,
    HistoryAdmin,
):
    sources_group_fields = SOURCES_GROUP_FIELDS["person"]
    # The occupation and the biography with their translations, every language on this screen.
    form = with_translation_boxes(Person, rows=4, cols=40)

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
    # "=": an identifier's value is found whole (any case), not by any fragment of a URL.
    search_fields = ["names__text", "slug", "=external_ids__value"]
    # A filtered or searched list counts its rows once, not the whole table again (issue 21).
    show_full_result_count = False
    readonly_fields = [
        "slug",
        "public_id",
        "publication_state",
        "published_at",
        "created_at",
        "updated_at",
        "silence_display",
        "letters_display",
        "envelope_display",
    ]
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
                ]
            },
        ),
        (
            _("Public"),
            {
                "fields": [
                    "content_language",
                    "occupation",
                    ("occupation_in_en", "occupation_in_be", "occupation_in_ru"),
                    "biography",
                    ("biography_in_en", "biography_in_be", "biography_in_ru"),
                ],
                "description": _(
                    "The occupation and the biography as written (the original, in the "
                    "language of the original), and in the other languages; leave the boxes of the "
                    "original's own language empty. A public page shows its reader's language, else the "
                    "original with a note saying which language it is in."
                ),
            },
        ),
        (_("Confidential"), {"fields": ["internal_notes"]}),
        (_("Contacts (Sources group only)"), {"fields": ["contacts"]}),
        (
            _("Keeping in touch"),
            {
                "fields": [
                    "silence_display",
                    "silence_public",
                    "patronymic",
                    "envelope_display",
                    "letters_welcome",
                    "letters_display",
                ]
            },
        ),
        (
            _("Publication"),
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
    inlines = [
        PersonNameInline,
        ExternalIdentifierInline,
        CaseInline,
        DesignationInline,
        ContactInline,
        ParticularRiskInline,
        PersonContradictionInline,
        PersonClaimInline,
    ]
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
        return search_by_person(queryset, search_term, person="pk", fields=["slug"], external_ids=True), False

    @admin.display(description=_("name"))
    def display_name(self, person):
        return str(person)

    @admin.display(description=_("on the envelope"))
    def envelope_display(self, person):
        """What the public 'write a letter' page puts on the envelope: check the order of the words."""
        if person.pk is None:
            return "—"
        return gettext("%(name)s (the Russian official name, surname first, then the patronymic)") % {
            "name": envelope_name(person)
        }

    @admin.display(description=_("letters sent to the person"))
    def letters_display(self, person):
        """What letter-writing services reported for the last three months, by organisation."""
        if person.pk is None:
            return "—"
        since = timezone.localdate() - datetime.timedelta(days=92)
        rows = (
            LetterCount.objects.filter(person=person, period_end__gte=since)
            .values("organisation__name")
            .annotate(total=Sum("letters_sent"))
            .order_by("organisation__name")
        )
        if not rows:
            return gettext("none reported in the last three months")
        return format_html_join("; ", "{}: {}", ((r["organisation__name"], r["total"]) for r in rows))

    @admin.display(description=_("days without contact"))
    def silence_display(self, person):
        """Any contact and each channel with a threshold or a contact: the days (a range where a
        date is partial), the last day, and whether the threshold passed."""
        if person.pk is None:
            return "—"
        rows = []
        for s in silences_of(person):
            what = s.channel and choices.ContactChannel(s.channel).label or gettext("any contact")
            if not s.known:
                rows.append((what, gettext("none recorded"), ""))
                continue
            last = partial_dates.describe(s.last_earliest, choices.DatePrecision.DAY, language())
            if s.last_earliest != s.last_latest:
                last += f" – {partial_dates.describe(s.last_latest, choices.DatePrecision.DAY, language())}"
            passed = (
                " — "
                + ngettext(
                    "past the threshold of %(days)d day", "past the threshold of %(days)d days", s.threshold
                )
                % {"days": s.threshold}
                if s.passed
                else ""
            )
            rows.append((what, _days_words(s), gettext("(last: %(day)s)") % {"day": last} + passed))
        add = reverse("admin:cases_prisonercontact_add") + f"?person={person.pk}"
        risk = reverse("admin:cases_particularrisk_add") + f"?person={person.pk}"
        return format_html(
            '<ul class="silence-summary">{}</ul><p><a class="button" href="{}">{}</a> '
            '<a class="button" href="{}">{}</a></p>',
            format_html_join("", "<li><strong>{}</strong>: {} {}</li>", rows),
            add,
            gettext("Record a contact"),
            risk,
            gettext("Record a condition or ill-treatment"),
        )

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in services.PERSON_FIELDS}
        if form.translations_changed():
            fields["translations"] = form.cleaned_data["translations"]
        if change:
            original = Person.objects.get(pk=obj.pk)
            services.update_person(person=original, by=request.user, **fields)
        else:
            # Names arrive with the inline formset; the person is saved first, names after.
            obj.assign_slug_from("")
            services.validated_save(obj, request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is ExternalIdentifier:
            self._save_external_ids(request, form.instance, formset)
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            services.save_detail(instance=instance, by=request.user)

    def _save_external_ids(self, request, person, formset):
        instances = formset.save(commit=False)
        for identifier in formset.deleted_objects:
            services.remove_external_identifier(identifier=identifier, by=request.user)
        for identifier in instances:
            if identifier.pk is None:
                services.add_external_identifier(
                    person=person, scheme=identifier.scheme, value=identifier.value, by=request.user
                )
            else:
                services.correct_external_identifier(
                    identifier=ExternalIdentifier.objects.get(pk=identifier.pk),
                    scheme=identifier.scheme,
                    value=identifier.value,
                    by=request.user,
                )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("cases.publish_person"):
            actions.pop("publish_selected", None)
            actions.pop("withdraw_selected", None)
        return actions

    def _apply(self, request, queryset, service, done_message):
        """`done_message(n)`: what the success message says of `n` people done."""
        if not request.user.has_perm("cases.publish_person"):
            raise PermissionDenied
        done = 0
        for person in queryset:
            try:
                service(person=person, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{person}: {message_for(error)}", messages.ERROR)
        if done:
            self.message_user(request, done_message(done) % {"count": done})

    @admin.action(description=_("Publish selected people"))
    def publish_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.publish_person,
            lambda n: ngettext("Published %(count)d person.", "Published %(count)d people.", n),
        )

    @admin.action(description=_("Withdraw selected people from the public pages"))
    def withdraw_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.withdraw_person,
            lambda n: ngettext("Withdrew %(count)d person.", "Withdrew %(count)d people.", n),
        )
