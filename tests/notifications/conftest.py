import pytest
from django.db import transaction

from notifications import services


@pytest.fixture
def notify_manager(world):
    """Notify the team's unit manager (with an e-mail address) about `key`, in a committed transaction
    whose on-commit work is not run: the row waits, as after a lost task."""

    world.manager.email = "chef@example.org"
    world.manager.save()

    def _notify(key="thing:1", recipients=None):
        with transaction.atomic():
            return services.notify(
                kind="new_message",
                key=key,
                recipients=recipients or [world.manager],
                subject="Hemgång: något nytt",
                body="Något väntar på dig i Hemgång.",
                url_name="case_detail",
                url_args=[41],
                municipality_id=world.town.pk,
            )

    return _notify
