import logging
import time

from django.core.management.base import BaseCommand

from notifications import reminders
from notifications.services import due_for_sending, notification_send

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run one reminder sweep by hand: store every reminder that is due and send, in this process, what "
        "is waiting. With --every N, sweep every N seconds until stopped (`make run` without Redis)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Sweep again every this many seconds.")

    def handle(self, *args, every=0, **options):
        if not every:
            self._sweep()
            return
        try:
            while True:
                try:
                    self._sweep()
                except Exception:  # a database restart, say: the next sweep catches up, the loop goes on
                    logger.exception("The reminder sweep failed; the next one runs in %d s", every)
                time.sleep(every)
        except KeyboardInterrupt:  # Ctrl-C on `make run`: stop without a traceback
            return

    def _sweep(self):
        stored = reminders.sweep()
        outcomes = [notification_send(pk) for pk in due_for_sending()]
        self.stdout.write(
            "reminders waiting: "
            + (", ".join(f"{count} {kind}" for kind, count in stored.items() if count) or "none")
            + "; sent now: "
            + (", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes))) or "nothing")
        )
