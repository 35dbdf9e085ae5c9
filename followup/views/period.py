"""Placeholder: the period page is built on its own branch."""

from cases import access


@access.requires("followup.view_followup")
def period(request):
    raise NotImplementedError


@access.requires("followup.view_followup")
def export(request, table, fmt):
    raise NotImplementedError
