"""What a database constraint means, in words: the one mapping from constraint name to message.

The database says no too (STYLE.md habit 3); when it does, the user reads why, never a constraint name.
`ConstraintViolationMiddleware` turns every IntegrityError of a request into a `ConstraintViolation`
(a DomainValidationError, and still an IntegrityError for code that catches those), so form views show
it on the form as any refused change, and the API answers it as a 400 problem. A test lists every
CheckConstraint and UniqueConstraint of the models and fails when one has no message here.
"""

from django.apps import apps
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from .errors import DomainValidationError

# name -> (field the message belongs to, or None for the whole form; message)
MESSAGES = {
    # cases: organisation and catalogues
    "municipality_consent_days_range": ("consent_validity_days", _("Consent validity must be 1–365 days.")),
    "municipality_payment_days_range": ("payment_free_days", _("Choose at most 30 days.")),
    "municipality_code_digits": ("code", _("The municipality code is four digits, e.g. 0127.")),
    "team_unique_name": ("name", _("The municipality already has a team with this name.")),
    "team_hours_order": ("day_ends_at", _("The team's day must end after it starts.")),
    "team_capacity_positive": ("capacity", _("The capacity must be at least one client.")),
    "team_follow_up_day_range": ("follow_up_day", _("The follow-up meeting falls on day 2–28 of the support.")),
    "team_meeting_window_order": ("meeting_window_ends_at", _("Meetings must end after they start.")),
    "team_support_days_range": (
        "usual_support_days",
        _("The longest support is 1–90 days, and the usual length at most the longest."),
    ),
    "user_team_staff_has_profession_and_team": ("profession", _("Team staff need a profession and a team.")),
    "user_profession_only_for_staff": ("profession", _("Only team staff have a profession.")),
    "user_role_needs_municipality": ("municipality", _("A user with a role belongs to a municipality.")),
    "apitoken_scopes_known": ("scopes", _("Choose at least one scope, of the known ones.")),
    "apitoken_revoked_by_whom": ("revoked_by", _("A revoked token names who revoked it.")),
    "apitoken_approved_when": ("approved_at", _("An approved token says when it was approved.")),
    "interventiontype_unique": ("name", _("The catalogue already has an intervention with this name.")),
    "legalbasis_unique": ("name", _("The catalogue already has a legal basis with this name.")),
    "legalbasis_id_kind": (None, _("The legal basis does not match whether the needs were assessed.")),
    # cases: the client and the case
    "client_unique_number": (
        "personal_number",
        _("A client with this personal identity number is already registered."),
    ),
    "client_number_12_digits": ("personal_number", _("The personal identity number must be 12 digits.")),
    "case_one_open_per_client": (None, _("The client already has an open case.")),
    "case_state_known": (None, _("The case cannot have that state.")),
    "case_ended_at_matches_state": (None, _("Only an ended case has an end time.")),
    "case_team_after_decision": ("team", _("A decided case needs a team.")),
    "referral_homecoming_after_admission": (
        "planned_homecoming_on",
        _("The planned homecoming cannot be before the admission."),
    ),
    "referral_exclusion_needs_comment": ("exclusion_comment", _("Describe the exclusion you ticked.")),
    "consent_valid_range": ("given_on", _("The consent cannot end before it is given.")),
    "consent_withdrawal_complete": (None, _("A withdrawal needs both its time and who recorded it.")),
    "consent_representative_named": ("given_by_name", _("Name the representative who gave the consent.")),
    "decision_end_after_start": ("end_date", _("The decision cannot end before it starts.")),
    "decision_at_most_90_days": ("end_date", _("A time-limited decision runs at most 90 days.")),
    "intervention_times_range": ("times", _("An intervention is given 1–24 times.")),
    "intervention_minutes_range": ("minutes", _("An intervention takes 5–480 minutes.")),
    "caseevent_state_change_has_target": (None, _("A state change in the case's log needs the state it went to.")),
    # measures: outcome measures
    "safety_one_per_case_phase": (None, _("Experienced safety is already recorded for this phase.")),
    "safety_phase_known": ("phase", _("Choose start or end.")),
    "safety_score_range": ("score", _("Experienced safety is rated 0–10.")),
    "katz_one_per_case_phase": (None, _("Katz ADL is already recorded for this phase.")),
    "katz_phase_known": ("phase", _("Choose start or end.")),
    "copm_priority_unique_per_case": ("priority", _("The case already has a COPM goal with this priority.")),
    "copm_priority_range": ("priority", _("A COPM goal has priority 1–5.")),
    "copm_start_range": (None, _("Performance and satisfaction are rated 1–10.")),
    "copm_end_range_and_complete": (None, _("Rate both performance and satisfaction at the end, 1–10.")),
    "ibic_one_per_case_area_phase": (None, _("This life area is already rated for this phase.")),
    "ibic_phase_known": ("phase", _("Choose start or follow-up.")),
    "ibic_area_known": ("area", _("Choose a life area from the list.")),
    "ibic_level_range": ("level", _("Choose a level from the ICF scale.")),
    # scheduling
    "visit_minutes_range": ("planned_minutes", _("A visit takes 5–480 minutes.")),
    "visit_safety_range": ("experienced_safety", _("Experienced safety is rated 0–10.")),
    "visit_end_after_start": ("actual_end", _("The visit must end after it starts.")),
    "visit_done_has_times": ("actual_start", _("A performed visit needs its start and end times.")),
    "visit_not_done_reason": ("not_done_reason", _("Say why the visit was not performed.")),
    "visit_cancel_reason": ("cancel_reason", _("Say why the visit is cancelled.")),
    "visit_intervention_once": (None, _("Each intervention is logged once per visit.")),
    "journal_text_not_empty": ("text", _("Write the journal entry.")),
    "journal_kind_known": ("kind", _("Choose social documentation or the health care record.")),
    "journal_draft_one_per_purpose": (None, _("A draft of this entry is already being saved.")),
    "meeting_held_has_outcome": ("further_support", _("Record the meeting's outcome.")),
    # handover
    "recipient_unique": ("name", _("The directory already has a receiver of this kind with this name.")),
    "case_recipient_once": (None, _("The receiver is already on the case.")),
    "message_body_not_empty": ("body", _("Write the message.")),
    "message_subject_not_empty": ("subject", _("Write a subject.")),
    "message_sent_under_consent": (None, _("Nothing is sent to hemtjänst without valid consent.")),
    "message_to_team_has_sender": (None, _("A message to the team names the hemtjänst unit that sends it.")),
    "delivery_one_receiver": (None, _("A delivery goes to one receiver.")),
    "unread_message_once": (None, _("The message is already marked unread for this person.")),
    "delivery_receipt_complete": (None, _("A receipt needs both its time and who acknowledged.")),
    "delivery_once_per_recipient": ("recipients", _("Each receiver gets the message once.")),
    "delivery_once_per_team": (None, _("The team gets the message once.")),
    "message_read_once": (None, _("The message is already marked as read.")),
    "handover_intervention_once": (None, _("Each intervention is listed once in the handover.")),
    # notifications
    "notification_key_unique": (None, _("This notification is already stored.")),
    "notification_status_known": ("status", _("The notification cannot have that status.")),
    "notification_sent_has_time": (None, _("A sent notification needs the time it was sent.")),
    "reminder_once": (None, _("This reminder is already stored.")),
    "reminder_object_and_day": (None, _("A reminder needs both what it is about and the day it is due.")),
    "email_preference_once": ("kind", _("The choice for this kind is already stored.")),
    "reminder_setting_once": ("name", _("This setting is already made for the municipality or team.")),
    "reminder_setting_value_range": ("value", _("Choose a value of at most 240.")),
    # retention
    "retention_record_once": (None, _("This record has already been cleared.")),
    "retention_record_count_positive": (None, _("A retention record stands for at least one row.")),
}

