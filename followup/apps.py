from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """The unit manager's follow-up: figures for a period, the caseload now and the capacity planner.

    It only reads: cases, their events, the measures, the meetings and the handover records. It sits
    above handover (it reads all of them) and has no models of its own."""

    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from cases.hooks import register_menu_entry, register_start_page

        from . import access  # noqa: F401 - registers the follow-up's rules

        register_menu_entry("followup_caseload", label=_("Follow-up"), perm="followup.view_followup", order=25)
        # The unit manager steers the team: their start page is the caseload now, not the staff's list.
        register_start_page("followup_caseload", perm="followup.view_followup")
