"""What the system tells a person: one stored row per notification and recipient, sent at most once.

Every e-mail the system sends starts as a `Notification` with a unique `key`, written in the transaction of
the change it is about (`services.notify`). The sending task claims the row with a conditional UPDATE before
anything leaves (healthchecks' flips, STYLE.md habit 7), so a retried or duplicated task sends nothing
twice, and a failed sending stays visible as a row with its error. The same rows are the in-app
notification centre (`read_at`) and what reminders will store.

No simple-history on this model: the row is its own record (status, attempts, last_error, sent_at,
read_at), it holds no client data, and its claims are conditional `UPDATE`s, which simple-history does
not see, so a history table would be incomplete by design.

A reminder (notifications.reminders) is a notification with the object it is about and its due day: the
database stores each (kind, object, due day, recipient) once, so a sweep run twice, two beat processes or a
retried task store and send one. The settings a person or a municipality chooses (`EmailPreference`,
`ReminderSetting`) are records and keep their history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_MESSAGE = "new_message", _("New message")
        OVER_CAPACITY = "over_capacity", _("Team over capacity")
        # Reminders (notifications.reminders; each rule is registered by the app that knows its records).
        CONSENT_ENDING = "consent_ending", _("Consent ends soon")
        CONSENT_EXPIRED = "consent_expired", _("Consent has expired")
        MEETING_TOMORROW = "meeting_tomorrow", _("Follow-up meeting tomorrow")
        MEETING_UNCONFIRMED = "meeting_unconfirmed", _("Follow-up meeting not confirmed by hemtjänst")
        MEETING_OUTCOME_MISSING = "meeting_outcome_missing", _("Outcome of the follow-up meeting not recorded")
        DECISION_ENDING = "decision_ending", _("Decision ends soon, no handover drafted")
        CASE_OPEN_AFTER_END = "case_open_after_end", _("Case still open after the decision's end")
        MESSAGE_UNACKNOWLEDGED = "message_unacknowledged", _("Message not acknowledged")
        MESSAGE_ESCALATED = "message_escalated", _("Message still not acknowledged (escalated)")
        VISIT_UNDOCUMENTED = "visit_undocumented", _("Visit not documented")
        VISIT_UNDOCUMENTED_TEAM = "visit_undocumented_team", _("Visit still not documented (to the team)")
        PAYMENT_TOMORROW = "payment_tomorrow", _("Payment responsibility (LUS) starts tomorrow")
        PAYMENT_STARTED = "payment_started", _("Payment responsibility (LUS) has started")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent by e-mail")
        FAILED = "failed", _("E-mail failed")
        # Nothing to send to (no address, the account is no longer active, or the person chose no e-mail
        # for this kind): shown in the app only.
        NO_EMAIL = "no_email", _("In the app only")
        # A reminder whose cause was gone before it was sent (consent renewed, meeting confirmed, case
        # closed): neither sent nor shown.
        CANCELLED = "cancelled", _("Not sent: no longer current")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    municipality = models.ForeignKey(
        "cases.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What it is about and for whom, e.g. "message:12:user:7": the database stores each notification once.
    key = models.CharField(_("key"), max_length=200)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("case"),
    )
    # Where it leads, as a URL name and its arguments (a path is made when shown, an absolute link in e-mail).
    url_name = models.CharField(_("page"), max_length=100)
    url_args = models.JSONField(_("page arguments"), default=list, blank=True)
    # A reminder's object (a consent, meeting, decision, delivery, visit or case, as its kind says) and the
    # day it is due for: with kind and recipient, what the database stores once.
    object_id = models.BigIntegerField(_("about (id)"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # The case's reference and the kind of thing only, never client data: the text goes out by e-mail.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("notification text"))
    status = models.CharField(_("sending status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the sending that holds it claimed it: a claim older than services.CLAIM_LEASE died with its worker.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # After a failed sending: not tried again before this (the retry's backoff holds for every sweep too).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The menu's count and the centre's unread list: a user's unread notifications that are shown.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True) & ~Q(status="cancelled"),
                name="notification_unread_idx",
            ),
            # The notification centre: a user's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The unit manager's reminders of a team's cases, and the administrator's failures, newest first.
            models.Index(fields=["municipality", "status", "-created_at"], name="notification_status_idx"),
            # services.due_for_sending: what is waiting, or claimed by a sending that may have died.
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_to_send_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notification_key_unique"),
            # A reminder: once per kind, object, due day and recipient.
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on", "recipient"],
                condition=Q(due_on__isnull=False),
                name="reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(object_id__isnull=True, due_on__isnull=True)
                | Q(object_id__isnull=False, due_on__isnull=False),
                name="reminder_object_and_day",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "no_email", "cancelled"]),
                name="notification_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_sent_has_time"
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def path(self) -> str:
        """The page it leads to, on this site."""
        return reverse(self.url_name, args=self.url_args)


class EmailPreference(models.Model):
    """Whether a person wants a kind of notification by e-mail as well. No row means yes: a reminder is
    worth little if it waits in a page nobody opens. The notification centre shows every kind anyway."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(_("kind"), max_length=30, choices=Notification.Kind.choices)
    send_email = models.BooleanField(_("by e-mail"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("e-mail choice")
        verbose_name_plural = _("e-mail choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.send_email}"


class ReminderSetting(models.Model):
    """A municipality's (or one team's) lead time for a reminder rule, e.g. "remind 3 days before the
    decision ends". A team's row wins over its municipality's; without a row the rule's default holds
    (notifications.reminders.lead)."""

    class Name(models.TextChoices):
        CONSENT_DAYS = "consent_days", _("Consent: days before it ends")
        MEETING_CONFIRM_WORKING_DAYS = (
            "meeting_confirm_working_days",
            _("Follow-up meeting: working days before it to be confirmed by hemtjänst"),
        )
        DECISION_END_DAYS = "decision_end_days", _("Decision: days before its end without a handover drafted")
        MESSAGE_ACK_WORKING_HOURS = (
            "message_ack_working_hours",
            _("Message: working hours before an unacknowledged message is reminded"),
        )
        MESSAGE_ESCALATION_WORKING_HOURS = (
            "message_escalation_working_hours",
            _("Message: further working hours before it is escalated"),
        )

    municipality = models.ForeignKey(
        "cases.Municipality", on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("municipality")
    )
    team = models.ForeignKey(
        "cases.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_settings",
        verbose_name=_("team"),
        help_text=_("Empty: the whole municipality."),
    )
    name = models.CharField(_("setting"), max_length=40, choices=Name.choices)
    value = models.PositiveSmallIntegerField(_("value"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        ordering = ["municipality", "team", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "team", "name"], name="reminder_setting_once", nulls_distinct=False
            ),
            models.CheckConstraint(condition=Q(value__lte=240), name="reminder_setting_value_range"),
        ]

    def __str__(self):
        return f"{self.get_name_display()}: {self.value}"
