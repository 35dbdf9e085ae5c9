from django.contrib.auth import views as auth_views
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import access, views
from .signin import views as signin

urlpatterns = [
    path("login/", access.public(signin.SignInView.as_view()), name="login"),
    path("login/verify/", access.signing_in(signin.verify), name="login_verify"),
    path("login/enrol/", access.signing_in(signin.enrol), name="login_enrol"),
    path("login/oidc/", access.public(signin.IdentityProviderStart.as_view()), name="oidc_start"),
    path("login/oidc/callback/", access.public(signin.IdentityProviderCallback.as_view()), name="oidc_callback"),
    path("logout/", access.public(auth_views.LogoutView.as_view()), name="logout"),
    path("api/schema/", access.public(SpectacularAPIView.as_view()), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", access.public(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
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
