from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        """What notifications listens to in the case event log (cases does not import notifications): a
        team accepted over its capacity tells the team's unit managers. And the reminder rules that read
        only cases' records (scheduling and handover register theirs). The menu links to the notification
        centre with the unread count, and the unit manager to the team's reminders."""
        from cases import hooks

        from . import access, reminders, rules, services  # noqa: F401 (access adds its rules to the rule set)
        from .selectors import menu_label

        hooks.on_case_event(services.over_capacity_notice)
        hooks.register_menu_entry(
            "notification_list", label=menu_label, perm="notifications.view_notifications", order=15
        )
        hooks.register_menu_entry(
            "team_reminders", label=_("Reminders in the team"), perm="notifications.view_team_reminders", order=25
        )
        for rule in rules.RULES:
            reminders.register_rule(rule)
