from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"

    def ready(self):
        """What scheduling needs of the case lifecycle, registered with it (cases does not import scheduling,
        STYLE.md habit 12): the start plans the visits and books the day-6 meeting, the end cancels what
        was still to come, and the visits follow an ändringsbeslut. Its rules join the rule set; the case
        page shows the team's work and the menu the day board; its reminder rules (the meeting, the
        visits) join the reminder sweep."""
        from cases import hooks
        from cases.lifecycle import ENDED_STATES
        from cases.models import CaseState
        from notifications import reminders

        from . import access  # noqa: F401
        from . import reminders as scheduling_reminders
        from .selectors import case_work_summary, timeline_meeting
        from .services import end_of_support, start_of_support, visits_follow_decision_change

        hooks.on_entering(CaseState.ACTIVE, start_of_support)
        hooks.on_entering(ENDED_STATES, end_of_support)
        hooks.on_decision_changed(visits_follow_decision_change)
        for kind in ("meeting_booked", "meeting_moved", "meeting_confirmed", "meeting_held", "tapering_set"):
            hooks.register_event_renderer(kind, timeline_meeting)
        hooks.register_case_section("work", case_work_summary)
        hooks.register_menu_entry("day_board", label=_("Day board"), perm="scheduling.view_day_board", order=20)
        for rule in scheduling_reminders.RULES:
            reminders.register_rule(rule)
