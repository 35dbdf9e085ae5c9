"""The caseload page's filter (django-filter, a GET form): the team (only the manager's own), a staff
member of those teams, a state, and "only cases with problems".

The team and the state narrow the queryset of cases; the staff member and the problems are read from the
visits and receipts the selector has already loaded (`followup.selectors.caseload_now`), so they are
filters whose method leaves the queryset as it is. An unknown value is a message on the form, never an
error page: the page goes on with the filters that are valid."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATES, Case, Role, User

NOT_YOUR_TEAM = _("Choose one of your teams.")


class CaseloadFilter(django_filters.FilterSet):
    team = django_filters.ChoiceFilter(
        label=_("Team"),
        empty_label=_("All my teams"),
        error_messages={"invalid_choice": NOT_YOUR_TEAM},
    )
    staff = django_filters.ChoiceFilter(
        label=_("Staff member"),
        empty_label=_("Everyone"),
        method="read_by_selector",
        error_messages={"invalid_choice": _("Choose a staff member of your teams.")},
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        empty_label=_("All open"),
        choices=[(state.value, state.label) for state in OPEN_STATES],
        error_messages={"invalid_choice": _("Choose one of the states in the list.")},
    )
    problems = django_filters.BooleanFilter(
        label=_("Only cases with problems"),
        method="read_by_selector",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Case
        fields = ["team", "staff", "state", "problems"]

    def __init__(self, data=None, *, teams, **kwargs):
        """`teams`: the user's teams (`followup.access.teams_for`); the staff to choose from are theirs."""
        super().__init__(data, queryset=Case.objects.all(), **kwargs)
        self.teams = list(teams)
        self.staff_members = list(
            User.objects.filter(team__in=self.teams, role=Role.TEAM_STAFF, is_active=True).order_by(
                "last_name", "first_name", "pk"
            )
        )
        self.filters["team"].extra["choices"] = [(str(team.pk), team.name) for team in self.teams]
        self.filters["staff"].extra["choices"] = [(str(user.pk), user.display_name) for user in self.staff_members]

    def read_by_selector(self, queryset, name, value):
        return queryset

    def _valid(self, name):
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data.get(name) if hasattr(self.form, "cleaned_data") else None

    @property
    def team_id(self) -> int | None:
        value = self._valid("team")
        return int(value) if value else None

    @property
    def chosen_staff(self) -> User | None:
        value = self._valid("staff")
        return next((user for user in self.staff_members if str(user.pk) == value), None) if value else None

    @property
    def problems_only(self) -> bool:
        return bool(self._valid("problems"))

    @property
    def state_chosen(self) -> str:
        return self._valid("state") or ""

    def query(self) -> dict[str, str]:
        """The valid filters as URL parameters, for the export links."""
        values = {
            "team": str(self.team_id or ""),
            "staff": str(self.chosen_staff.pk) if self.chosen_staff else "",
            "state": self.state_chosen,
            "problems": "true" if self.problems_only else "",
        }
        return {key: value for key, value in values.items() if value}
