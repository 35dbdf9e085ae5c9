from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("messages/<int:pk>/reply/", views.message_reply, name="message_reply"),
    path("messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("messages/<int:pk>/attachment.pdf", views.message_attachment, name="message_attachment"),
    path("cases/<int:pk>/messages/", views.case_messages, name="case_messages"),
    path("cases/<int:pk>/summary-to-team/", views.summary_to_team, name="summary_to_team"),
    path("cases/<int:pk>/handover/", views.handover_edit, name="handover_edit"),
    path("cases/<int:pk>/handover.pdf", views.handover_pdf, name="handover_pdf"),
]
