"""Absolute links for what leaves the site (e-mail): a path alone means nothing in a mail client."""

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, *args) -> str:
    """The page `viewname` under SITE_URL (README, "Configuration"), e.g. for a link in an e-mail."""
    return settings.SITE_URL + reverse(viewname, args=args)
