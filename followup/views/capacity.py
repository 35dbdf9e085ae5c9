"""Placeholder: the capacity page is built on its own branch."""

from cases import access


@access.requires("followup.view_followup")
def capacity(request):
    raise NotImplementedError
