"""The log review's period (a GET form) and the unit manager's rejection of an account change."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Scope

from .selectors import Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_DAYS = 30
LONGEST_DAYS = 366


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("From"), required=False, widget=DATE)
    last = forms.DateField(label=_("To and including"), required=False, widget=DATE)
    flagged = forms.BooleanField(label=_("Only flagged reads"), required=False)

    @staticmethod
    def default_period() -> Period:
        today = timezone.localdate()
        return Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today)

    def clean(self):
        cleaned = super().clean()
        default = self.default_period()
        first, last = cleaned.get("first") or default.first, cleaned.get("last") or default.last
        if last < first:
            raise forms.ValidationError(_("The period must end on or after its first day."))
        if (last - first).days + 1 > LONGEST_DAYS:
            raise forms.ValidationError(_("Review at most %(days)s days at a time.") % {"days": LONGEST_DAYS})
        cleaned["period"] = Period(first, last)
        return cleaned

    def period(self) -> Period | None:
        """The chosen period, the last 30 days when none is chosen, None when the choice is wrong."""
        return self.cleaned_data["period"] if self.is_valid() else None

    def query(self) -> str:
        """The period as a query string, for the links to the other pages and the exports."""
        period = self.period()
        if period is None:
            return ""
        values = {"first": period.first.isoformat(), "last": period.last.isoformat()}
        if self.cleaned_data.get("flagged"):
            values["flagged"] = "on"
        return urlencode(values)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ApiTokenForm(forms.Form):
    """A new token: which integration account, named how, with which scope, until when."""

    account = forms.ModelChoiceField(label=_("Integration account"), queryset=None)
    name = forms.CharField(label=_("Integration"), max_length=200, help_text=_("E.g. the hospital's record system."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.REFERRALS]
    )
    expires_on = forms.DateField(label=_("Valid until and including"), widget=DATE)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=365)
