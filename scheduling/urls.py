from django.urls import path

from . import views

urlpatterns = [
    path("board/", views.day_board, name="day_board"),
    path("visits/<int:pk>/log/", views.visit_log, name="visit_log"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("cases/<int:pk>/visits/", views.case_visits, name="case_visits"),
    path("cases/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("cases/<int:pk>/journal/", views.journal, name="journal"),
    path("cases/<int:pk>/journal/draft/", views.journal_draft, name="journal_draft"),
    path("journal/<int:pk>/correct/", views.journal_correct, name="journal_correct"),
    path("cases/<int:pk>/meeting/", views.meeting, name="meeting"),
    path("cases/<int:pk>/meeting.ics", views.meeting_calendar, name="meeting_calendar"),
]
