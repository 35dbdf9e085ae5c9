"""400, 403, 404, 500 and the CSRF failure are Swedish pages in the site's layout, without technical words."""

from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


def _assert_swedish_page(response, status, heading):
    assert response.status_code == status
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'lang="sv"' in page and "Till startsidan" in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    for word in ("CSRF", "Forbidden", "Not Found", "Bad Request", "Traceback", "Server Error"):
        assert word not in main


def test_a_missing_case_is_a_swedish_404_in_the_layout(world, login):
    response = login(world.officer).get(reverse("case_detail", args=[999999]))
    _assert_swedish_page(response, 404, "Sidan finns inte")
    assert 'class="menu"' in response.content.decode()  # the site's menu: the user is still at home


def test_a_page_the_role_may_not_open_is_a_swedish_403(world, login):
    response = login(world.coordinator).get(reverse("client_search"))
    _assert_swedish_page(response, 403, "Inte tillåtet")


def test_a_bad_request_is_a_swedish_400(db):
    response = HttpClient().get(reverse("login"), headers={"host": "evil.example"})
    _assert_swedish_page(response, 400, "Begäran kunde inte hanteras")


def test_a_refused_csrf_check_is_a_swedish_403(world):
    browser = HttpClient(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "officer", "password": "x"})
    _assert_swedish_page(response, 403, "Formuläret har gått ut")


def test_the_500_page_renders_without_a_request_context(db):
    response = server_error(RequestFactory().get("/"))
    _assert_swedish_page(response, 500, "Något gick fel")
