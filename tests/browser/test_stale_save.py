"""Two case officers edit one client in Chromium: the second save is refused with what changed, the input
kept, and saving again is a deliberate choice (issue 12, part 6)."""

import pytest

from cases.models import Client

from .. import factories as f
from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_officer_sees_what_the_first_changed_and_nothing_is_overwritten(world, page_for, live_server):
    client = f.client(world.officer, phone="070-100")
    url = f"{live_server.url}/clients/{client.pk}/edit/"
    first, second = page_for(world.officer), page_for(world.officer2)
    first.goto(url)
    second.goto(url)

    first.get_by_label("Telefon").fill("070-111")
    first.get_by_role("button", name="Spara").click()
    first.get_by_text("Brukarens uppgifter är sparade").wait_for()

    second.get_by_label("Telefon").fill("070-222")
    second.get_by_role("button", name="Spara").click()
    second.get_by_text("Ändrad av någon annan").wait_for()
    conflict = second.get_by_role("region", name="Vad som ändrats sedan du öppnade formuläret")
    row = conflict.get_by_role("row", name="Telefon")
    assert row.get_by_role("cell").all_inner_texts() == ["070-100", "070-111", "070-222"]
    assert second.get_by_label("Telefon").input_value() == "070-222"  # the input is kept
    assert Client.objects.get(pk=client.pk).phone == "070-111"  # nothing overwritten
    assert_accessible(second)

    second.get_by_role("button", name="Spara").click()  # knowingly, over the first one's change
    second.get_by_text("Brukarens uppgifter är sparade").wait_for()
    assert Client.objects.get(pk=client.pk).phone == "070-222"
