"""Forms for the outcome measures: they parse what was ticked or typed; the ranges are the services' rules.

Built for a phone: one tap per answer where the scale is short (safety, Katz), number fields for COPM.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IbicPhase, IcfLevel, LifeArea
from .rules import COPM_MAX, COPM_MIN, KATZ_ACTIVITIES, SAFETY_MAX, SAFETY_MIN

KATZ_LABELS = {
    "bathing": _("Bathing"),
    "dressing": _("Dressing"),
    "toileting": _("Toileting"),
    "transfer": _("Transfer"),
    "continence": _("Continence"),
    "feeding": _("Feeding"),
}
INDEPENDENCE = [("1", _("Independent")), ("0", _("Dependent"))]


class SafetyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Experienced safety"),
        help_text=_("The client's own answer: 0 = not at all safe, 10 = completely safe."),
        choices=[(n, str(n)) for n in range(SAFETY_MIN, SAFETY_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )


class KatzForm(forms.Form):
    """Six radio groups, independent or dependent. The grade is not asked for: it is computed."""

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in KATZ_ACTIVITIES:
            self.fields[name] = forms.TypedChoiceField(
                label=KATZ_LABELS[name],
                choices=INDEPENDENCE,
                coerce=lambda value: value == "1",
                widget=forms.RadioSelect,
            )
            if assessment is not None:
                self.initial[name] = "1" if getattr(assessment, name) else "0"


def _score_field(label, *, required=True):
    return forms.IntegerField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"min": COPM_MIN, "max": COPM_MAX, "inputmode": "numeric"}),
    )


class CopmGoalForm(forms.Form):
    """A new goal with its start ratings; `with_end` adds the end ratings for the reassessment."""

    problem = forms.CharField(
        label=_("Goal"),
        max_length=300,
        help_text=_("What the client wants to manage, in the client's words."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    performance_start = _score_field(_("Performance at start (1–10)"))
    satisfaction_start = _score_field(_("Satisfaction at start (1–10)"))
    performance_end = _score_field(_("Performance at end (1–10)"), required=False)
    satisfaction_end = _score_field(_("Satisfaction at end (1–10)"), required=False)

    def __init__(self, *args, with_end: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_end:
            del self.fields["performance_end"]
            del self.fields["satisfaction_end"]


class IbicForm(forms.Form):
    """One select per life area and point in time, laid out as a table (`rows`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for area in LifeArea:
            for phase in IbicPhase:
                self.fields[f"{area.value}_{phase.value}"] = forms.TypedChoiceField(
                    label=f"{area.label}, {phase.label.lower()}",
                    choices=[("", "–"), *IcfLevel.choices],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def rows(self):
        """(area label, bound field at start, bound field at follow-up) for each life area."""
        return [
            (area.label, self[f"{area.value}_{IbicPhase.START}"], self[f"{area.value}_{IbicPhase.FOLLOW_UP}"])
            for area in LifeArea
        ]

    def ratings(self) -> dict[tuple[str, str], int | None]:
        return {
            (area.value, phase.value): self.cleaned_data[f"{area.value}_{phase.value}"]
            for area in LifeArea
            for phase in IbicPhase
        }

    @staticmethod
    def initial_from(levels: dict[tuple[str, str], int]) -> dict[str, int]:
        return {f"{area}_{phase}": level for (area, phase), level in levels.items()}
