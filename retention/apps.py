from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    """Gallring (issue 12 part 8): the daily job that anonymises a person's records once the law lets them
    go, and deletes the access log's rows older than five years. It sits above every app whose records it
    reads and clears (cases, scheduling, handover, measures, notifications, audit) and nothing imports it."""

    name = "retention"
    verbose_name = _("Retention")

    def ready(self):
        from cases import hooks

        from . import access  # noqa: F401 - registers the retention's rules

        hooks.register_menu_entry("retention_records", label=_("Retention"), perm="retention.view_records", order=80)
