"""The small forms: inspections, uploads, allocation, review, second marking, ratings."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from ...framework import available_frameworks
from ..models import Inspection, Provider, Role


class GovukForm(forms.Form):
    """A form that lists its errors for the GOV.UK error summary."""

    def error_list(self) -> list[tuple[str, str]]:
        out = [("", str(e)) for e in self.non_field_errors()]
        for name, field in self.fields.items():
            anchor = (
                f"{self.add_prefix(name)}-1"
                if isinstance(field.widget, forms.RadioSelect)
                else self[name].id_for_label
            )
            out += [(anchor, f"{field.label}: {m}") for m in self.errors.get(name, [])]
        return out


def users_with_roles(*roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, account__role__in=roles)
        .order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_username()


class CreateInspectionForm(GovukForm):
    code = forms.CharField(
        label="Inspection code",
        max_length=100,
        help_text="A short id, e.g. CRC07-2019 (letters, digits, '.', '_', '/', '-').",
    )
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.all())
    framework = forms.ChoiceField(label="Framework")
    kind = forms.ChoiceField(
        label="Kind", choices=Inspection.Kind.choices, initial=Inspection.Kind.INSPECTION
    )
    lead = UserChoiceField(
        label="Lead inspector", queryset=users_with_roles(Role.LEAD_INSPECTOR), required=False
    )
    fieldwork_start = forms.DateField(
        label="Fieldwork starts",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="YYYY-MM-DD. The sample's reference date, and which of two inspections of "
        "one provider a round uses (the later).",
    )

    def __init__(self, *args, provider_only=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [(f, f) for f in available_frameworks()]
        self.fields["lead"].queryset = users_with_roles(Role.LEAD_INSPECTOR)
        if provider_only is not None:  # a provider QA user: self-audits of their own provider only
            self.fields["provider"].queryset = Provider.objects.filter(pk=provider_only.pk)
            self.fields["kind"].choices = [(Inspection.Kind.SELF_AUDIT, "Self-audit")]
            del self.fields["lead"]


class UploadForm(GovukForm):
    file = forms.FileField(
        label="Case file", help_text="CSV, XLSX or Parquet in the case interchange format."
    )

    def __init__(self, *args, max_bytes: int, suffixes=(".csv", ".xlsx", ".parquet"), **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes, self.suffixes = max_bytes, suffixes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {self.max_bytes // (1024 * 1024)} MB."
            )
        if not upload.name.lower().endswith(self.suffixes):
            raise forms.ValidationError(f"The file must be one of {', '.join(self.suffixes)}.")
        return upload


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[("accept", "Accept the assessment"), ("return", "Return it to the inspector")],
    )
    comment = forms.CharField(
        label="Comments for the inspector",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Say what the inspector needs to change.")
        return cleaned


class SecondMarkingForm(GovukForm):
    marker = UserChoiceField(
        label="Second marker", queryset=users_with_roles(Role.INSPECTOR, Role.LEAD_INSPECTOR)
    )

    def __init__(self, *args, exclude_user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = users_with_roles(Role.INSPECTOR, Role.LEAD_INSPECTOR)
        self.fields["marker"].queryset = qs.exclude(pk=exclude_user_id) if exclude_user_id else qs


class AllocationForm(GovukForm):
    """One select per case not yet submitted (``case_<pk>``), plus "allocate the rest evenly"."""

    def __init__(self, *args, cases, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = list(cases)
        for case in self.cases:
            self.fields[f"case_{case.pk}"] = UserChoiceField(
                label=f"Inspector for case {case.case_id}",
                queryset=inspectors,
                required=False,
                initial=case.allocated_to_id,
                empty_label="Not allocated",
            )

    def assignments(self) -> dict[int, object]:
        return {case.pk: self.cleaned_data.get(f"case_{case.pk}") for case in self.cases}

    def rows(self):
        return [(case, self[f"case_{case.pk}"]) for case in self.cases]


class RatingDecisionForm(GovukForm):
    standard = forms.CharField(widget=forms.HiddenInput, max_length=50)
    standard_title = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    kind = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[("judgement", "judgement"), ("override", "override")]
    )
    rating = forms.ChoiceField(label="Rating")
    reasons = forms.CharField(
        label="Reasons", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", "Choose a rating")] + [(r, r) for r in ratings]
