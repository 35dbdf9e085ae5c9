"""Forms of the handover pages: parse and explain; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Message, Recipient


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} – {obj.get_kind_display()}" + (f" ({obj.provider})" if obj.provider else "")


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
    recipients = RecipientChoiceField(label=_("Receivers"), queryset=Recipient.objects.none())

    def __init__(self, *args, case_recipients, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Recipient.objects.filter(pk__in=[r.pk for r in case_recipients])
        if kinds:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Kind"), choices=[c for c in Message.Kind.choices if c[0] in kinds], widget=forms.RadioSelect
            )
            self.order_fields(["kind", "subject", "body", "recipients"])


class CaseRecipientsForm(forms.Form):
    recipients = RecipientChoiceField(
        label=_("Hemtjänst receivers on the case"), queryset=Recipient.objects.none(), required=False
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Recipient.objects.filter(municipality=municipality, active=True)


class ReplyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Summary to the team"),
        help_text=_("Hemtjänst's daily summary, night staff included: how the client is, what was done."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class AcknowledgeForm(forms.Form):
    representative = forms.CharField(
        label=_("Our representative at the meeting"),
        max_length=200,
        required=False,
        help_text=_("Name who will take part in the follow-up meeting."),
    )


class HandoverForm(forms.Form):
    working_methods = forms.CharField(
        label=_("Working methods developed with the client"), widget=forms.Textarea(attrs={"rows": 5})
    )
    aids = forms.CharField(label=_("Aids (hjälpmedel)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    goals_outcome = forms.CharField(
        label=_("Goals and their outcome"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contacts = forms.CharField(label=_("Contacts"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    watch_for = forms.CharField(label=_("What to watch for"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.interventions = list(interventions)
        for intervention in self.interventions:
            self.fields[f"how_{intervention.pk}"] = forms.CharField(
                label=_("%(intervention)s: how it is done now") % {"intervention": intervention.intervention_type},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def how_done_now(self) -> dict:
        return {i.pk: self.cleaned_data.get(f"how_{i.pk}", "") for i in self.interventions}

    def intervention_fields(self):
        return [self[f"how_{i.pk}"] for i in self.interventions]
