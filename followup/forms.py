"""The follow-up's GET forms: which team and which period (the period page and its exports), and the
capacity planner's what-if values.

Plain Django forms, not django-filter: nothing here filters a queryset. The choice becomes the arguments
of the selectors (`teams`, `start`, `end`), which count in the database themselves.

A missing parameter takes its default (the last full month, all the user's teams), so the page opens
with figures; a bad one — a reversed period, a year like 0, a team that is not the user's — is an error
on its field, and the page shows the form without figures."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from hemgang.bounds import EARLIEST_DATE, latest_date
from hemgang.errors import DomainValidationError

from .access import chosen_teams
from .selectors import capacity_plan
from .selectors.common import check_period

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")), (CUSTOM, _("Chosen dates"))]
# The longest custom period: the meetings' planned days are computed per team and day (selectors.period).
LONGEST_PERIOD_YEARS = 10
# The fields each kind of period is given by.
NEEDS = {MONTH: ("year", "month"), QUARTER: ("year", "quarter"), YEAR: ("year",), CUSTOM: ("start", "end")}


@dataclass(frozen=True)
class PeriodChoice:
    teams: list
    team_id: int | None
    kind: str
    start: dt.date
    end: dt.date


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, month_range(year, 3 * quarter)[1]


def _team_choices(teams) -> list[tuple[str, str]]:
    every = _("All my teams") if len(teams) > 1 else _("My team")
    return [("", every)] + [(str(team.pk), team.name) for team in teams]


def _team_id(raw) -> int | None:
    """The team parameter as an id; text that is no id names no team of the user's either."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValidationError(_("Choose one of your teams."), code="not_your_team")
    return int(raw)


def _domain_error(form, error: DomainValidationError, default_field: str | None = None) -> None:
    field = error.field if error.field in form.fields else default_field
    form.add_error(field, error.message)


class PeriodForm(forms.Form):
    """Team and period of the follow-up page. `choice` is the result once the form is valid."""

    team = forms.CharField(label=_("Team"), required=False, widget=forms.Select)
    period = forms.ChoiceField(label=_("Period"), choices=KINDS, widget=forms.RadioSelect)
    year = forms.IntegerField(label=_("Year"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    month = forms.TypedChoiceField(
        label=_("Month"), choices=list(MONTHS.items()), coerce=int, required=False, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(n, _("Quarter %(n)s") % {"n": n}) for n in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    start = forms.DateField(label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, params, *, user, teams, today: dt.date, **kwargs):
        first, last = last_full_month(today)
        defaults = {
            "team": "",
            "period": MONTH,
            "year": str(first.year),
            "month": str(first.month),
            "quarter": str((first.month - 1) // 3 + 1),
            "start": first.isoformat(),
            "end": last.isoformat(),
        }
        data = {**defaults, **{key: params.get(key) for key in defaults if key in params}}
        super().__init__(data, **kwargs)
        self.user, self.teams = user, teams
        self.fields["team"].widget.choices = _team_choices(teams)
        self.choice: PeriodChoice | None = None

    def clean_team(self):
        return _team_id(self.cleaned_data.get("team"))

    def clean_year(self):
        year = self.cleaned_data.get("year")
        earliest, latest = EARLIEST_DATE.year, latest_date().year
        if year is not None and not earliest <= year <= latest:
            raise ValidationError(
                _("Enter a year from %(earliest)s to %(latest)s.") % {"earliest": earliest, "latest": latest},
                code="year_out_of_range",
            )
        return year

    def clean(self):
        data = super().clean()
        kind = data.get("period")
        if kind is None:
            return data
        # The fields of the other kinds of period are hidden and ignored: no error of theirs either.
        for name in {"year", "month", "quarter", "start", "end"} - set(NEEDS[kind]):
            self.errors.pop(name, None)
        if self.errors:
            return data
        missing = [name for name in NEEDS[kind] if data.get(name) is None]
        for name in missing:
            self.add_error(name, _("Fill in this field for the period you chose."))
        if missing:
            return data
        if kind == MONTH:
            start, end = month_range(data["year"], data["month"])
        elif kind == QUARTER:
            start, end = quarter_range(data["year"], data["quarter"])
        elif kind == YEAR:
            start, end = dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)
        else:
            start, end = data["start"], data["end"]
            try:
                check_period(start, end)
            except DomainValidationError as err:
                _domain_error(self, err, "end")
                return data
            if (end - start).days > 366 * LONGEST_PERIOD_YEARS:
                self.add_error("end", _("A period can be at most %(years)s years.") % {"years": LONGEST_PERIOD_YEARS})
                return data
        try:
            teams = chosen_teams(self.user, data.get("team"), teams=self.teams)
        except DomainValidationError as err:
            _domain_error(self, err, "team")
            return data
        self.choice = PeriodChoice(teams, data.get("team"), kind, start, end)
        return data

    def query(self) -> dict[str, str]:
        """The parameters of this choice, for the export links and the previous and next period."""
        kind = self.cleaned_data["period"]
        query = {"period": kind}
        if self.cleaned_data.get("team") is not None:
            query["team"] = str(self.cleaned_data["team"])
        for name in NEEDS[kind]:
            value = self.cleaned_data[name]
            query[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return query


class TeamForm(forms.Form):
    """The capacity planner's choice of team (a GET form of its own, so a new team starts from its own
    figures rather than from the what-if values typed for another)."""

    team = forms.CharField(label=_("Team"), required=False, widget=forms.Select)

    def __init__(self, params, *, user, teams, **kwargs):
        super().__init__({"team": params.get("team", "")}, **kwargs)
        self.user, self.teams = user, teams
        self.fields["team"].widget.choices = _team_choices(teams)
        self.chosen: list | None = None

    def clean_team(self):
        team_id = _team_id(self.cleaned_data.get("team"))
        try:
            self.chosen = chosen_teams(self.user, team_id, teams=self.teams)
        except DomainValidationError as err:
            raise ValidationError(err.message, code=err.code) from None
        return team_id


class WhatIfForm(forms.Form):
    """Clients at once and average length for the planner's what-if (SKL 2017, figure 6). Decimals as a
    Swede types them (12,5) and as a browser sends them (12.5)."""

    team = forms.CharField(required=False, widget=forms.HiddenInput)
    clients_at_once = forms.DecimalField(label=_("Clients at once"), decimal_places=1, max_value=1000, localize=True)
    average_length_days = forms.DecimalField(
        label=_("Average length (days)"), decimal_places=1, max_value=365, localize=True
    )

    def __init__(self, params, *, initial: dict, **kwargs):
        asked = any(params.get(name) is not None for name in ("clients_at_once", "average_length_days"))
        super().__init__(params if asked else None, initial=initial, auto_id="whatif_%s", **kwargs)
        self.plan = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.plan = capacity_plan(
                clients_at_once=data["clients_at_once"], average_length_days=data["average_length_days"]
            )
        except DomainValidationError as err:
            _domain_error(self, err)
        return data
