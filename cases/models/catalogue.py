"""Editable catalogues: the administrator keeps them in the admin, case officers pick from them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Municipality


class CatalogueEntry(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class InterventionType(CatalogueEntry):
    """Personal care, meals, supervision, medication reminder, ADL training, walking training …"""

    history = HistoricalRecords()

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="interventiontype_unique")]


class LegalBasis(CatalogueEntry):
    """E.g. 'SoL (2025:400) beslut om insatser' or, for older decisions, 'SoL (2001:453) 4 kap. 1 §'.

    SoL 2025:400 lets a municipality give some interventions without an individual needs assessment; a
    basis is of one kind or the other, and a decision's `needs_assessed` flag must agree with it. The
    database holds that too: the decision's (legal_basis_id, needs_assessed) is a foreign key to
    (id, needs_assessment) here (migration
    decision_changes_legal_basis_kind_consent_renewal), so the unique pair below is what it points at.
    """

    needs_assessment = models.BooleanField(
        _("after an individual needs assessment"),
        default=True,
        help_text=_(
            "Untick for a basis under which interventions are given without an individual needs assessment "
            "(SoL 2025:400)."
        ),
    )
    history = HistoricalRecords()

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="legalbasis_unique"),
            # The target of the decision's composite foreign key (legal_basis_id, needs_assessed).
            models.UniqueConstraint(fields=["id", "needs_assessment"], name="legalbasis_id_kind"),
        ]
