"""Forms of the team's pages: parse and explain; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DATE, DATETIME
from cases.models import Role, User

from .models import FollowUpMeeting, JournalEntry, VisitIntervention

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SAFETY_CHOICES = [("", _("Not asked"))] + [(str(i), str(i)) for i in range(11)]


class VisitLogForm(forms.Form):
    """One screen on a phone: performed?, times, each intervention, the client, safety, a note."""

    performed = forms.TypedChoiceField(
        label=_("Was the visit performed?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    actual_start = forms.TimeField(label=_("Started"), widget=TIME, required=False)
    actual_end = forms.TimeField(label=_("Ended"), widget=TIME, required=False)
    not_done_reason = forms.CharField(label=_("Why not performed"), max_length=300, required=False)
    client_condition = forms.CharField(
        label=_("How is the client?"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    experienced_safety = forms.TypedChoiceField(
        label=_("Experienced safety, 0 (very unsafe) – 10 (completely safe)"),
        choices=SAFETY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    journal_note = forms.CharField(
        label=_("Journal note (social documentation)"),
        help_text=_("What was done, how the client is, their need of safety: everything, not only deviations."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        # Every radio group starts with nothing chosen, "not asked" included: a value none of the choices
        # has leaves the scale unticked, and an unticked scale is saved as not asked.
        self.initial.setdefault("experienced_safety", "-")
        self.rows = list(visit.visit_interventions.all())
        for row in self.rows:
            self.fields[f"outcome_{row.pk}"] = forms.ChoiceField(
                label=str(row.intervention.intervention_type),
                choices=VisitIntervention.Outcome.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean(self):
        """A visit that did not happen keeps no outcome but "not done" (the service enforces it too)."""
        data = super().clean()
        if data.get("performed") is False:
            for row in self.rows:
                data[f"outcome_{row.pk}"] = VisitIntervention.Outcome.NOT_DONE
        return data

    def outcome_fields(self):
        return [self[f"outcome_{row.pk}"] for row in self.rows]

    def outcomes(self) -> dict:
        return {row.pk: self.cleaned_data.get(f"outcome_{row.pk}", "") for row in self.rows}


class VisitForm(forms.Form):
    planned_start = forms.DateTimeField(label=_("Time"), widget=DATETIME)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480)
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, team, interventions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = User.objects.filter(team=team, role=Role.TEAM_STAFF, is_active=True)
        if interventions is not None:
            self.fields["interventions"] = forms.ModelMultipleChoiceField(
                label=_("Interventions"), queryset=interventions, widget=forms.CheckboxSelectMultiple
            )


class TaperingForm(forms.Form):
    """One per intervention on the visits page (prefixed by its id, so every element id is unique)."""

    hemtjanst_from = forms.DateField(
        label=_("Hemtjänst carries it out from"),
        help_text=_("Empty: the team carries it out."),
        widget=DATE,
        required=False,
    )


class CancelVisitForm(forms.Form):
    reason = forms.CharField(label=_("Why is the visit cancelled?"), max_length=300)


class JournalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=JournalEntry.Kind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Entry"), widget=forms.Textarea(attrs={"rows": 6}))
    delegated_task = forms.BooleanField(label=_("Delegated health care task"), required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in JournalEntry.Kind.choices if c[0] in kinds]
        self.fields["kind"].initial = kinds[0]


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("Corrected entry"), widget=forms.Textarea(attrs={"rows": 6}))


class CarePlanForm(forms.Form):
    watch_for = forms.CharField(
        label=_("What to watch for"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New time"), widget=DATETIME)
    reason = forms.CharField(label=_("Why is it moved?"), max_length=500)
    move_anyway = forms.BooleanField(
        label=_("Move anyway"),
        help_text=_("Only needed for a time outside the meeting window or on a day off; you are asked first."),
        required=False,
        widget=forms.HiddenInput,
    )

    def offer_move_anyway(self) -> None:
        """The box is shown only once the service has warned about the time (a warning, not a refusal)."""
        self.fields["move_anyway"].widget = forms.CheckboxInput()


class ConfirmParticipantForm(forms.Form):
    representative = forms.CharField(label=_("Representative"), max_length=200, required=False)


class MeetingOutcomeForm(forms.Form):
    continued_needs = forms.CharField(label=_("Continued needs"), widget=forms.Textarea(attrs={"rows": 3}))
    further_support = forms.ChoiceField(
        label=_("Decision on further support"), choices=FollowUpMeeting.FurtherSupport.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
