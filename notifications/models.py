"""What the system tells a person: one stored row per notification and recipient, sent at most once.

Every e-mail the system sends starts as a `Notification` with a unique `key`, written in the transaction of
the change it is about (`services.notify`). The sending task claims the row with a conditional UPDATE before
anything leaves (healthchecks' flips, STYLE.md habit 7), so a retried or duplicated task sends nothing
twice, and a failed sending stays visible as a row with its error. The same rows are the in-app
notification centre (`read_at`) and what reminders will store.

No simple-history on this model: the row is its own record (status, attempts, last_error, sent_at,
read_at), it holds no client data, and its claims are conditional `UPDATE`s, which simple-history does
not see, so a history table would be incomplete by design.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_MESSAGE = "new_message", _("New message")
        OVER_CAPACITY = "over_capacity", _("Team over capacity")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent by e-mail")
        FAILED = "failed", _("E-mail failed")
        # Nothing to send to (no address, or the account is no longer active): shown in the app only.
        NO_EMAIL = "no_email", _("In the app only")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    municipality = models.ForeignKey("cases.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What it is about and for whom, e.g. "message:12:user:7": the database stores each notification once.
    key = models.CharField(max_length=200)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    # Where it leads, as a URL name and its arguments (a path is made when shown, an absolute link in e-mail).
    url_name = models.CharField(max_length=100)
    url_args = models.JSONField(default=list, blank=True)
    # The case's reference and the kind of thing only, never client data: the text goes out by e-mail.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the sending that holds it claimed it: a claim older than services.CLAIM_LEASE died with its worker.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The notification centre and the menu's count: a user's unread notifications, newest first.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            # services.due_for_sending: what is waiting, or claimed by a sending that may have died.
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="notification_to_send_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notification_key_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "no_email"]),
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
