"""Celery tasks: take ids, call the mail framework, nothing else (STYLE.md habit 7)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from hemgang.links import absolute_url

from .models import Case, Role, Team, User
from .services import team_load


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_over_capacity(case_id: int, team_id: int) -> int:
    """Tell the team's unit managers that a case was accepted although the team was at capacity.
    The mail names the case reference and links to it; it carries no client data."""
    case = Case.objects.get(pk=case_id)
    team = Team.objects.get(pk=team_id)
    recipients = list(
        User.objects.filter(team=team, role=Role.UNIT_MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    with override(settings.LANGUAGE_CODE):
        subject = _("Hemgång: %(team)s over capacity") % {"team": team.name}
        body = _(
            "Case %(reference)s was given to %(team)s although the team was at its capacity "
            "(%(load)s of %(capacity)s clients at once). The reason is in the case: %(path)s"
        ) % {
            "reference": case.reference,
            "team": team.name,
            "load": team_load(team),
            "capacity": team.capacity,
            "path": absolute_url("case_detail", case.pk),
        }
    return send_mail(subject, body, None, recipients)
