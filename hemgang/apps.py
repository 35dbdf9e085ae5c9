from django.apps import AppConfig


class HemgangConfig(AppConfig):
    """The project itself as an app: its templates and its project-wide input bounds."""

    name = "hemgang"
    verbose_name = "Hemgång"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import bounds, db_roles

        bounds.install()
        # Sent for every app once all migrations have run; once is enough (every table exists by then).
        post_migrate.connect(db_roles.grant_app_privileges, sender=self, dispatch_uid="hemgang.grant_app_privileges")
