from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self):
        # The visits follow an ändringsbeslut; cases does not import scheduling (STYLE.md habit 12).
        from cases import hooks

        from .selectors import timeline_meeting
        from .services import visits_follow_decision_change

        hooks.on_decision_changed(visits_follow_decision_change)
        hooks.register_timeline_source(timeline_meeting)
