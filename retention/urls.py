from django.urls import path

from . import views

urlpatterns = [
    path("gallring/", views.retention_records, name="retention_records"),
]
