"""Written messages between the hemgångsteam and hemtjänst, each acknowledged by its receiver, and the
final handover summary (Botkyrka's routine, 001: "Det är viktigt att mottagaren bekräftar att man har
mottagit informationen")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Consent, Intervention, Recipient, Team

# The hemtjänst directory is organisational data and lives in cases/ (issue 8); re-exported for handover code.
__all__ = [
    "CaseRecipient",
    "Delivery",
    "HandoverIntervention",
    "HandoverSummary",
    "Message",
    "MessageRead",
    "Recipient",
    "UnreadMessage",
]


class CaseRecipient(models.Model):
    """The hemtjänst receivers on a case: the day coordinator and the client's group, and the night side
    when the client has night interventions. Messages about the case go only to these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_recipients")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="case_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recipient__kind", "recipient__name"]
        constraints = [models.UniqueConstraint(fields=["case", "recipient"], name="case_recipient_once")]

    def __str__(self):
        return f"{self.case} → {self.recipient}"


class Message(models.Model):
    class Kind(models.TextChoices):
        START_NOTICE = "start_notice", _("Start notice")
        MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
        SUMMARY = "summary", _("Summary")
        FINAL_HANDOVER = "final_handover", _("Final handover summary")
        CLOSING_NOTICE = "closing_notice", _("Closing notice")
        FREE = "free", _("Message")

    class Direction(models.TextChoices):
        TO_HEMTJANST = "to_hemtjanst", _("Team → hemtjänst")
        TO_TEAM = "to_team", _("Hemtjänst → team")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=15, choices=Direction.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # For a message from hemtjänst: on whose behalf it was written.
    sender_recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="sent_messages"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The consent that allowed the sending (the consent gate), kept for the record.
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        indexes = [
            # The case's messages in time order (case page, timeline).
            models.Index(fields=["case", "-sent_at"], name="message_case_sent_idx"),
            # The inbox (selectors.inbox): sent messages newest first, read along the index until a page is
            # full instead of sorting every message ever sent.
            models.Index(fields=["-sent_at", "-id"], condition=Q(sent_at__isnull=False), name="message_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_body_not_empty"),
            models.CheckConstraint(condition=~Q(subject=""), name="message_subject_not_empty"),
            # A sent message records the consent it was sent under.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(consent__isnull=False), name="message_sent_under_consent"
            ),
            models.CheckConstraint(
                condition=~Q(direction="to_team") | Q(sender_recipient__isnull=False),
                name="message_to_team_has_sender",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class Delivery(models.Model):
    """One receiver of a message, and its receipt: who acknowledged it, on the receiver's behalf, when."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [
            # Inboxes: a receiver's unacknowledged deliveries.
            models.Index(fields=["recipient", "acknowledged_at"], name="delivery_recipient_idx"),
            models.Index(fields=["team", "acknowledged_at"], name="delivery_team_idx"),
            # The unacknowledged-message reminders: receipts still missing, not every delivery ever made.
            models.Index(
                fields=["message"], condition=Q(acknowledged_at__isnull=True), name="delivery_unacknowledged_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, team__isnull=True) | Q(recipient__isnull=True, team__isnull=False),
                name="delivery_one_receiver",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="delivery_receipt_complete",
            ),
            models.UniqueConstraint(fields=["message", "recipient"], name="delivery_once_per_recipient"),
            models.UniqueConstraint(fields=["message", "team"], name="delivery_once_per_team"),
        ]

    def __str__(self):
        return f"{self.message_id} → {self.recipient or self.team}"

    @property
    def receiver_name(self) -> str:
        return self.recipient.name if self.recipient_id else self.team.name


class MessageRead(models.Model):
    """Who has opened a message (the inbox's unread filter); separate from the receipt."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="message_read_once")]

    def __str__(self):
        return f"{self.message_id} read by {self.user_id}"


class UnreadMessage(models.Model):
    """A sent message its receiver has not opened yet: one row per person it was delivered to (the members
    of the receiving units, or the team's staff and unit managers), written when it is sent and deleted
    when they open it. The inbox's unread filter and its "unread" marks read the user's own rows, so their
    cost follows what the user has still to read, not every message ever delivered to their unit against
    every read (issue 11: ten years of a coordinator's inbox are 100,000 messages, nearly all read).

    Someone who joins a unit later has no rows for what was sent before: those count as read for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="unread_by")
    # The message's own sent_at (a sent message never changes it), so that the index below gives the newest
    # unread messages without reading the messages.
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Also the probe of the inbox's "unread" mark: one index entry per row shown.
            models.UniqueConstraint(fields=["user", "message"], name="unread_message_once"),
        ]
        indexes = [
            # The unread filter (selectors.inbox): the user's newest unread messages, up to INBOX_COUNT_LIMIT.
            models.Index(fields=["user", "-sent_at", "-message"], name="unread_user_sent_idx"),
        ]

    def __str__(self):
        return f"{self.message_id} unread by {self.user_id}"


class HandoverSummary(models.Model):
    """The final handover: how the support is carried out now, for hemtjänst to take over."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="handover_summary")
    working_methods = models.TextField(_("working methods developed with the client"))
    aids = models.TextField(_("aids (hjälpmedel)"), blank=True)
    goals_outcome = models.TextField(_("goals and their outcome"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    watch_for = models.TextField(_("what to watch for"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    # The PDF as it was sent: stored, so that what hemtjänst received can always be shown again.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_created_at = models.DateTimeField(null=True, blank=True)
    # The preview as last rendered, and the `updated_at` it was rendered from: a GET of the preview renders
    # only when the summary has been saved since (WeasyPrint takes seconds). A cache, so not in the history.
    preview_pdf = models.BinaryField(null=True, blank=True, editable=False)
    preview_rendered_for = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["pdf", "preview_pdf", "preview_rendered_for"])

    class Meta:
        verbose_name = _("handover summary")

    def __str__(self):
        return f"{self.case}"


class HandoverIntervention(models.Model):
    summary = models.ForeignKey(HandoverSummary, on_delete=models.CASCADE, related_name="interventions")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="+")
    how_done_now = models.TextField(_("how it is done now"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["summary", "intervention"], name="handover_intervention_once")]

    def __str__(self):
        return f"{self.summary_id}: {self.intervention_id}"
