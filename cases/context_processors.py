from django.utils.translation import gettext_lazy as _

from .models import Role


def navigation(request):
    """The menu shows what the role may do; access.py still decides on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [("home", _("Start"))]
    if user.has_perm("handover.view_inbox"):
        from handover.selectors import inbox_counts

        counts = inbox_counts(user)
        label = _("Inbox")
        if counts["unacknowledged"]:
            label = _("Inbox (%(count)s to acknowledge)") % {"count": counts["unacknowledged"]}
        items.append(("inbox", label))
    if user.has_perm("scheduling.view_day_board"):
        items.append(("day_board", _("Day board")))
    if user.has_perm("cases.search_clients"):
        items += [("client_search", _("Search client")), ("client_new", _("New client and referral"))]
    if user.role == Role.ADMINISTRATOR or user.is_superuser:
        items.append(("admin:index", _("Catalogues and users")))
    return {"nav": items}
