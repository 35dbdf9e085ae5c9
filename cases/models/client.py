"""The client (brukare), their relatives and the other providers they already have."""

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right, Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hemgang.versions import version_field

from ..identity import PERSONNUMMER, SAMORDNINGSNUMMER, format_identity_number
from .organisation import Municipality, Recipient


class Client(models.Model):
    class IdKind(models.TextChoices):
        PERSONNUMMER = PERSONNUMMER, _("Personal identity number")
        SAMORDNINGSNUMMER = SAMORDNINGSNUMMER, _("Coordination number")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="clients")
    personal_number = models.CharField(_("personal identity number"), max_length=12)
    id_kind = models.CharField(_("kind of number"), max_length=20, choices=IdKind.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    door_code = models.CharField(_("door code and access"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    protected_identity = models.BooleanField(
        _("protected personal data"),
        default=False,
        help_text=_("The address is then shown only to those who visit, and never printed."),
    )
    # The client's other providers (001: "hemtjänstgrupp, larm, natt"): a link to the hemtjänst directory,
    # so the case's receivers follow from it and no spelling drops the day coordinator (issue 8); the free
    # text only for a provider that is not in the directory.
    hemtjanst_group_unit = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_clients",
        limit_choices_to={"kind": Recipient.Kind.GROUP},
        verbose_name=_("home-care group"),
    )
    safety_alarm_unit = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_clients",
        limit_choices_to={"kind": Recipient.Kind.SAFETY_ALARM},
        verbose_name=_("safety alarm"),
    )
    night_service_unit = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="night_clients",
        limit_choices_to={"kind": Recipient.Kind.NIGHT_PATROL},
        verbose_name=_("night service"),
    )
    hemtjanst_group = models.CharField(_("home-care group, not in the directory"), max_length=200, blank=True)
    safety_alarm = models.CharField(_("safety alarm, not in the directory"), max_length=200, blank=True)
    night_service = models.CharField(_("night service, not in the directory"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Two case officers editing the client: the second save is refused with what changed (hemgang.versions).
    version = version_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "personal_number"], name="client_unique_number"),
            models.CheckConstraint(condition=Q(personal_number__regex=r"^\d{12}$"), name="client_number_12_digits"),
        ]
        indexes = [
            # Name search (selectors.client_search): `istartswith` is UPPER(name) LIKE 'TERM%', a prefix range
            # of these indexes (the pattern operator class: the database's collation does not order LIKE).
            models.Index(OpClass(Upper("last_name"), name="text_pattern_ops"), name="client_last_name_prefix_idx"),
            models.Index(OpClass(Upper("first_name"), name="text_pattern_ops"), name="client_first_name_prefix_idx"),
            # Personnummer search (selectors.client_search): the last ten digits, whatever century was typed.
            models.Index(Right("personal_number", 10), "municipality", name="client_number_last_ten_idx"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personal_number_display(self) -> str:
        return format_identity_number(self.personal_number)

    # The provider as shown and printed: the directory's unit, else the free text.
    @property
    def hemtjanst_group_display(self) -> str:
        return self.hemtjanst_group_unit.name if self.hemtjanst_group_unit_id else self.hemtjanst_group

    @property
    def safety_alarm_display(self) -> str:
        return self.safety_alarm_unit.name if self.safety_alarm_unit_id else self.safety_alarm

    @property
    def night_service_display(self) -> str:
        return self.night_service_unit.name if self.night_service_unit_id else self.night_service

    @property
    def has_night_provider(self) -> bool:
        return bool(self.night_service_unit_id or self.night_service)

    @property
    def address_display(self) -> str:
        return ", ".join(p for p in [self.street_address, f"{self.postal_code} {self.city}".strip()] if p)


class Relative(models.Model):
    """A närstående: who to call, and whether they take part in planning."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")
        ordering = ["-is_primary_contact", "name"]

    def __str__(self):
        return self.name
