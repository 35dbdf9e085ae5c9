from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field in one wrapper with its label, help text and errors tied to the input
    (templates/includes/field.html), so grids lay out fields, not their parts."""

    field_template_name = "includes/field.html"
