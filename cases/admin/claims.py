"""The claims screens (issue 17): what each source says of a fact, and the conflicts queue.

Editors record a claim ("source S says V, as of D") on a person's, a case's, a charge's or a
facility stay's fact; the service
weighs it against the accepted value (cases.services.claims). Publishers (cases.decide_claim)
decide a conflict on the claim's page: accept it, or set it aside with a reason. The list opens
on the conflicts queue, most urgent first; "unsourced" lists the values staff have yet to source.
Nothing here deletes a claim.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates
from cases.admin.display import language
from cases.admin.history import HistoryAdmin
from cases.admin.mixins import MaskConfidentialSourcesMixin
from cases.claims import facts
from cases.models import Claim
from cases.services import claims as claim_services
from cases.transfer.importing import cells
from cases.transfer.importing.dates import DateProblem, parse_partial_date

YES_WORDS, NO_WORDS = {"yes", "true", "да", "так", "1"}, {"no", "false", "нет", "не", "0"}


def read_value(spec: facts.Fact, text: str):
    """A claimed value as staff type it, read for the fact's kind (ValidationError if it is not)."""
    text = text.strip()
    try:
        if spec.kind == facts.DATE:
            return parse_partial_date(text, today=timezone.localdate())
        if spec.kind == facts.CHOICE:
            by_label = {str(label).casefold(): code for code, label in _choice_labels(spec)}
            return by_label.get(text.casefold(), text)  # a code as it is: facts.canonical checks it
        if spec.kind == facts.BOOL:
            if text.casefold() in YES_WORDS | NO_WORDS:
                return text.casefold() in YES_WORDS
            raise ValidationError(gettext("Yes or no."))
        if spec.kind == facts.SENTENCE:
            sentence = cells.read_sentence(text)
            return {
                "kind": sentence.kind or "",
                "years": sentence.years,
                "months": sentence.months,
                "regime": sentence.regime or "",
            }
    except (DateProblem, cells.CellProblem) as error:
        raise ValidationError(str(error)) from None
    return text


def _choice_labels(spec):
    everything = (
        dict(choices.Sex.choices) | dict(choices.CaseStatus.choices) | dict(choices.ChargeStage.choices)
    )
    return [(code, everything.get(code, code)) for code in spec.choices]


# What record a fact is written on, as the form's messages say it: "The sex is a fact of a person".
FACT_OF = {
    facts.PERSON: _("a fact of a person"),
    facts.CASE: _("a fact of a case"),
    facts.CHARGE: _("a fact of a charge"),
    facts.STAY: _("a fact of a facility stay"),
}