# A unique column PostgreSQL named `<table>_<column>_key` (a one-to-one link): said in words where a
# user can meet it; others get the field's generic message from `unique_field_messages`.
MESSAGES |= {
    "cases_decision_case_id_key": (None, _("The case already has a decision.")),
    "cases_referral_case_id_key": (None, _("The case already has a referral.")),
    "scheduling_followupmeeting_case_id_key": (None, _("The follow-up meeting is already booked.")),
    "scheduling_journalentry_corrects_id_key": (None, _("The entry is already corrected.")),
    "handover_handoversummary_case_id_key": (None, _("The case already has a handover summary.")),
}

# By the SQL state, for a constraint without a message of its own (a unique column, a foreign key).
FALLBACK = {
    "23505": _("This is already registered."),
    "23503": _("What this refers to no longer exists. Reload the page and try again."),
    "23514": _("The values break a rule. Check what you entered."),
    "23502": _("A required value is missing."),
}
GENERIC = _("The change could not be saved. Check what you entered and try again.")


class ConstraintViolation(DomainValidationError, IntegrityError):
    """The database refused a write: a domain error with the constraint's message."""


def unique_field_messages() -> dict[str, tuple[str, object]]:
    """A `unique=True` column's constraint (PostgreSQL names it `<table>_<column>_key`), by its field."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                name = f"{model._meta.db_table}_{field.column}_key"
                found[name] = (field.name, _("%(field)s is already in use.") % {"field": field.verbose_name})
    return found


def violation_from(exc: IntegrityError) -> ConstraintViolation:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    field, message = MESSAGES.get(name) or unique_field_messages().get(name) or (None, None)
    if message is None:
        message = FALLBACK.get(getattr(cause, "sqlstate", None) or "", GENERIC)
    return ConstraintViolation(message, code="constraint", field=field)


def translate_constraint_violations(execute, sql, params, many, context):
    """A `connection.execute_wrapper`: an IntegrityError leaves the query as a ConstraintViolation."""
    try:
        return execute(sql, params, many, context)
    except ConstraintViolation:
        raise
    except IntegrityError as exc:
        raise violation_from(exc) from exc
