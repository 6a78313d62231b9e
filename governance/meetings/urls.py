"""Pages of the joint meetings, under /meetings/ (namespace `meetings`)."""

from django.urls import path

from governance.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.meeting_create, name="create"),
    path("this-week/", views.this_week, name="this-week"),
    path("decisions/", views.DecisionListView.as_view(), name="decisions"),
    path("decisions/export/", views.decision_export, name="decisions-export"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/refresh/", views.meeting_refresh, name="refresh"),
    path("<int:pk>/start/", views.meeting_start, name="start"),
    path("<int:pk>/publish/", views.meeting_publish, name="publish"),
    path("<int:pk>/items/add/", views.item_add, name="item-add"),
    path("<int:pk>/items/<int:item_pk>/withdraw/", views.item_withdraw, name="item-withdraw"),
    path("<int:pk>/items/<int:item_pk>/move/", views.item_move, name="item-move"),
    path("<int:pk>/run/", views.run_first, name="run"),
    path("<int:pk>/run/<int:item_pk>/", views.run_item, name="run-item"),
    path("<int:pk>/run/<int:item_pk>/clear/", views.decision_clear, name="decision-clear"),
    path("<int:pk>/print/agenda/", views.print_agenda, name="print-agenda"),
    path("<int:pk>/print/minutes/", views.print_minutes, name="print-minutes"),
]