class RecordClaimForm(forms.ModelForm):
    """A new claim: the fact, what the source says, and when it said it."""

    value_text = forms.CharField(
        label=_("What the source says"),
        help_text=_(
            "A date as known (2021, 05.2021, 10.05.2021); a status, sex or stage by its name "
            "(convicted, female, attempt); yes or no; a sentence in words (3 года колонии общего режима); a "
            "region as jurisdiction:code (BY:minsk); a facility by its slug (as in its page's address)."
        ),
    )
    as_of_text = forms.CharField(
        label=_("As of"),
        required=False,
        help_text=_("When the source said it, as known (2021, 05.2021, 10.05.2021)."),
    )

    class Meta:
        model = Claim
        fields = ["person", "case", "charge", "stay", "fact", "source", "note"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        spec = facts.FACTS[data["fact"]]
        case, charge, person = data.get("case"), data.get("charge"), data["person"]
        stay = data.get("stay")
        if charge is not None and case is None:
            case = data["case"] = charge.case  # a charge names its case
        if stay is not None and case is None:
            case = data["case"] = stay.case  # so does a stay
        fact = {"fact": spec.label, "record": FACT_OF[spec.target]}
        if spec.target == facts.STAY and stay is None:
            self.add_error("stay", gettext("The %(fact)s is %(record)s: choose the stay.") % fact)
        elif spec.target != facts.STAY and stay is not None:
            self.add_error("stay", gettext("The %(fact)s is %(record)s: leave the stay empty.") % fact)
        elif stay is not None and stay.case_id != case.pk:
            self.add_error("stay", gettext("This stay is of another case."))
        elif spec.target == facts.CHARGE and charge is None:
            self.add_error("charge", gettext("The %(fact)s is %(record)s: choose the charge.") % fact)
        elif spec.target != facts.CHARGE and charge is not None:
            self.add_error("charge", gettext("The %(fact)s is %(record)s: leave the charge empty.") % fact)
        elif (spec.target != facts.PERSON) != (case is not None):
            self.add_error(
                "case",
                (
                    gettext("The %(fact)s is %(record)s: leave the case empty.")
                    if spec.target == facts.PERSON
                    else gettext("The %(fact)s is %(record)s: choose the case.")
                )
                % fact,
            )
        elif case is not None and case.person_id != person.pk:
            self.add_error("case", gettext("This case is another person's."))
        elif charge is not None and charge.case_id != case.pk:
            self.add_error("charge", gettext("This charge is of another case."))
        try:
            data["value"] = facts.canonical(spec, read_value(spec, data.get("value_text", "")))
        except (ValidationError, facts.ClaimValueError) as error:
            self.add_error("value_text", error.messages if isinstance(error, ValidationError) else str(error))
        data["as_of"], data["as_of_precision"] = None, "unknown"
        if data.get("as_of_text"):
            try:
                data["as_of"], data["as_of_precision"] = parse_partial_date(
                    data["as_of_text"], today=timezone.localdate()
                )
            except DateProblem as error:
                self.add_error("as_of_text", str(error))
        return data


class DecideClaimForm(forms.ModelForm):
    """A Publisher's decision on a conflicting claim."""

    decision = forms.ChoiceField(
        choices=[
            ("accept", _("accept this value: it becomes the registry's")),
            ("set_aside", _("set it aside")),
        ],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    decision_note = forms.CharField(
        label=_("Why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Required to set a claim aside; kept with the claim, your name and the time."),
    )

    class Meta:
        model = Claim
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("decision") == "set_aside" and not data.get("decision_note", "").strip():
            self.add_error("decision_note", gettext("Say why this claim is set aside."))
        return data


# How urgent a conflict is (Claim.priority), as the queue's column says it.
PRIORITY_LABELS = {
    3: _("can change a risk level"),
    2: _("a fact the risk rules read"),
    1: _("other"),
}


class UnsourcedListFilter(admin.SimpleListFilter):
    title = _("source")
    parameter_name = "sourced"

    def lookups(self, request, model_admin):
        return [("no", _("unsourced (registry staff): to source")), ("yes", _("with a source"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(source__isnull=True).exclude(state=choices.ClaimState.SUPERSEDED)
        if self.value() == "yes":
            return queryset.filter(source__isnull=False)
        return queryset


class ClaimAdmin(MaskConfidentialSourcesMixin, HistoryAdmin):
    """The conflicts queue, and every claim. Registered by cases.admin after the other screens (the
    people and case screens import this module for the inlines; registration order is the order
    of the admin's URL patterns)."""

    list_display = [
        "person",
        "case",
        "charge",
        "fact",
        "value_display",
        "source_display",
        "reliability_display",
        "as_of_display",
        "state",
        "priority_display",
        "created_at",
    ]
    list_filter = ["state", UnsourcedListFilter, "fact", "source__reliability"]
    search_fields = ["person__names__text", "case__case_number"]
    list_select_related = ["person", "case", "charge__article", "stay__facility", "source"]
    autocomplete_fields = ["person", "case", "charge", "stay", "source"]
    ordering = ["-priority", "-created_at"]

    def changelist_view(self, request, extra_context=None):
        # The list opens on the work: the conflicts not decided yet.
        if not request.GET and not request.META.get("QUERY_STRING"):
            request.GET = request.GET.copy()
            request.GET["state__exact"] = choices.ClaimState.CONFLICTING
            request.META["QUERY_STRING"] = request.GET.urlencode()
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False  # nothing said by a source is deleted: a claim that loses is superseded

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != choices.ClaimState.CONFLICTING:
            return False
        return request.user.has_perm("cases.decide_claim")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = DecideClaimForm if obj is not None else RecordClaimForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["person", "case", "charge", "stay", "fact", "value_text", "source", "as_of_text", "note"]
        shown = [
            "person",
            "case",
            "charge",
            "stay",
            "fact",
            "value_display",
            "source_display",
            "reliability_display",
            "as_of_display",
            "state",
            "priority_display",
            "note",
            "other_claims",
            "created_at",
            "created_by",
            "decided_at",
            "decided_by",
        ]
        if self.has_change_permission(request, obj):
            shown += ["decision", "decision_note"]
        return shown

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            f
            for f in self.get_fields(request, obj)
            if f not in ("decision", "decision_note") and f != "source"
        ] + ["source_display"]

    @admin.display(description=_("value"))
    def value_display(self, obj):
        return facts.describe(facts.FACTS[obj.fact], obj.value, language())

    @admin.display(description=_("reliability"))
    def reliability_display(self, obj):
        if obj.source is None:
            return gettext("registry staff, unsourced")
        return obj.source.get_reliability_display()

    @admin.display(description=_("as of"))
    def as_of_display(self, obj):
        return partial_dates.describe(obj.as_of, obj.as_of_precision, language()) if obj.as_of else "—"

    @admin.display(description=_("urgency"), ordering="priority")
    def priority_display(self, obj):
        if obj.state != choices.ClaimState.CONFLICTING:
            return "—"
        label = str(PRIORITY_LABELS[obj.priority])
        return f"{label}: {obj.priority_reason}" if obj.priority_reason else label

    @admin.display(description=_("every claim on this fact"))
    def other_claims(self, obj):
        rows = Claim.objects.on(
            obj.fact, person=obj.person, case=obj.case, charge=obj.charge, stay=obj.stay
        ).select_related("source")
        spec = facts.FACTS[obj.fact]
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            gettext("value"),
            gettext("source"),
            gettext("as of"),
            gettext("state"),
            format_html_rows(
                (
                    facts.describe(spec, claim.value, language()),
                    self.source_display(claim) if claim.source_id else gettext("registry staff, unsourced"),
                    self.as_of_display(claim),
                    claim.get_state_display(),
                )
                for claim in rows
            ),
        )

    def save_model(self, request, obj, form, change):
        # The form checked what the service would refuse (the fact's record, the value).
        if not change:
            data = form.cleaned_data
            claim = claim_services.record_claim(
                fact=data["fact"],
                person=data["person"],
                case=data.get("case"),
                charge=data.get("charge"),
                stay=data.get("stay"),
                value=data["value"],
                source=data.get("source"),
                as_of=data["as_of"],
                as_of_precision=data["as_of_precision"],
                note=data.get("note", ""),
                by=request.user,
            )
            obj.pk, obj.state = claim.pk, claim.state
            obj._state.adding = False
            if claim.state == choices.ClaimState.CONFLICTING:
                messages.warning(
                    request,
                    gettext(
                        "This claim disagrees with the accepted value: it waits in the conflicts queue "
                        "for a Publisher, and the record keeps the accepted value."
                    ),
                )
        elif form.cleaned_data["decision"] == "accept":
            claim_services.accept_claim(claim=obj, note=form.cleaned_data["decision_note"], by=request.user)
        else:
            claim_services.set_aside_claim(
                claim=obj, note=form.cleaned_data["decision_note"], by=request.user
            )

    def save_related(self, request, form, formsets, change):
        """The claim's relations are written by the service."""


def format_html_rows(rows) -> str:
    return format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)


class _ClaimInline(MaskConfidentialSourcesMixin, admin.TabularInline):
    """Every claim on the record's facts, read only, each linked to its page (where a Publisher
    decides a conflict); recorded from the Claims screen."""

    model = Claim
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "fact",
        "charge",
        "stay",
        "value_display",
        "source_display",
        "reliability_display",
        "as_of_display",
        "state",
    ]
    readonly_fields = fields
    verbose_name = _("claim")
    verbose_name_plural = _("claims: what each source says of the facts")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source", "charge__article", "stay__facility")
            .order_by("fact", "state", "-created_at")
        )

    def has_view_permission(self, request, obj=None):
        # Shown, never posted (as the open contradictions): a save of the page carries no claim.
        if request.method not in ("GET", "HEAD"):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.fields

    value_display = ClaimAdmin.value_display
    reliability_display = ClaimAdmin.reliability_display
    as_of_display = ClaimAdmin.as_of_display


class PersonClaimInline(_ClaimInline):
    fk_name = "person"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__isnull=True)


class CaseClaimInline(_ClaimInline):
    fk_name = "case"
