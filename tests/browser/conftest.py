import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing, and CI=true requires the browser tests")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def current_code(user) -> str:
    """The code of the user's authenticator app now (one is added if they have none). A TOTP code is
    accepted once, so a second sign-in in the same 30 seconds (two browsers of one user) is let through by
    forgetting the first use, as the phone would after 30 seconds."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def page_for(browser, live_server):
    """A signed-in page for `user` at a given viewport (desktop by default), on the start page it lands on."""
    contexts = []

    def _page(user, password="test-password-123", viewport=(1280, 900), lands_on="/"):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="sv-SE")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Användarnamn").fill(user.username)
        page.get_by_label("Lösenord").fill(password)
        code = current_code(user)
        page.get_by_role("button", name="Logga in").click()
        # The second step, with the code the user's phone would show now (made from their app's key).
        page.wait_for_url(f"{live_server.url}/login/verify/**")
        page.get_by_label("Kod").fill(code)
        page.get_by_role("button", name="Fortsätt").click()
        # The start page, or where it sends the user (a unit manager: the caseload now).
        page.wait_for_url(f"{live_server.url}{lands_on}")
        return page

    yield _page
    for context in contexts:
        context.close()


def assert_accessible(page):
    """No serious or critical axe-core violation (WCAG 2.1 A and AA rules)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
