"""The client's log extract (PDL 8 kap. 5 §: the person's right to know who has read their record): a
tagged A4 PDF of every read of the client over a period — who (name, role, unit), what, when — with the
municipality's name and the date it was printed. Made as the handover PDF is (handover/document.py)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from cases.models import Profession, Role

from .selectors import EXPORT_LIMIT, Period, reads

TEMPLATE = "audit/log_extract_pdf.html"


def role_label(role: str, profession: str) -> str:
    label = str(dict(Role.choices).get(role, role))
    if profession:
        label = f"{label}, {dict(Profession.choices).get(profession, profession)}"
    return label


def render_log_extract(client, period: Period) -> bytes:
    """The extract in Swedish, whatever the request's language: it is given to the client."""
    rows, total = reads(client.municipality_id, period, client_id=client.pk, per_page=EXPORT_LIMIT)
    with translation.override("sv"):
        html = render_to_string(
            TEMPLATE,
            {
                "client": client,
                "municipality": client.municipality,
                "period": period,
                "printed": timezone.localtime(),
                "rows": [(row, role_label(row.user_role, row.user_profession)) for row in rows],
                "total": total,
                "cut": total > len(rows),
            },
        )
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=("file", "data")),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
