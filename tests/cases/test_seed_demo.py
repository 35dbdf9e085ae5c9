from collections import Counter

from django.core.management import call_command

from cases.identity import parse_identity_number
from cases.models import Case, Client, Role, User


def test_seed_demo_creates_a_believable_municipality_once(db):
    call_command("seed_demo")
    call_command("seed_demo")  # the second run changes nothing
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == {
        "referred",
        "decided",
        "active",
        "handed_over",
        "closed",
        "declined",
        "withdrawn",
        "readmitted",
    }
    assert Client.objects.count() == 30
    assert {u.role for u in User.objects.all()} == {r.value for r in Role}
    for number in Client.objects.values_list("personal_number", flat=True):
        assert parse_identity_number(number).number == number
    assert User.objects.get(username="handlaggare").check_password("hemgang-demo")
