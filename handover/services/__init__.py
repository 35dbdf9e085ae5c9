"""Every write of the handover: messages with receipts, the consent gate, summaries, the final handover.
A package (receivers, messages, drafts, handover); every public name is reachable from here.

The routine (Botkyrka, 001): the team contacts hemtjänst in writing at once when a support starts (the
subject clearly says *Hemgångsteam*, the message gives length and purpose; the night coordinator too when
there are night interventions); summaries go both ways, more often at the start and the end; every message
is acknowledged by its receiver; at the end the team sends the working methods and a closing notice, and
hemtjänst confirms both. Nothing about the client reaches hemtjänst without consent valid now.
"""

from .drafts import (
    END_OF_SUPPORT_TEXTS,
    closing_draft_message,
    end_of_support_draft,
    handover_draft_message,
    meeting_moved_notice,
    start_of_support_drafts,
    summary_prefill,
)
from .handover import (
    RenderedHandover,
    handover_opens_on,
    handover_preview_pdf,
    handover_render_for_sending,
    handover_save,
)
from .messages import (
    closing_confirmed,
    closing_receipted_or_reasoned,
    handover_sent_first,
    message_acknowledge,
    message_draft,
    message_draft_and_send,
    message_mark_read,
    message_send,
    message_send_to_team,
    message_update_draft,
    unread_rows_write,
)
from .receivers import (
    case_recipients_set,
    consent_gate,
    consent_receiver_candidates,
    day_receiver_warning,
    default_recipients,
)

__all__ = [
    "END_OF_SUPPORT_TEXTS",
    "RenderedHandover",
    "case_recipients_set",
    "closing_confirmed",
    "closing_draft_message",
    "closing_receipted_or_reasoned",
    "consent_gate",
    "consent_receiver_candidates",
    "day_receiver_warning",
    "default_recipients",
    "end_of_support_draft",
    "handover_draft_message",
    "handover_opens_on",
    "handover_preview_pdf",
    "handover_render_for_sending",
    "handover_save",
    "handover_sent_first",
    "meeting_moved_notice",
    "message_acknowledge",
    "message_draft",
    "message_draft_and_send",
    "message_mark_read",
    "message_send",
    "message_send_to_team",
    "message_update_draft",
    "start_of_support_drafts",
    "summary_prefill",
    "unread_rows_write",
]
