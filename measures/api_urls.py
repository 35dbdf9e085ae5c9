from django.urls import path

from . import apis

urlpatterns = [
    path("cases/<int:pk>/measures/", apis.MeasuresView.as_view(), name="api-case-measures"),
]
