from django.contrib import admin
from django.urls import include, path

# The project names no app's code, only its URL modules: hemgang/ is the layer every app stands on. The
# sign-in pages and the API schema are in cases/urls.py, declared public through cases/access.py.
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/", include("measures.api_urls")),
    path("api/v1/", include("scheduling.api_urls")),
    path("api/v1/", include("handover.api_urls")),
    path("", include("cases.urls")),
    path("", include("measures.urls")),
    path("", include("scheduling.urls")),
    path("", include("handover.urls")),
    path("", include("notifications.urls")),
    path("", include("followup.urls")),
    path("", include("audit.urls")),
    path("", include("retention.urls")),
]
