from django.apps import AppConfig


class HemgangConfig(AppConfig):
    """The project itself as an app: its templates and its project-wide input bounds."""

    name = "hemgang"
    verbose_name = "Hemgång"

    def ready(self):
        from . import bounds

        bounds.install()
