from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("Handover")

    def ready(self):
        from cases.hooks import register_case_warning, register_timeline_source
        from scheduling import hooks as scheduling_hooks

        from . import services
        from .selectors import timeline_acknowledgements
        from .services import day_receiver_warning

        register_case_warning(day_receiver_warning)
        register_timeline_source(timeline_acknowledgements)
        scheduling_hooks.on_meeting_moved(services.meeting_moved_notice)
