from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = _("Handover")

    def ready(self):
        """What handover needs of the case lifecycle and the meeting, registered with them (neither imports
        handover): a case is handed over only by sending the final handover and closed on hemtjänst's
        receipts or the unit manager's reason; the start drafts the start notice and the invitation (after
        scheduling booked the meeting they name); a moved meeting is told to hemtjänst; the case page
        warns when a case has no day receiver. Its rules join the rule set, the case's receivers are
        known to the core's rules, and the menu links to the inbox with what is still to acknowledge. Its
        reminder rules (a decision ending with no handover drafted, messages not acknowledged) join the
        sweep, and hemtjänst's coordinators hear of the follow-up meeting tomorrow. Recording consent offers
        the case's receivers (and those the start will set) for the consent to name."""
        from cases import hooks
        from cases.models import CaseState
        from notifications import reminders as notifications_reminders
        from scheduling import hooks as scheduling_hooks

        from . import access, reminders, services
        from .selectors import inbox_menu_label, timeline_message

        hooks.register_receiver_cases(access.receiver_cases)
        hooks.register_menu_entry("inbox", label=inbox_menu_label, perm="handover.view_inbox", order=10)

        hooks.require_before(CaseState.HANDED_OVER, services.handover_sent_first)
        hooks.require_before(CaseState.CLOSED, services.closing_receipted_or_reasoned)
        hooks.on_entering(CaseState.ACTIVE, services.start_of_support_drafts)
        hooks.register_case_warning(services.day_receiver_warning)
        hooks.register_consent_receivers(services.consent_receiver_candidates)
        for kind in ("message_sent", "message_received", "message_acknowledged", "handover_sent"):
            hooks.register_event_renderer(kind, timeline_message)
        scheduling_hooks.on_meeting_moved(services.meeting_moved_notice)
        for rule in reminders.RULES:
            notifications_reminders.register_rule(rule)
        scheduling_hooks.register_meeting_audience(reminders.meeting_hemtjanst_audience)
