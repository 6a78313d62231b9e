from django.urls import path

from contractors.views import firms, forms, scorecard, visits

app_name = "contractors"

urlpatterns = [
    path("", firms.firm_list, name="firm-list"),
    path("compare/", scorecard.compare, name="compare"),
    path("dashboard-panel/", scorecard.dashboard_panel, name="dashboard-panel"),
    path("firms/new/", forms.firm_form, name="firm-create"),
    path("firms/<int:pk>/", firms.firm_detail, name="firm-detail"),
    path("firms/<int:pk>/edit/", forms.firm_form, name="firm-edit"),
    path("firms/<int:pk>/add/<str:part>/", forms.firm_part_form, name="firm-part-add"),
    path("contracts/new/", forms.contract_form, name="contract-create"),
    path("contracts/<int:pk>/plans/new/", forms.plan_create, name="plan-create"),
    path("contracts/<int:pk>/", firms.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/milestones/<int:milestone_pk>/pay/", firms.milestone_pay, name="milestone-pay"),
    path("contracts/<int:pk>/scorecard/", scorecard.scorecard_page, name="scorecard"),
    path("contracts/<int:pk>/scorecard/<str:key>/", scorecard.scorecard_drill, name="scorecard-drill"),
    path("contracts/<int:pk>/scorecard.xlsx", scorecard.scorecard_export, name="scorecard-export"),
    path("contracts/<int:pk>/spot-checks/draw/", scorecard.spotcheck_draw, name="spotcheck-draw"),
    path("spot-checks/<int:pk>/", scorecard.spotcheck_detail, name="spotcheck-detail"),
    path("plans/<int:pk>/", visits.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/revise/", forms.plan_revise, name="plan-revise"),
    path("visits/", visits.VisitListView.as_view(), name="visit-list"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/act/", visits.visit_act, name="visit-act"),
    path("visits/<int:pk>/finding/", visits.visit_finding, name="visit-finding"),
    path("visits/<int:pk>/report/", visits.visit_report, name="visit-report"),
    path("findings/<int:pk>/report/", visits.finding_report, name="finding-report"),
]
