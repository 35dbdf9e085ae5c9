from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self):
        # The visits follow an ändringsbeslut; cases does not import scheduling (STYLE.md habit 12).
        from cases import hooks

        from .services import visits_follow_decision_change

        hooks.on_decision_changed(visits_follow_decision_change)
