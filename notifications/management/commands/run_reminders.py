import time

from django.core.management.base import BaseCommand

from notifications import reminders
from notifications.services import due_for_sending, notification_send


class Command(BaseCommand):
    help = (
        "Run one reminder sweep by hand: store every reminder that is due and send, in this process, what "
        "is waiting. With --every N, sweep every N seconds until stopped (`make run` without Redis)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Sweep again every this many seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            stored = reminders.sweep()
            outcomes = [notification_send(pk) for pk in due_for_sending()]
            self.stdout.write(
                "reminders waiting: "
                + (", ".join(f"{count} {kind}" for kind, count in stored.items() if count) or "none")
                + "; sent now: "
                + (", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes))) or "nothing")
            )
            if not every:
                return
            time.sleep(every)
