"""Who may see which notifications, and the unit manager's view of the team's reminders.

The rules join the rule set of `cases/access.py` (NotificationsConfig.ready() imports this module). A
notification belongs to its recipient alone: `get_notification_for` fetches one with that check in the same
query, so another user's notification is a 404, exactly as one that does not exist (STYLE.md habit 6).
"""

import rules
from django.http import Http404

from cases.access import is_administrator, is_case_officer, is_coordinator, is_team_member, is_unit_manager

from .models import Notification

# Every signed-in person with a role in a municipality, except an integration account (a hospital system
# registers referrals; nobody reads notifications as it).
receives_notifications = is_case_officer | is_team_member | is_coordinator | is_administrator

rules.add_perm("notifications.view_notifications", receives_notifications)
# The team's reminders, sent and failed (issue 10, part 4): the unit manager runs the team.
rules.add_perm("notifications.view_team_reminders", is_unit_manager)


def shown_notifications(user):
    """The user's own notifications that the centre shows: a reminder cancelled before it was sent (its
    cause was gone) is neither sent nor shown."""
    return Notification.objects.filter(recipient=user).exclude(status=Notification.Status.CANCELLED)


def get_notification_for(user, pk) -> Notification:
    """The user's own notification `pk`; 404 for another user's, a cancelled one, or none. A notification
    holds a case's reference and the kind of thing only, so reading one is not a read of client data."""
    if not user.has_perm("notifications.view_notifications"):
        raise Http404
    notification = shown_notifications(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification
