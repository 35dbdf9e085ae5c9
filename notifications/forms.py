"""The e-mail choices and the filter of the unit manager's reminders; forms parse, services store."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .selectors import STATUS_GROUPS


class EmailChoicesForm(forms.Form):
    """One checkbox per kind the person can receive: checked = by e-mail as well."""

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Notification.Kind.choices)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(label=labels[kind], required=False)

    def choices(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data.get(kind)) for kind in self.fields}


class TeamReminderFilter(forms.Form):
    """The unit manager's filter (a GET form): an unknown value is ignored, never an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["status"].choices = every + [(key, label) for key, (label, _s) in STATUS_GROUPS.items()]
        self.fields["kind"].choices = every + list(Notification.Kind.choices)

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"status": "", "kind": ""}
        return {"status": self.cleaned_data["status"], "kind": self.cleaned_data["kind"]}
