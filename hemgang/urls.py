from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import access

urlpatterns = [
    path("login/", access.public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", access.public(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", access.public(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", access.public(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/", include("scheduling.api_urls")),
    path("api/v1/", include("handover.api_urls")),
    path("", include("cases.urls")),
    path("", include("scheduling.urls")),
    path("", include("handover.urls")),
]
