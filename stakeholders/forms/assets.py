"""Forms for shared assets and their uses."""

from django import forms

from t2a.forms import T2AModelForm

from ..models import AssetUse, Kind, SharedAsset, Stakeholder
from .stakeholders import DATE_INPUT


class SharedAssetForm(T2AModelForm):
    owner = forms.ModelChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Offered by",
        help_text="The partner who offers it. Leave empty if it is your organisation's own.",
    )

    class Meta:
        model = SharedAsset
        fields = ["kind", "name", "description", "owner", "availability"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}
        labels = {"owner": "Offered by"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Stakeholder.objects.filter(
            kind__in=[Kind.ORGANISATION, Kind.PLACE]
        ).order_by("name")
        self.fields["kind"].choices = SharedAsset._meta.get_field("kind").choices


class AssetUseForm(T2AModelForm):
    used_by = forms.ModelChoiceField(queryset=Stakeholder.objects.none(), label="Used by")

    class Meta:
        model = AssetUse
        fields = ["used_by", "used_on", "purpose"]
        widgets = {"used_on": DATE_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["used_by"].queryset = Stakeholder.objects.order_by("name")
