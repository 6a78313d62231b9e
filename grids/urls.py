from django.urls import path

from grids import inbox, views

app_name = "grids"

urlpatterns = [
    path("zones/", views.ZoneListView.as_view(), name="zone-list"),
    path("zones/<int:pk>/", views.ZoneDetailView.as_view(), name="zone-detail"),
    path("communities/", views.CommunityListView.as_view(), name="community-list"),
    path("communities/<int:pk>/", views.CommunityDetailView.as_view(), name="community-detail"),
    path("cells/", views.CellListView.as_view(), name="cell-list"),
    path("cells/<int:pk>/", views.CellDetailView.as_view(), name="cell-detail"),
    path("map/", views.CellMapView.as_view(), name="cell-map"),
    path("workers/", views.WorkerListView.as_view(), name="worker-list"),
    path("workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker-detail"),
    path("training/", views.TrainingListView.as_view(), name="training-list"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training-detail"),
    path("roster/", views.RosterView.as_view(), name="roster"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read/", inbox.notifications_read, name="notifications-read"),
    path("notifications/unread/", inbox.unread_count, name="notifications-unread"),
    path("notifications/<int:pk>/", inbox.notification_open, name="notification-open"),
]
