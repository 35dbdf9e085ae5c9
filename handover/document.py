"""The final handover document: what hemtjänst needs to take over, as an accessible A4 PDF.

Botkyrka's routine (001) ends with the team summarising "de arbetssätt som utvecklats tillsammans med den
enskilde" and sending it to the hemtjänst coordinators; DOMAIN.md step 9. The PDF is stored on the summary
and attached to the final handover message, so what it shows is chosen here once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from cases.models import Intervention
from measures.models import KatzAssessment
from measures.rules import KATZ_ACTIVITIES
from measures.selectors import case_measures_summary
from scheduling.others import carried_out_by_others

from .models import HandoverSummary

TEMPLATE = "handover/handover_pdf.html"

# Everything the document needs, in a fixed number of queries whatever the number of interventions or
# relatives: the summary with its case, client, team, decision, care plan and author (1), the relatives (2),
# the decision's interventions with their types (3), the team's "how it is done now" per intervention (4).
# The measures add one more (measures.selectors.case_measures_summary).
_SUMMARY_QUERYSET = HandoverSummary.objects.select_related(
    "author",
    "case__client__hemtjanst_group_unit",
    "case__client__safety_alarm_unit",
    "case__client__night_service_unit",
    "case__municipality",
    "case__team",
    "case__case_officer",
    "case__decision__legal_basis",
    "case__care_plan",
).prefetch_related(
    "case__client__relatives",
    Prefetch("case__decision__interventions", queryset=Intervention.objects.select_related("intervention_type")),
    "interventions",
)


@dataclass(frozen=True)
class InterventionRow:
    intervention: Intervention
    how_done_now: str
    carried_out_by: str = ""


def _who_does_what(case) -> dict[int, str]:
    """Per intervention, who carries it out, in words: the team, hemtjänst (on the team's days off, out of
    its hours, or from the date it took over — tapering from day 6), the night organisation."""
    rows: dict[int, list] = {}
    for row in carried_out_by_others(case):
        rows.setdefault(row.intervention.pk, []).append(row)
    who = {}
    for intervention in case.decision.interventions.all():
        others = rows.get(intervention.pk, [])
        parts = [] if any(r.why in ("night", "out_of_hours") for r in others) else [_("the hemgång team")]
        for r in others:
            if r.why == "days_off":
                parts.append(f"{r.who_label} {r.days}")
            elif r.why == "taken_over":
                parts.append(_("%(who)s from %(date)s") % {"who": r.who_label, "date": r.from_day})
            else:
                parts.append(str(r.who_label))
        text = "; ".join(str(p) for p in parts)
        who[intervention.pk] = text[:1].upper() + text[1:]
    return who


def _related_or_none(obj, name: str):
    """A reverse one-to-one that may be missing (a case without a care plan), read without a query."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def handover_context(summary: HandoverSummary) -> dict:
    """Everything the handover document shows.

    The client's identity is given as plain values, never the Client row: with protected personal data
    (skyddade personuppgifter) the address and door code are not in the context at all, so no template
    can print them by mistake.
    """
    summary = _SUMMARY_QUERYSET.get(pk=summary.pk)
    case = summary.case
    client = case.client
    decision = _related_or_none(case, "decision")
    care_plan = _related_or_none(case, "care_plan")
    how_done_now = {row.intervention_id: row.how_done_now for row in summary.interventions.all()}
    interventions = decision.interventions.all() if decision else []
    who = _who_does_what(case) if decision else {}
    measures = case_measures_summary(case)
    katz_end = measures["katz"].end
    shown = not client.protected_identity
    return {
        "summary": summary,
        "case": case,
        "municipality": case.municipality.name,
        "team": case.team,
        "client": {
            "name": client.full_name,
            "personal_number": client.personal_number_display,
            "protected_identity": client.protected_identity,
            "address": client.address_display if shown else "",
            "door_code": client.door_code if shown else "",
            "phone": client.phone,
            "hemtjanst_group": client.hemtjanst_group_display,
            "safety_alarm": client.safety_alarm_display,
            "night_service": client.night_service_display,
        },
        "relatives": list(client.relatives.all()),
        "case_officer": case.case_officer,
        # Whom the consent it is sent under covers: the receivers read it on the document itself.
        "consent": case.valid_consent_on(timezone.localdate()),
        "decision": decision,
        "interventions": [InterventionRow(i, how_done_now.get(i.pk, ""), who.get(i.pk, "")) for i in interventions],
        # What the visiting staff were told to watch for during the support carries over unless the
        # handover says otherwise.
        "watch_for": summary.watch_for or (care_plan.watch_for if care_plan else ""),
        "measures": measures,
        # Katz tells hemtjänst where the client still needs help: the activities dependent at the end.
        "katz_dependent_at_end": [
            KatzAssessment._meta.get_field(name).verbose_name
            for name in KATZ_ACTIVITIES
            if katz_end and not getattr(katz_end, name)
        ],
        "author": summary.author,
        "author_title": summary.author.get_profession_display() or summary.author.get_role_display(),
        "date": timezone.localdate(summary.updated_at),
    }


def render_handover_pdf(summary: HandoverSummary) -> bytes:
    """The handover as a tagged A4 PDF (PDF/UA-1: the document in the municipality is read with screen
    readers too; DOS-lagen 2018:1937).

    Always in Swedish, whatever the language of the request that asks for it: it is the document hemtjänst
    receives. Nothing is fetched over the network; fonts are the machine's own.
    """
    with translation.override("sv"):
        html = render_to_string(TEMPLATE, handover_context(summary))
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=("file", "data")),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
