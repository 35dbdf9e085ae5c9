from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        """What notifications listens to in the case event log (cases does not import notifications): a
        team accepted over its capacity tells the team's unit managers."""
        from cases import hooks

        from . import services

        hooks.on_case_event(services.over_capacity_notice)
