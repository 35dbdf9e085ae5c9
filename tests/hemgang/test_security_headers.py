"""The Content Security Policy and the HTTPS settings: strict headers on every page, no inline script or
style left for them to refuse, and `check --deploy` clean with production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

BASE = Path(settings.BASE_DIR)
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    """The policy as directive → sources (django-csp writes the directives in no fixed order)."""
    parts = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    assert len({name for name, _ in parts}) == len(parts)
    return {name: sources for name, sources in parts}


def test_the_login_page_and_a_signed_in_page_carry_the_exact_policy(client, world, login):
    for response in (client.get(reverse("login")), login(world.officer).get(reverse("home"))):
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == CSP
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_load_their_start_up_script_as_a_file(client):
    html = client.get(reverse("api-docs")).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


# WeasyPrint renders these to PDF on the server (the `_pdf.html` templates): no browser, no CSP.
PDF_TEMPLATE_SUFFIX = "_pdf.html"
INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("style attribute", re.compile(r"\sstyle=", re.I)),
    ("style element", re.compile(r"<style[\s>]", re.I)),
    ("event handler attribute", re.compile(r"\son[a-z]+=", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def test_no_template_or_static_file_has_inline_script_or_style():
    found = []
    static = BASE / "static"
    files = [*(BASE / "templates").rglob("*.html"), *static.rglob("*.html"), *static.rglob("*.svg")]
    for path in files:
        name = path.relative_to(BASE / "templates").as_posix() if "templates" in path.parts else path.name
        if name.endswith(PDF_TEMPLATE_SUFFIX):
            continue
        text = path.read_text()
        found += [(name, what) for what, pattern in INLINE if pattern.search(text)]
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    samples = ["<script>alert(1)</script>", '<p style="color:red">', "<style>p{}</style>", '<a onclick="x()">']
    assert all(any(pattern.search(sample) for _, pattern in INLINE) for sample in samples)
    assert not any(pattern.search('<script src="/static/js/x.js" defer></script>') for _, pattern in INLINE)


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k7#Qw9!zR2@vX5$mN8^bL3&jH6*fD1(sA4)gT0-pY_eU+cO~iW=" * 2,
    "REQUIRE_SECRET_KEY": "true",
    "ALLOWED_HOSTS": "hemgang.demokoping.se",
    "SITE_URL": "https://hemgang.demokoping.se",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_COOKIES": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
}


def test_check_deploy_is_clean_with_production_settings():
    env = {**os.environ, **PRODUCTION}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The browser tests' conftest sets it for Playwright in this process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # the one silenced check, with its reason in settings.py
    assert settings.SILENCED_SYSTEM_CHECKS == ["security.W021"]
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_without_production_settings_check_deploy_warns():
    env = {**os.environ, "DEBUG": "false"}
    for name in PRODUCTION:
        if name != "DEBUG":
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
