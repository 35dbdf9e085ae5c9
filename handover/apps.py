from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "handover"

    def ready(self):
        from scheduling import hooks

        from . import services

        hooks.on_meeting_moved(services.meeting_moved_notice)
