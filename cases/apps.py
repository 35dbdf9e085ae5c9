from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        """Register the permission rules before any request asks for them, and the menu's own links (the apps
        above add theirs, between them by `order`)."""
        from . import access  # noqa: F401
        from .hooks import register_menu_entry
        from .signin import receivers

        receivers.connect()

        register_menu_entry("home", label=_("Start"), perm="cases.home", order=0)
        register_menu_entry("client_search", label=_("Search client"), perm="cases.search_clients", order=30)
        register_menu_entry("client_new", label=_("New client and referral"), perm="cases.search_clients", order=40)
        register_menu_entry("admin:index", label=_("Catalogues and users"), perm="cases.manage_catalogues", order=90)
