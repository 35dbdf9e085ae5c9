from django.urls import path

from . import apis

urlpatterns = [
    path("day-board/", apis.DayBoardView.as_view(), name="api-day-board"),
    path("cases/<int:pk>/visits/", apis.CaseVisitsView.as_view(), name="api-case-visits"),
    path("visits/<int:pk>/log/", apis.VisitLogView.as_view(), name="api-visit-log"),
    path("cases/<int:pk>/meeting/", apis.MeetingView.as_view(), name="api-meeting"),
]
