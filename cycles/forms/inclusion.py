"""The inclusion prompts form: one long answer per prompt."""

from t2a.forms import T2AModelForm

from ..models import INCLUSION_PROMPTS, InclusionPrompts
from .fields import long_text


class InclusionPromptsForm(T2AModelForm):
    class Meta:
        model = InclusionPrompts
        fields = [field for field, _ in INCLUSION_PROMPTS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, question in INCLUSION_PROMPTS:
            self.fields[name] = long_text(question, required=False, rows=4)
