from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Accounts and log review")

    def ready(self):
        """The rules join the rule set; the unit manager's menu links to the log review and to the account
        changes waiting for a decision."""
        from cases import hooks

        from . import access  # noqa: F401

        hooks.register_menu_entry("log_review", label=_("Log review"), perm="audit.review_log", order=70)
        hooks.register_menu_entry(
            "account_requests", label=_("Account changes"), perm="audit.review_account_changes", order=75
        )
        hooks.register_menu_entry("api_tokens", label=_("API tokens"), perm="audit.manage_api_tokens", order=92)
