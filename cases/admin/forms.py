"""Staff forms that call services rather than saving models directly."""

from django import forms
from django.utils import timezone

from cases import choices
from cases.models import Article, Charge, Source


class ReclassifyChargeForm(forms.Form):
    to_article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        label="New article part",
        help_text="The charge as it is worded after the reclassification",
    )
    stage = forms.ChoiceField(choices=choices.ChargeStage.choices, label="Stage")
    on = forms.DateField(label="Date of the reclassification", widget=forms.DateInput(attrs={"type": "date"}))
    offence_date = forms.DateField(
        required=False,
        label="Date of the alleged act",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to keep the date of the charge it replaces",
    )
    source = forms.ModelChoiceField(queryset=Source.objects.all(), required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

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
        label="Outcome",
    )
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))


class CorrectChargeForm(forms.Form):
    """Correct a charge entered wrongly, or withdraw one created by mistake (not a legal event)."""

    CORRECT, WITHDRAW = "correct", "withdraw"

    action = forms.ChoiceField(
        choices=[
            (CORRECT, "Correct the facts below (they were entered wrongly)"),
            (WITHDRAW, "Withdraw (created by mistake): remove the charge and its events"),
        ],
        initial=CORRECT,
        widget=forms.RadioSelect,
        label="What to do",
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        label="Article part",
        help_text="The article the charge was really brought under",
    )
    stage = forms.ChoiceField(choices=choices.ChargeStage.choices, label="Stage")
    offence_date = forms.DateField(
        required=False, label="Date of the alleged act", widget=forms.DateInput(attrs={"type": "date"})
    )
    charged_on = forms.DateField(
        required=False, label="Date the charge was brought", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Required: what was wrong. Kept with the charge's history.",
        error_messages={"required": "Give a reason for the correction."},
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
                "The article of a charge changes only by Reclassify, so its history stays."
            )
        case = getattr(self.instance, "case", None) if self.instance.case_id else None
        if case is not None and article.jurisdiction_id != case.jurisdiction_id:
            raise forms.ValidationError("This article belongs to another jurisdiction's code than the case.")
        return article
