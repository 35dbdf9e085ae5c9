"""Forms parse and explain; the rules themselves live in services.py and the database."""

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .identity import InvalidIdentityNumber, parse_identity_number
from .models import Client, Consent, Intervention, InterventionType, LegalBasis, Recipient, Referral, Relative, Team

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonalNumberField(forms.CharField):
    """Accepts 10 or 12 digits with or without separator; cleans to 12 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identity number"))
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("help_text", _("10 or 12 digits, e.g. 19400101-1234. Coordination numbers too."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_identity_number(value, today=timezone.localdate()).number
        except InvalidIdentityNumber as err:
            raise forms.ValidationError(err.message, code="invalid") from err


class VersionField(forms.IntegerField):
    """The version of the record when the form was opened (hemgang.versions): the service refuses a save
    made from an older one. Hidden; the view sets it from the record, and to the current version after a
    refused save, so that saving again deliberately puts the user's input over the other change."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("The form is out of date. Open it again from the case page."),
                "invalid": _("The form is out of date. Open it again from the case page."),
                "min_value": _("The form is out of date. Open it again from the case page."),
            },
        )
        super().__init__(**kwargs)


class VersionedForm:
    """A form with a `VersionField`: its error (a form posted without the version, or with a broken one)
    is shown above the form, as the field itself is hidden."""

    def clean(self):
        cleaned = super().clean()
        if "version" in self._errors:
            self.add_error(None, self._errors.pop("version"))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Personal identity number or name"), max_length=100)


def _unit_label(unit) -> str:
    return f"{unit.name} ({unit.provider})" if unit.provider else unit.name


class ClientForm(VersionedForm, forms.ModelForm):
    personal_number = PersonalNumberField()
    version = VersionField()

    class Meta:
        model = Client
        fields = [
            "personal_number",
            "first_name",
            "last_name",
            "street_address",
            "postal_code",
            "city",
            "door_code",
            "phone",
            "protected_identity",
            "hemtjanst_group_unit",
            "hemtjanst_group",
            "safety_alarm_unit",
            "safety_alarm",
            "night_service_unit",
            "night_service",
        ]
        labels = {
            "hemtjanst_group": _("Other home-care group (not in the directory)"),
            "safety_alarm": _("Other safety alarm (not in the directory)"),
            "night_service": _("Other night service (not in the directory)"),
        }

    ADDRESS_FIELDS = ("street_address", "postal_code", "city", "door_code")
    # Each provider: the select of the directory's units of its kind, then the free text for one not in it.
    PROVIDERS = (
        ("hemtjanst_group_unit", Recipient.Kind.GROUP, "hemtjanst_group"),
        ("safety_alarm_unit", Recipient.Kind.SAFETY_ALARM, "safety_alarm"),
        ("night_service_unit", Recipient.Kind.NIGHT_PATROL, "night_service"),
    )

    def __init__(self, *args, municipality_id: int, hide_address: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for link, kind, _text in self.PROVIDERS:
            # The municipality's units in use, and the one already linked even if it is no longer in use.
            in_use = Q(municipality_id=municipality_id, kind=kind, active=True)
            current = getattr(self.instance, f"{link}_id", None)
            field = self.fields[link]
            field.queryset = Recipient.objects.filter(in_use | Q(pk=current) if current else in_use)
            field.empty_label = _("– none, or one not in the directory –")
            field.label_from_instance = _unit_label
            field.help_text = _("From the municipality's hemtjänst directory.")
        if self.instance.pk:
            # The number identifies the client; it is not changed on the edit form.
            del self.fields["personal_number"]
            self.initial.setdefault("version", self.instance.version)
        else:
            del self.fields["version"]
        if hide_address:
            # Skyddade personuppgifter: the stored address is not shown; typing a new one replaces it.
            for name in self.ADDRESS_FIELDS:
                self.initial[name] = ""
                self.fields[name].widget.attrs["placeholder"] = _("Protected – type to replace")

    def changed_address(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.ADDRESS_FIELDS if self.cleaned_data.get(name)}

    def validate_unique(self):
        # Uniqueness per municipality is a rule of the service (with a message that helps).
        pass

    def provider_pairs(self):
        """(select, free text) bound fields per provider, for the template."""
        return [(self[link], self[text]) for link, _kind, text in self.PROVIDERS]

    def clean(self):
        cleaned = super().clean()
        for link, _kind, text in self.PROVIDERS:
            if cleaned.get(link) and (cleaned.get(text) or "").strip():
                self.add_error(
                    text,
                    _("Choose the unit from the directory or write another provider (not in the directory), not both."),
                )
        return cleaned


class RelativeForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Relative
        fields = ["id", "name", "relation", "phone", "email", "is_primary_contact"]


RelativeFormSet = formset_factory(RelativeForm, extra=0, can_delete=True, max_num=10)


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "source",
            "source_unit",
            "admitted_on",
            "ready_for_discharge_at",
            "planned_homecoming_on",
            "reason",
            "triage",
            "exclusion_palliative",
            "exclusion_psychiatric",
            "exclusion_substance",
            "exclusion_comment",
        ]
        widgets = {
            "admitted_on": DATE,
            "planned_homecoming_on": DATE,
            "ready_for_discharge_at": DATETIME,
            "source": forms.RadioSelect,
            "triage": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 3}),
            "exclusion_comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _radio_without_blank(self, "source", "triage")


