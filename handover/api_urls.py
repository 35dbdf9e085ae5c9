from django.urls import path

from . import apis

urlpatterns = [
    path("messages/", apis.MessageListView.as_view(), name="api-message-list"),
    path("messages/<int:pk>/", apis.MessageDetailView.as_view(), name="api-message-detail"),
    path("messages/<int:pk>/acknowledge/", apis.MessageAcknowledgeView.as_view(), name="api-message-acknowledge"),
]
