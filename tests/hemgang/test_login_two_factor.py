"""The second factor: every staff user gives a TOTP code (or a recovery code) after the password; a user
without an app enrols one at the first sign-in."""

import re

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .login_steps import app_for, code_of, password_step, wrong_code


def test_it_asks_for_the_code_before_any_page(world, referred):
    app_for(world.officer)
    http, response = password_step(world.officer)
    assert response["Location"] == reverse("home")
    for url in (reverse("home"), reverse("case_detail", args=[referred.pk]), "/admin/"):
        response = http.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login_verify"))
    page = http.get(reverse("login_verify"))
    assert page.status_code == 200 and "Steg två" in page.content.decode()
    assert 'id="menu-' not in page.content.decode()  # no menu before the second step


def test_it_refuses_the_api_on_a_session_without_the_code(world):
    password_step(world.officer)
    http, _ = password_step(world.officer)
    response = http.get("/api/v1/cases/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_it_accepts_the_apps_code_and_goes_on_to_the_page_asked_for(world, referred):
    device = app_for(world.officer)
    case_url = reverse("case_detail", args=[referred.pk])
    http, _ = password_step(world.officer)
    step = http.get(case_url)
    assert step["Location"] == f"{reverse('login_verify')}?next=%2Fcases%2F{referred.pk}%2F"
    response = http.post(step["Location"], {"code": code_of(device), "next": case_url})
    assert response.status_code == 302 and response["Location"] == case_url
    assert http.get(case_url).status_code == 200


def test_it_refuses_a_wrong_code_and_the_same_code_twice(world):
    device = app_for(world.officer)
    http, _ = password_step(world.officer)
    response = http.post(reverse("login_verify"), {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert http.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the phone's next try comes after django-otp's pause
    device.save()
    code = code_of(device)
    assert http.post(reverse("login_verify"), {"code": code})["Location"] == reverse("home")
    other, _ = password_step(world.officer)  # someone who saw the code, in another browser
    assert other.post(reverse("login_verify"), {"code": code}).status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_it_pauses_the_app_after_a_wrong_code(world):
    device = app_for(world.officer)
    http, _ = password_step(world.officer)
    http.post(reverse("login_verify"), {"code": wrong_code(device)})
    response = http.post(reverse("login_verify"), {"code": code_of(device)})  # at once: still paused
    assert "För många felaktiga koder" in response.content.decode()


def _enrol(http):
    page = http.get(reverse("login_enrol"))
    assert page.status_code == 200
    return page, TOTPDevice.objects.get(confirmed=False)


def test_a_user_without_an_app_enrols_one_and_gets_ten_recovery_codes_once(world):
    http, _ = password_step(world.staff)
    assert http.get(reverse("login_verify"))["Location"].startswith(reverse("login_enrol"))
    page, device = _enrol(http)
    html = page.content.decode()
    assert '<svg role="img" aria-label="QR-kod' in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert _enrol(http)[1] == device  # a reload shows the same key

    response = http.post(reverse("login_enrol"), {"code": code_of(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=world.staff).values_list("token", flat=True)) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert http.get(reverse("home")).status_code == 200
    assert http.get(reverse("login_enrol"))["Location"].startswith(reverse("login_verify"))  # not shown again


def test_enrolment_refuses_a_wrong_code(world):
    http, _ = password_step(world.staff)
    _, device = _enrol(http)
    response = http.post(reverse("login_enrol"), {"code": wrong_code(device)})
    assert "Koden stämmer inte" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert http.get(reverse("home")).status_code == 302


def test_a_recovery_code_works_once(world):
    http, _ = password_step(world.staff)
    _, device = _enrol(http)
    response = http.post(reverse("login_enrol"), {"code": code_of(device)})
    code = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())[3]

    lost_phone, _ = password_step(world.staff)
    response = lost_phone.post(reverse("login_verify"), {"code": code.upper()}, follow=True)
    assert response.status_code == 200
    assert "Du loggade in med en reservkod; 9 återstår" in response.content.decode()
    assert lost_phone.get(reverse("home")).status_code == 200

    again, _ = password_step(world.staff)
    assert "Koden stämmer inte" in again.post(reverse("login_verify"), {"code": code}).content.decode()
    assert again.get(reverse("home")).status_code == 302


def test_without_otp_required_the_password_is_enough(world, settings):
    settings.OTP_REQUIRED = False
    http, _ = password_step(world.officer)
    assert http.get(reverse("home")).status_code == 200


def test_the_fixtures_signed_in_client_has_the_second_factor(world, login):
    assert login(world.officer).get(reverse("home")).status_code == 200
    assert login(world.officer, second_factor=False).get(reverse("home")).status_code == 302
