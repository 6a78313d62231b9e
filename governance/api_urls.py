"""The API root: each app registers its viewsets on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from contractors import api as contractors_api
from governance.assessment import api as assessment_api
from governance.dashboard.api import DashboardAPIView
from governance.meetings import api as meetings_api
from governance.security import tokens as security_tokens
from governance.security.tokens import token_view
from governance.security.views import PersonalDataView
from grids import api as grids_api
from incidents import api as incidents_api
from inspections import api as inspections_api
from inspections import campaign_api, fieldwork_api, interview_api, rectification_api

router = DefaultRouter()
grids_api.register(router)
incidents_api.register(router)
inspections_api.register(router)
fieldwork_api.register(router)
campaign_api.register(router)
rectification_api.register(router)
interview_api.register(router)
meetings_api.register(router)
security_tokens.register(router)
assessment_api.register(router)
contractors_api.register(router)

urlpatterns = [
    path("auth/token/", token_view, name="api-token"),
    path("users/me/", grids_api.MeView.as_view(), name="api-me"),
    path("dashboard/", DashboardAPIView.as_view(), name="api-dashboard"),
    path("dashboard/zones/<int:zone_id>/", DashboardAPIView.as_view(), name="api-dashboard-zone"),
    path("personal-data/<str:key>/<int:pk>/", PersonalDataView.as_view(), name="personal-data"),
    path("", include(router.urls)),
]
