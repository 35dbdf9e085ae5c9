from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        """What notifications listens to in the case event log (cases does not import notifications): a
        team accepted over its capacity tells the team's unit managers. And the reminder rules that read
        only cases' records (scheduling and handover register theirs)."""
        from cases import hooks

        from . import reminders, rules, services

        hooks.on_case_event(services.over_capacity_notice)
        for rule in rules.RULES:
            reminders.register_rule(rule)
