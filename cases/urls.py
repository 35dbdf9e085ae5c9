from django.contrib.auth import views as auth_views
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import access, views

urlpatterns = [
    path("login/", access.public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", access.public(auth_views.LogoutView.as_view()), name="logout"),
    path("api/schema/", access.public(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", access.public(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("clients/search/", views.client_search, name="client_search"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/referral/", views.referral_new, name="referral_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/consent/", views.consent_new, name="consent_new"),
    path("cases/<int:pk>/consent/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("cases/<int:pk>/decision/", views.decision_new, name="decision_new"),
    path("cases/<int:pk>/decision/change/", views.decision_change, name="decision_change"),
    path("cases/<int:pk>/team/", views.case_team, name="case_team"),
    path("cases/<int:pk>/move/<slug:to>/", views.case_transition, name="case_transition"),
]
