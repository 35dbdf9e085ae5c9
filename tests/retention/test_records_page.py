"""The retention records page: the unit manager and the administrator read what was cleared in their
municipality (ids, pseudonyms, dates: no client data); nobody else opens it."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import AccessLog
from retention.services import retention_run

from .. import factories as f
from .test_retention_run import START

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def test_it_lists_the_records_of_the_municipality_for_the_unit_manager(world, lived_case, login):
    case = lived_case(START)
    number = case.client.personal_number
    retention_run(today=dt.date(2030, 1, 1))
    page = login(world.manager).get(reverse("retention_records")).content.decode()
    assert "Gallring" in page and "Avidentifierad" in page and "Raderad" in page
    assert "2021-12-31" in page and "2015-03-14" in page
    assert number not in page and "Testberg" not in page
    assert not AccessLog.objects.filter(user=world.manager).exists()


def test_the_administrator_reads_it_too(world, login):
    assert login(world.admin).get(reverse("retention_records")).status_code == 200


@pytest.mark.parametrize("persona", ["officer", "staff", "coordinator", "integration"])
def test_the_other_roles_may_not(world, login, persona):
    # The integration account has no session on the pages: it is ended, to the login.
    refused = 302 if persona == "integration" else 403
    assert login(getattr(world, persona)).get(reverse("retention_records")).status_code == refused


def test_another_municipalitys_manager_sees_none_of_its_records(world, lived_case, login):
    lived_case(START)
    retention_run(today=dt.date(2030, 1, 1))
    elsewhere = f.UserFactory(municipality=world.elsewhere, role="unit_manager", username="boss_elsewhere")
    page = login(elsewhere).get(reverse("retention_records")).content.decode()
    assert "Inget har gallrats ännu." in page


def test_the_page_reads_a_fixed_number_of_queries(world, lived_case, login, django_assert_num_queries):
    lived_case(START)
    lived_case(START, birth=dt.date(1950, 2, 3))
    retention_run(today=dt.date(2030, 1, 1))
    http = login(world.manager)
    # Session, user; the records' count and the records shown; the menu: the led teams, the inbox and
    # notification counts, the user's team. No more for more records.
    with django_assert_num_queries(8):
        assert http.get(reverse("retention_records")).status_code == 200
