"""Template tags every template has without `{% load %}` (TEMPLATES["OPTIONS"]["builtins"]).

`{% csrf_token %}` writes, beside the CSRF token, a submission key made for this rendering of the form,
so every POST form of the site (also one added tomorrow) is saved once however often it is sent
(hemgang/submissions.py). The key's input has no id: several forms on one page keep their ids unique.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from .submissions import FIELD, new_key

register = template.Library()


class CsrfTokenAndSubmissionKeyNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


@register.tag
def csrf_token(parser, token):
    return CsrfTokenAndSubmissionKeyNode()
