"""Production's static files: collectstatic's hashed and compressed copies, served with a long lifetime."""

from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

MANIFEST = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}


def test_it_serves_the_hashed_stylesheet_compressed_and_cacheable_for_years(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    # Only the project's own files (static/), not the admin's and the API docs' hundreds.
    only_ours = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(STORAGES={**settings.STORAGES, **MANIFEST}, STATICFILES_FINDERS=only_ours):
        call_command("collectstatic", "--noinput", verbosity=0)
        url = static("css/hemgang.css")
        assert url != "/static/css/hemgang.css" and url.endswith(".css")
        assert (tmp_path / url.removeprefix("/static/")).with_suffix(".css.gz").exists()
        serve = WhiteNoiseMiddleware(lambda request: None)
        response = serve(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
