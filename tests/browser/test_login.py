"""Signing in in a real browser: the password, the second step, enrolling an app; under the CSP (no
console error), accessible (axe), at desktop and phone size."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import assert_accessible, current_code

PHONE = (390, 844)


def _console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


@pytest.mark.parametrize("viewport", [(1280, 900), PHONE])
def test_it_signs_in_with_password_and_code(browser, live_server, world, viewport):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="sv-SE")
    page = context.new_page()
    errors = _console_errors(page)
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(world.officer.username)
    page.get_by_label("Lösenord").fill("test-password-123")
    code = current_code(world.officer)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/login/verify/**")
    assert_accessible(page)
    page.get_by_label("Kod").fill(code)
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#menu-home").count() == 1
    assert errors == []  # nothing refused by the Content Security Policy
    context.close()


def test_a_new_user_enrols_an_app_and_sees_the_recovery_codes(browser, live_server, world):
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, locale="sv-SE")
    page = context.new_page()
    errors = _console_errors(page)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(world.staff.username)
    page.get_by_label("Lösenord").fill("test-password-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/login/enrol/**")
    assert page.get_by_role("img", name="QR-kod att skanna med autentiseringsappen").is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=world.staff, confirmed=False)
    page.get_by_label("Kod från appen").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bekräfta").click()
    page.get_by_role("heading", name="Dina reservkoder").wait_for()
    assert len(re.findall(r"[a-z2-7]{8}", page.locator("#recovery-codes").inner_text())) == 10
    assert_accessible(page)
    page.get_by_role("link", name="Jag har sparat dem, fortsätt").click()
    page.wait_for_url(f"{live_server.url}/")
    assert errors == []
    context.close()
