from django.urls import path

from . import apis

urlpatterns = [
    path("referrals/", apis.ReferralCreateView.as_view(), name="api-referral-create"),
    path("referrals/<int:pk>/", apis.ReferralStatusView.as_view(), name="api-referral-status"),
    path("cases/", apis.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", apis.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/decision/", apis.DecisionDetailView.as_view(), name="api-decision-detail"),
    path("cases/<int:pk>/consents/", apis.ConsentCreateView.as_view(), name="api-consent-create"),
]
