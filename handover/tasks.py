"""Celery tasks of the handover: take ids, send through Django's mail framework, nothing else."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.models import Role, User
from hemgang.links import absolute_url

from .models import Message


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_new_message(message_id: int) -> int:
    """Tell the receivers' people that a message waits in Hemgång. The e-mail carries no client data: only
    that a message of a kind has arrived and where to read and acknowledge it."""
    message = Message.objects.select_related("case").get(pk=message_id)
    if message.direction == Message.Direction.TO_TEAM:
        users = User.objects.filter(team_id=message.case.team_id, role__in=[Role.TEAM_STAFF, Role.UNIT_MANAGER])
    else:
        users = User.objects.filter(recipients__deliveries__message=message)
    emails = sorted(set(users.filter(is_active=True).exclude(email="").values_list("email", flat=True)))
    if not emails:
        return 0
    with override(settings.LANGUAGE_CODE):
        subject = _("Hemgång: new message (%(kind)s), %(reference)s") % {
            "kind": message.get_kind_display().lower(),
            "reference": message.case.reference,
        }
        body = _("A message waits for you in Hemgång. Read and acknowledge it there: %(path)s") % {
            "path": absolute_url("message_detail", message.pk)
        }
    return send_mass_mail([(subject, body, None, [email]) for email in emails])
