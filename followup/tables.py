"""The period page's tables, built once from the selectors' figures: the page shows them and the export
writes them (`hemgang.exports`), so a download has exactly the page's rows and numbers.

A figure keeps its number as a number (an export sums it) with its unit beside it; the page shows it
formatted for the reader's language (15,5 dagar; 15 600 kr)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import CaseEvent, Referral
from hemgang.exports import Table

from .selectors import Month, PeriodFigures
from .selectors.period import LENGTH_TARGET, READMISSION_DAYS

COUNT, DAYS, PERCENT, MONEY = _("pcs"), _("days"), "%", _("SEK")


@dataclass(frozen=True)
class Figure:
    label: str
    value: float | int | None
    unit: str
    decimals: int = 0

    @property
    def rounded(self):
        if self.value is None:
            return None
        return round(float(self.value), self.decimals) if self.decimals else round(self.value)

    @property
    def display(self) -> str | None:
        if self.value is None:
            return None
        return formats.number_format(self.rounded, self.decimals, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Section:
    title: str
    explanation: str
    figures: tuple[Figure, ...]


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def sections(figures: PeriodFigures, municipality) -> list[Section]:
    """Every figure of the period, by the question it answers, with a line on how it is counted."""
    low, high = LENGTH_TARGET
    safety, adl = figures.safety, figures.adl
    return [
        Section(
            _("Clients"),
            _(
                "A support starts on the day the client comes home, and ends when it is closed, or when the "
                "client declines or goes back to hospital while it runs."
            ),
            (
                Figure(_("Supports started"), figures.started, COUNT),
                Figure(_("Supports ended"), figures.ended, COUNT),
            ),
        ),
        Section(
            _("Length of support"),
            _(
                "From the day of homecoming to the last day, both counted, of the supports that ended in the "
                "period. SKL's guide gives 12–18 days on average."
            ),
            (
                Figure(_("Median length"), figures.length_median_days, DAYS, 1),
                Figure(_("Mean length"), figures.length_mean_days, DAYS, 1),
                Figure(
                    _("Ended within %(low)s–%(high)s days") % {"low": low, "high": high},
                    figures.length_within_target,
                    COUNT,
                ),
                Figure(
                    _("Share within %(low)s–%(high)s days") % {"low": low, "high": high},
                    _percent(figures.length_within_target_share),
                    PERCENT,
                ),
            ),
        ),
        Section(
            _("Lead time"),
            _(
                "Lead time: from ready for discharge (utskrivningsklar) to homecoming, for the clients who came "
                "home in the period. The 90th percentile: 9 out of 10 came home within that many days."
            ),
            (
                Figure(_("Median lead time"), figures.lead_time_median_days, DAYS, 1),
                Figure(_("Lead time, 90th percentile"), figures.lead_time_p90_days, DAYS, 1),
            ),
        ),
        Section(
            _("Payment responsibility (LUS)"),
            _(
                "Days after the municipality's %(free)s free days from ready for discharge to homecoming, for "
                "clients from hospital who came home in the period, at %(cost)s kr a day (the municipality's "
                "settings)."
            )
            % {
                "free": municipality.payment_free_days,
                "cost": formats.number_format(municipality.payment_daily_cost, 0, use_l10n=True, force_grouping=True),
            },
            (
                Figure(_("Days with payment responsibility"), figures.payment_days, DAYS),
                Figure(_("Cost of payment responsibility"), figures.payment_cost, MONEY),
            ),
        ),
        Section(
            _("Follow-up meeting"),
            _(
                "On time: held on or before the planned day (the team's follow-up day, day 6 unless set "
                "otherwise, moved to a day both the team and the case officers work)."
            ),
            (
                Figure(_("Meetings held"), figures.meetings_held, COUNT),
                Figure(_("Held on time"), figures.meetings_on_time, COUNT),
                Figure(_("Share held on time"), _percent(figures.meetings_on_time_share), PERCENT),
            ),
        ),
        Section(
            _("Experienced safety"),
            _("Rated 0–10 at the start and at the end, for the supports that ended in the period."),
            (
                Figure(_("Rated at start and end"), safety.pairs, COUNT),
                Figure(_("Felt safer at the end"), safety.improved, COUNT),
                Figure(_("Share who felt safer"), _percent(safety.improved_share), PERCENT),
                Figure(_("Mean change"), safety.mean_change, _("points"), 1),
            ),
        ),
        Section(
            _("ADL (Katz index)"),
            _(
                "How many of the six activities (bathing, dressing, toileting, transfer, continence, feeding) "
                "the client does independently, at the start and at the end."
            ),
            (
                Figure(_("Assessed at start and end"), adl.pairs, COUNT),
                Figure(_("More activities independently"), adl.improved, COUNT),
                Figure(_("Share more independent"), _percent(adl.improved_share), PERCENT),
                Figure(_("Mean change"), adl.mean_change, _("activities"), 1),
            ),
        ),
        Section(
            _("COPM"),
            _(
                "The client's own goals, rated 1–10 at the start and at the end. A gain of 2 points or more is "
                "clinically significant."
            ),
            (
                Figure(_("Goals rated at start and end"), figures.copm_pairs, COUNT),
                Figure(_("Performance +2 points or more"), figures.copm_performance_improved, COUNT),
                Figure(_("Satisfaction +2 points or more"), figures.copm_satisfaction_improved, COUNT),
            ),
        ),
        Section(
            _("Readmissions"),
            _(
                "Supports that ended with the client back in hospital, or whose client was referred again "
                "within %(days)s days of the end."
            )
            % {"days": READMISSION_DAYS},
            (
                Figure(_("Readmitted within %(days)s days") % {"days": READMISSION_DAYS}, figures.readmissions, COUNT),
                Figure(_("Share of the supports ended"), _percent(figures.readmission_share), PERCENT),
            ),
        ),
    ]


def figures_table(parts: list[Section]) -> Table:
    rows = tuple((s.title, f.label, f.rounded, f.unit) for s in parts for f in s.figures)
    return Table(_("Figures"), (_("Area"), _("Figure"), _("Value"), _("Unit")), rows)


def target_label(bucket) -> str:
    if (bucket.low, bucket.high) == LENGTH_TARGET:
        return _("%(label)s (target)") % {"label": bucket.label}
    return bucket.label


def length_table(figures: PeriodFigures) -> Table:
    measured = sum(bucket.count for bucket in figures.length_buckets)
    rows = tuple(
        (target_label(b), b.count, None if not measured else round(100 * b.count / measured, 1))
        for b in figures.length_buckets
    )
    return Table(_("Length of support"), (_("Length (days)"), _("Supports ended"), _("Share (%)")), rows)


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "F Y")


def short_month_label(month: dt.date) -> str:
    return formats.date_format(month, "M")


def trend_table(trend: list[Month]) -> Table:
    rows = tuple(
        (
            month.month.strftime("%Y-%m"),
            month.started,
            month.ended,
            None if month.length_median_days is None else round(month.length_median_days, 1),
        )
        for month in trend
    )
    headers = (_("Month"), _("Supports started"), _("Supports ended"), _("Median length (days)"))
    return Table(_("Month by month"), headers, rows)


KIND_LABELS = {
    CaseEvent.Kind.DECLINED: pgettext_lazy("referral", "Declined"),
    CaseEvent.Kind.WITHDRAWN: pgettext_lazy("referral", "Withdrawn by the client"),
}


def referrals_table(figures: PeriodFigures) -> Table:
    triage = dict(Referral.Triage.choices)
    rows = tuple(
        (
            KIND_LABELS.get(r.kind, r.kind),
            triage.get(r.triage, r.triage or ""),
            r.reason or _("(no reason written)"),
            r.count,
        )
        for r in figures.referrals_ended
    )
    headers = (_("Outcome"), _("Triage"), _("Reason"), _("Referrals"))
    return Table(_("Declined and withdrawn referrals"), headers, rows)
