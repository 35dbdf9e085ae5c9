from django.shortcuts import render

from cases import access

from . import selectors


@access.requires("retention.view_records")
def retention_records(request):
    """What the retention job cleared: a read-only list of its records."""
    rows, total = selectors.records_for(request.user)
    return render(
        request,
        "retention/records.html",
        {"rows": rows, "total": total, "limit": selectors.RECORDS_SHOWN},
    )
