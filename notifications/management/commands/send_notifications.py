from django.core.management.base import BaseCommand

from notifications.services import due_for_sending, notification_send


class Command(BaseCommand):
    help = (
        "Send, in this process, the notifications still waiting: those whose task was lost while the broker "
        "was down, and those whose worker died while sending."
    )

    def handle(self, *args, **options):
        outcomes = [notification_send(pk) for pk in due_for_sending()]
        self.stdout.write(", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes))) or "nothing waiting")
