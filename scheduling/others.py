"""What others carry out while the team supports the client: the evenings, nights, weekends and holidays a
day-time team does not work, and what hemtjänst has taken over (tapering from day 6).

Karlshamn and Olofström work daytime only, "ordinary hemtjänst covering evenings, nights and weekends
during the episode" (DOMAIN.md); nights belong to the night organisation (000, 001). The case page, the
visits page and the start notice to hemtjänst all read `carried_out_by_others`, so what the team shows and
what hemtjänst is told are the same.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Intervention

from . import calendar

NIGHT, HEMTJANST = "night", "hemtjanst"


@dataclass(frozen=True)
class CarriedByOthers:
    """One intervention, or part of it, that someone other than the team carries out."""

    intervention: Intervention
    who: str  # NIGHT (the night organisation) or HEMTJANST
    days: str  # which days, in words: "every day", "Saturdays and Sundays and 2026-12-24"
    from_day: dt.date
    why: str  # "night", "out_of_hours", "days_off" or "taken_over"

    @property
    def who_label(self) -> str:
        return _("the night organisation (night patrol)") if self.who == NIGHT else _("hemtjänst")

    @property
    def part_of_day_label(self) -> str:
        return self.intervention.get_part_of_day_display().lower()

    def as_line(self) -> str:
        """One line for the start notice: what, when, which days, from which date, by whom."""
        return _("%(what)s (%(part)s, %(times)s %(per)s): %(days)s from %(day)s – %(who)s") % {
            "what": self.intervention.intervention_type,
            "part": self.part_of_day_label,
            "times": self.intervention.times,
            "per": self.intervention.get_per_display(),
            "days": self.days,
            "day": self.from_day,
            "who": self.who_label,
        }


def _days_label(days_off: list[dt.date]) -> str:
    """The days the team does not work, in words: the weekend days by name, other days (holidays on
    weekdays) by date — "Saturdays and Sundays and 2026-12-24"."""
    weekend = sorted({d.weekday() for d in days_off if d.weekday() >= 5})
    dates = [d.isoformat() for d in days_off if d.weekday() < 5]
    names = {5: _("Saturdays"), 6: _("Sundays")}
    weekend_label = _(" and ").join(str(names[w]) for w in weekend)
    if weekend and dates:
        return _("%(weekend)s and %(dates)s") % {"weekend": weekend_label, "dates": ", ".join(dates)}
    return weekend_label or ", ".join(dates)


def carried_out_by_others(case: Case) -> list[CarriedByOthers]:
    """From the decision and the team's calendar: each intervention the team does not carry out on some
    day or part of day of the support, who does, on which days and from which date.

    - night interventions: the night organisation, every day;
    - a part of day outside the team's hours (an evening for a day team): hemtjänst, every day;
    - daily interventions on the days a weekday team does not work (weekends, public holidays, Midsommar-,
      jul- and nyårsafton): hemtjänst on those days (weekly ones are spread over the team's working days);
    - an intervention hemtjänst has taken over (`Intervention.hemtjanst_from`): hemtjänst, every day, from
      that date.
    """
    decision = getattr(case, "decision", None)
    if decision is None or case.team is None:
        return []
    team = case.team
    first = decision.start_date
    if case.homecoming_at:
        first = max(first, timezone.localdate(case.homecoming_at))
    period = [first + dt.timedelta(days=n) for n in range((decision.end_date - first).days + 1)]
    days_off = [d for d in period if not calendar.team_works_on(team, d)]
    every_day = _("every day")
    result = []
    for intervention in decision.interventions.all():
        taken_over = intervention.hemtjanst_from
        if intervention.part_of_day == Intervention.PartOfDay.NIGHT:
            result.append(CarriedByOthers(intervention, NIGHT, every_day, first, "night"))
        elif calendar.slot_within_team_hours(team, intervention.part_of_day) is None:
            result.append(CarriedByOthers(intervention, HEMTJANST, every_day, first, "out_of_hours"))
        else:
            until = taken_over or decision.end_date + dt.timedelta(days=1)
            off = [d for d in days_off if d < until] if intervention.per == Intervention.Per.DAY else []
            if off:
                result.append(CarriedByOthers(intervention, HEMTJANST, _days_label(off), off[0], "days_off"))
            if taken_over is not None:
                result.append(CarriedByOthers(intervention, HEMTJANST, every_day, taken_over, "taken_over"))
    return result
