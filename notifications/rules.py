"""The reminder rules that read only cases' records: consent, the decision's end, payment responsibility.

Registered in NotificationsConfig.ready(); the rules about meetings and visits are scheduling's, those
about messages and the handover are handover's. Each reads open cases only (the `case_open_idx` partial
index), so a sweep's cost does not grow with closed cases. Texts name the case's reference and the kind of
thing, never the client: they go out by e-mail.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.models import OPEN_STATES, RUNNING_STATES, Case, CaseState, Consent, Referral, Role
from cases.models.case import consent_status

from .models import Notification
from .reminders import Due, Leads, People, Rule, Setting, local_day

Kind = Notification.Kind


def _day(day: dt.date) -> str:
    return date_format(day, "j F")


def _officer(case) -> list:
    officer = case.case_officer
    return [officer] if officer is not None and officer.is_active else []


# --- consent (Botkyrka: valid 10 days; nothing to hemtjänst without it) ------------------------------


def _open_cases_with_consents():
    current = Consent.objects.filter(withdrawn_at__isnull=True).only(
        "case_id", "given_on", "valid_until", "withdrawn_at"
    )
    return (
        Case.objects.filter(state__in=OPEN_STATES)
        .select_related("case_officer")
        .prefetch_related(Prefetch("consents", queryset=current))
        .order_by("pk")
    )


def _consent_alert(case, today: dt.date, days: int):
    return consent_status(case.consents.all(), today, ending_days=days)


def consent_due(now: dt.datetime):
    """Consent that ends within the municipality's days (2 by default) — today, tomorrow, the day after —
    or has ended, while the case is open: the case officer and the team, once per consent period (the
    day it ends). A renewal gives a new period and, when it too runs out, a new reminder."""
    today, people = local_day(now), People()
    leads = Leads(Setting.CONSENT_DAYS)
    for case in _open_cases_with_consents():
        alert = _consent_alert(case, today, leads.for_case(case))
        if alert is None:
            continue
        with override(settings.LANGUAGE_CODE):
            if alert.is_ending:
                kind = Kind.CONSENT_ENDING
                subject = _("Hemgång: consent for %(reference)s ends %(day)s") % {
                    "reference": case.reference,
                    "day": _day(alert.until),
                }
                body = _(
                    "The consent to share information with hemtjänst for case %(reference)s is valid until "
                    "%(day)s. Renew it in time, or nothing more may be sent to hemtjänst."
                ) % {"reference": case.reference, "day": _day(alert.until)}
            else:
                kind = Kind.CONSENT_EXPIRED
                subject = _("Hemgång: consent for %(reference)s has expired") % {"reference": case.reference}
                body = _(
                    "The consent to share information with hemtjänst for case %(reference)s ran out on "
                    "%(day)s. Nothing may be sent to hemtjänst until new consent is recorded."
                ) % {"reference": case.reference, "day": _day(alert.until)}
        yield (
            kind,
            Due(
                object_id=case.pk,
                due_on=alert.until,
                case=case,
                recipients=[*_officer(case), *people.team_staff(case.team_id)],
                subject=subject,
                body=body,
                url_name="case_detail",
                url_args=(case.pk,),
            ),
        )


def consent_ending_find(now):
    return (due for kind, due in consent_due(now) if kind == Kind.CONSENT_ENDING)


def consent_expired_find(now):
    return (due for kind, due in consent_due(now) if kind == Kind.CONSENT_EXPIRED)


def _consent_still(kind: str):
    def still_due(case_id: int, due_on: dt.date, now: dt.datetime) -> bool:
        case = _open_cases_with_consents().filter(pk=case_id).first()
        if case is None:
            return False
        alert = _consent_alert(case, local_day(now), Leads(Setting.CONSENT_DAYS).for_case(case))
        wanted = "ending" if kind == Kind.CONSENT_ENDING else "expired"
        return alert is not None and alert.kind == wanted and alert.until == due_on

    return still_due


# --- the decision's end -----------------------------------------------------------------------------


def _running_after_end(today: dt.date):
    return (
        Case.objects.filter(state__in=RUNNING_STATES, decision__end_date__lt=today)
        .select_related("decision")
        .order_by("pk")
    )


def case_open_after_end_find(now: dt.datetime):
    """The support still runs after the decision's last day (active or handed over, not closed): the unit
    manager, once per end date (an ändringsbeslut that moves the end gives a new one)."""
    today, people = local_day(now), People()
    for case in _running_after_end(today):
        end = case.decision.end_date
        with override(settings.LANGUAGE_CODE):
            subject = _("Hemgång: %(reference)s is still open after the decision's end") % {"reference": case.reference}
            body = _(
                "The decision for case %(reference)s ended on %(day)s, but the case is not closed. Decide on "
                "continued support or close the case."
            ) % {"reference": case.reference, "day": _day(end)}
        yield Due(
            object_id=case.pk,
            due_on=end,
            case=case,
            recipients=people.unit_managers(team_id=case.team_id, municipality_id=case.municipality_id),
            subject=subject,
            body=body,
            url_name="case_detail",
            url_args=(case.pk,),
        )


def case_open_after_end_still(case_id: int, due_on: dt.date, now: dt.datetime) -> bool:
    return _running_after_end(local_day(now)).filter(pk=case_id, decision__end_date=due_on).exists()


# --- payment responsibility (lag 2017:612) -----------------------------------------------------------

# Not home yet: the referral is waiting for a decision or a start. A started case has come home.
NOT_HOME_STATES = (CaseState.REFERRED, CaseState.DECIDED)


def payment_starts_on(case) -> dt.date:
    """The first day the municipality pays the region: the day of utskrivningsklar plus the municipality's
    free days (3 by default: ready on 1 March, paid from 4 March)."""
    ready = local_day(case.referral.ready_for_discharge_at)
    return ready + dt.timedelta(days=case.municipality.payment_free_days)


def _waiting_in_hospital():
    """Referrals from a hospital ward (lag 2017:612 is about slutenvård: a short-term care home is the
    municipality's own), ready for discharge and not home yet."""
    return (
        Case.objects.filter(
            state__in=NOT_HOME_STATES,
            homecoming_at__isnull=True,
            referral__source=Referral.Source.HOSPITAL,
            referral__ready_for_discharge_at__isnull=False,
        )
        .select_related("referral", "municipality", "case_officer")
        .order_by("pk")
    )


def _payment_due(now: dt.datetime, *, started: bool):
    today, people = local_day(now), People()
    for case in _waiting_in_hospital():
        first = payment_starts_on(case)
        if started != (today >= first) or (not started and today != first - dt.timedelta(days=1)):
            continue
        cost = case.municipality.payment_daily_cost
        with override(settings.LANGUAGE_CODE):
            if started:
                subject = _("Hemgång: payment responsibility for %(reference)s has started") % {
                    "reference": case.reference
                }
                body = _(
                    "The client of case %(reference)s is ready for discharge and not home yet. Since %(day)s "
                    "the municipality pays the region %(cost)s kr a day (lag 2017:612)."
                )
            else:
                subject = _("Hemgång: payment responsibility for %(reference)s starts tomorrow") % {
                    "reference": case.reference
                }
                body = _(
                    "The client of case %(reference)s is ready for discharge and not home yet. From %(day)s "
                    "the municipality pays the region %(cost)s kr a day (lag 2017:612)."
                )
            body = body % {"reference": case.reference, "day": _day(first), "cost": f"{cost:,}".replace(",", " ")}
        yield Due(
            object_id=case.pk,
            due_on=first,
            case=case,
            # The team's unit managers once a team is given (a referral without one is the case officer's
            # alone: no unit manager may open it yet).
            recipients=[
                *_officer(case),
                *(
                    people.unit_managers(team_id=case.team_id, municipality_id=case.municipality_id)
                    if case.team_id
                    else ()
                ),
            ],
            subject=subject,
            body=body,
            url_name="case_detail",
            url_args=(case.pk,),
        )


def payment_tomorrow_find(now):
    return _payment_due(now, started=False)


def payment_started_find(now):
    return _payment_due(now, started=True)


def _payment_still(*, started: bool):
    def still_due(case_id: int, due_on: dt.date, now: dt.datetime) -> bool:
        case = _waiting_in_hospital().filter(pk=case_id).first()
        return case is not None and payment_starts_on(case) == due_on and (local_day(now) >= due_on) == started

    return still_due


RULES = [
    Rule(
        Kind.CONSENT_ENDING,
        consent_ending_find,
        _consent_still(Kind.CONSENT_ENDING),
        setting=Setting.CONSENT_DAYS,
        roles=(Role.CASE_OFFICER, Role.TEAM_STAFF),
    ),
    Rule(
        Kind.CONSENT_EXPIRED,
        consent_expired_find,
        _consent_still(Kind.CONSENT_EXPIRED),
        roles=(Role.CASE_OFFICER, Role.TEAM_STAFF),
    ),
    Rule(
        Kind.CASE_OPEN_AFTER_END,
        case_open_after_end_find,
        case_open_after_end_still,
        roles=(Role.UNIT_MANAGER,),
    ),
    Rule(
        Kind.PAYMENT_TOMORROW,
        payment_tomorrow_find,
        _payment_still(started=False),
        roles=(Role.CASE_OFFICER, Role.UNIT_MANAGER),
    ),
    Rule(
        Kind.PAYMENT_STARTED,
        payment_started_find,
        _payment_still(started=True),
        roles=(Role.CASE_OFFICER, Role.UNIT_MANAGER),
    ),
]
