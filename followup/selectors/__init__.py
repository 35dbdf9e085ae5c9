"""The follow-up's read side: the figures of a period, the monthly trend, the caseload now, the planner."""

from .capacity import CapacityPlan, actual_intake_last_12_months, capacity_plan
from .caseload import Caseload, StaffLoad, TeamLoad, caseload_now, team_loads
from .period import Bucket, Change, EndedReferral, PeriodFigures, period_figures
from .trend import Month, monthly_trend

__all__ = [
    "Bucket",
    "CapacityPlan",
    "Caseload",
    "Change",
    "EndedReferral",
    "Month",
    "PeriodFigures",
    "StaffLoad",
    "TeamLoad",
    "actual_intake_last_12_months",
    "capacity_plan",
    "caseload_now",
    "monthly_trend",
    "period_figures",
    "team_loads",
]
