from django.urls import path

from . import views

urlpatterns = [
    path("konton/andringar/", views.account_requests, name="account_requests"),
    path("konton/andringar/<int:pk>/godkann/", views.account_request_approve, name="account_request_approve"),
    path("konton/andringar/<int:pk>/avsla/", views.account_request_reject, name="account_request_reject"),
    path("konto/losenord/<str:uidb64>/<str:token>/", views.account_set_password, name="account_set_password"),
    path("konton/nycklar/", views.api_tokens, name="api_tokens"),
    path("konton/nycklar/<int:pk>/aterkalla/", views.api_token_revoke, name="api_token_revoke"),
    path("konton/nycklar/<int:pk>/godkann/", views.api_token_approve, name="api_token_approve"),
    path("loggranskning/", views.log_review, name="log_review"),
    path("loggranskning/anvandare/<int:pk>/", views.log_review_user, name="log_review_user"),
    path("loggranskning/klient/<int:pk>/", views.log_review_client, name="log_review_client"),
    path("loggranskning/klient/<int:pk>/loggutdrag.pdf", views.log_extract, name="log_extract"),
]