def _radio_without_blank(form, *names):
    """A radio group lists only the real choices: '---------' is no answer a case officer can give."""
    for name in names:
        field = form.fields[name]
        field.choices = [c for c in field.choices if c[0] != ""]


class ConsentForm(forms.ModelForm):
    receivers = forms.ModelMultipleChoiceField(
        label=_("Receivers the consent covers"),
        queryset=Recipient.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The case's receivers in hemtjänst. Nothing about the client is sent to a unit not ticked."),
    )

    class Meta:
        model = Consent
        fields = ["given_on", "given_by", "given_by_name", "form", "scope", "receivers", "recipients"]
        widgets = {
            "given_on": DATE,
            "given_by": forms.RadioSelect,
            "form": forms.RadioSelect,
            "scope": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "recipients": _("Other receivers named on the consent form. They receive nothing through the system.")
        }

    def __init__(self, *args, receivers, **kwargs):
        """`receivers`: the case's receivers (cases.selectors.consent_receiver_choices), the only ones offered."""
        super().__init__(*args, **kwargs)
        _radio_without_blank(self, "given_by", "form")
        field = self.fields["receivers"]
        field.queryset = Recipient.objects.filter(pk__in=[r.pk for r in receivers]).order_by("kind", "name")
        field.label_from_instance = lambda r: f"{r.name} – {r.get_kind_display().lower()}"
        self.initial.setdefault("receivers", [r.pk for r in receivers])
        if not receivers:
            field.help_text = _(
                "The case has no receivers in the hemtjänst directory yet: link the client's home-care group on the "
                "client's page, then record consent naming it."
            )


class ConsentWithdrawForm(forms.Form):
    reported_by = forms.CharField(
        label=_("Who noticed or reported it"), max_length=150, help_text=_("E.g. the client, or a team member.")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def capacity_reason_field() -> forms.CharField:
    """Asked only when the chosen team is at its capacity (the service says so)."""
    return forms.CharField(
        label=_("Reason to assign the team although it is full"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


def consent_gap_field() -> forms.BooleanField:
    """Asked only when the period runs past the consent's last day (the service says so)."""
    return forms.BooleanField(
        label=_("Register anyway: the client will be asked to renew consent before it runs out"),
        required=False,
    )


class DecisionForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    legal_basis = forms.ModelChoiceField(label=_("Legal basis"), queryset=LegalBasis.objects.none())
    needs_assessed = forms.BooleanField(label=_("After an individual needs assessment"), required=False, initial=True)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    capacity_override_reason = capacity_reason_field()
    consent_gap_accepted = consent_gap_field()

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)
        self.fields["legal_basis"].queryset = LegalBasis.objects.filter(municipality=municipality, active=True)


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = ["intervention_type", "times", "per", "minutes", "part_of_day", "note"]
        widgets = {
            "times": forms.NumberInput(attrs={"min": 1, "max": 24}),
            "minutes": forms.NumberInput(attrs={"min": 5, "max": 480, "step": 5}),
        }

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention_type"].queryset = InterventionType.objects.filter(
            municipality=municipality, active=True
        )


InterventionFormSet = formset_factory(
    InterventionForm, extra=0, can_delete=True, min_num=1, validate_min=True, max_num=20
)


class InterventionChangeForm(InterventionForm):
    """A line of an ändringsbeslut: with the `id` of an intervention in force, or new without one."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta(InterventionForm.Meta):
        fields = ["id", *InterventionForm.Meta.fields]


InterventionChangeFormSet = formset_factory(
    InterventionChangeForm, extra=0, can_delete=True, min_num=1, validate_min=True, max_num=20
)


class DecisionChangeForm(VersionedForm, forms.Form):
    version = VersionField()
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    consent_gap_accepted = consent_gap_field()


class TeamForm(VersionedForm, forms.Form):
    version = VersionField()
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    capacity_override_reason = capacity_reason_field()

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(municipality=municipality)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StartForm(ReasonForm):
    """The start of the support asks when the client came home: no visit is planned before it."""

    homecoming_at = forms.DateTimeField(
        label=_("When did the client come home?"),
        help_text=_("Date and time. No visits are planned before it."),
        widget=DATETIME,
    )

    field_order = ["homecoming_at", "reason"]
