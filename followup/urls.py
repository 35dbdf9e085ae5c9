from django.urls import path

from .views import capacity, caseload, period

urlpatterns = [
    path("followup/", caseload.caseload, name="followup_caseload"),
    path("followup/export/<slug:table>.<slug:fmt>", caseload.export, name="followup_caseload_export"),
    path("followup/period/", period.period, name="followup_period"),
    path("followup/period/export/<slug:table>.<slug:fmt>", period.export, name="followup_period_export"),
    path("followup/capacity/", capacity.capacity, name="followup_capacity"),
]
