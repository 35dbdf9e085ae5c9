from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("Outcome measures")

    def ready(self):
        """The measure rules registered with django-rules, and the measures shown on the case page through
        the case page's sections (cases does not import measures, STYLE.md habit 12)."""
        from cases import hooks

        from . import access  # noqa: F401
        from .sections import case_page_measures

        hooks.register_case_section("measures", case_page_measures)
