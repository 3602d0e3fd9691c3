"""Staff forms that call services rather than saving models directly."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.models import Article, Charge, Release, Source
from cases.services.releases import check_release_day


class ReclassifyChargeForm(forms.Form):
    to_article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        label=_("New article part"),
        help_text=_("The charge as it is worded after the reclassification"),
    )
    stage = forms.ChoiceField(choices=choices.ChargeStage.choices, label=_("Stage"))
    on = forms.DateField(
        label=_("Date of the reclassification"), widget=forms.DateInput(attrs={"type": "date"})
    )
    offence_date = forms.DateField(
        required=False,
        label=_("Date of the alleged act"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep the date of the charge it replaces"),
    )
    source = forms.ModelChoiceField(queryset=Source.objects.all(), required=False, label=_("Source"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Note"))

    def __init__(self, *args, charge: Charge, **kwargs):
        super().__init__(*args, **kwargs)
        self.charge = charge
        self.fields["to_article"].queryset = Article.objects.filter(
            jurisdiction_id=charge.case.jurisdiction_id
        ).exclude(pk=charge.article_id)
        self.fields["stage"].initial = charge.stage
        self.fields["on"].initial = timezone.localdate()


class EndChargeForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in (
                choices.ChargeState.DROPPED,
                choices.ChargeState.CONVICTED,
                choices.ChargeState.ACQUITTED,
            )
        ],
        label=_("Outcome"),
    )
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class CorrectChargeForm(forms.Form):
    """Correct a charge entered wrongly, or withdraw one created by mistake (not a legal event)."""

    CORRECT, WITHDRAW = "correct", "withdraw"

    action = forms.ChoiceField(
        choices=[
            (CORRECT, _("Correct the facts below (they were entered wrongly)")),
            (WITHDRAW, _("Withdraw (created by mistake): remove the charge and its events")),
        ],
        initial=CORRECT,
        widget=forms.RadioSelect,
        label=_("What to do"),
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        label=_("Article part"),
        help_text=_("The article the charge was really brought under"),
    )
    stage = forms.ChoiceField(choices=choices.ChargeStage.choices, label=_("Stage"))
    offence_date = forms.DateField(
        required=False, label=_("Date of the alleged act"), widget=forms.DateInput(attrs={"type": "date"})
    )
    charged_on = forms.DateField(
        required=False, label=_("Date the charge was brought"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Reason"),
        help_text=_("Required: what was wrong. Kept with the charge's history."),
        error_messages={"required": _("Give a reason for the correction.")},
    )

    def __init__(self, *args, charge: Charge, **kwargs):
        super().__init__(*args, **kwargs)
        self.charge = charge
        self.fields["article"].queryset = Article.objects.filter(jurisdiction_id=charge.case.jurisdiction_id)
        for name in ("article", "stage", "offence_date", "charged_on"):
            self.fields[name].initial = getattr(charge, name)

    def corrected_facts(self) -> dict:
        """The facts as the form gives them, for `correct_charge` (which keeps those unchanged)."""
        return {name: self.cleaned_data[name] for name in ("article", "stage", "offence_date", "charged_on")}


class ChargeInlineForm(forms.ModelForm):
    """A charge row on the case page: new charges, and corrections that keep the article."""

    class Meta:
        model = Charge
        fields = ["article", "stage", "offence_date", "charged_on", "source"]
        # The browser's own date picker: a charge stays one line of the table, which the
        # admin's "Today | calendar" links beside each date did not allow on a laptop.
        widgets = {
            "offence_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "charged_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_article(self):
        article = self.cleaned_data["article"]
        if self.instance.pk and article != self.instance.article:
            raise forms.ValidationError(
                _("The article of a charge changes only by Reclassify, so its history stays.")
            )
        case = getattr(self.instance, "case", None) if self.instance.case_id else None
        if case is not None and article.jurisdiction_id != case.jurisdiction_id:
            raise forms.ValidationError(
                _("This article belongs to another jurisdiction's code than the case.")
            )
        return article


class ReleaseForm(forms.ModelForm):
    """How the person left custody, with the day of the timeline entry that dates it (Release's
    docstring): the case page's Release section, saved through `record_release` or
    `correct_release`. The day's sources are cited on the Claims screen (the release date's claim)."""

    date = forms.DateField(
        label=_("Day of release"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Any day of the month or year when only those are known"),
    )
    date_precision = forms.ChoiceField(
        label=_("known to the"),
        choices=[(c.value, c.label) for c in choices.DatePrecision if c != choices.DatePrecision.UNKNOWN],
        initial=choices.DatePrecision.DAY,
    )
    is_public = forms.BooleanField(
        label=_("public"),
        required=False,
        initial=True,
        help_text=_("Shown on the public page and in the API"),
    )

    class Meta:
        model = Release
        fields = ["how", "wave", "destination_country", "documents_withheld", "family_left_behind"]
        widgets = {"family_left_behind": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance.event if self.instance.pk else None
        if event is not None:
            self.initial.update(
                date=event.date, date_precision=event.date_precision, is_public=event.is_public
            )
            self.fields["is_public"].disabled = True  # the entry's own flag, on the timeline below
            self.fields["is_public"].help_text = _("As its timeline entry: change it there")

    def clean(self):
        cleaned = super().clean()
        day, precision = cleaned.get("date"), cleaned.get("date_precision")
        case = getattr(self.instance, "case", None)
        if day and precision and case is not None:
            try:
                check_release_day(case, day, precision)
            except ValidationError as error:
                raise forms.ValidationError({"date": error.messages}) from error
        return cleaned
