from django.urls import path

from inspections import campaign_views as campaigns
from inspections import fieldwork_views as fieldwork
from inspections import interview_views as interviews
from inspections import ledger_views, views
from inspections import rectification_views as rectification

app_name = "inspections"
urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise-export"),
    path("enterprises/import/", views.enterprise_import, name="enterprise-import"),
    path("enterprises/import/template.xlsx", views.import_template, name="import-template"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("criteria/", views.ClauseListView.as_view(), name="clause-list"),
    path("checklists/", views.ChecklistListView.as_view(), name="checklist-list"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist-detail"),
    path("hazards/", fieldwork.HazardListView.as_view(), name="hazard-list"),
    path("hazards/ledger.xlsx", ledger_views.hazard_ledger_export, name="hazard-ledger"),
    path("hazards/<int:pk>/", fieldwork.hazard_detail, name="hazard-detail"),
    path("hazards/<int:pk>/act/", fieldwork.hazard_act, name="hazard-act"),
    path("hazards/<int:pk>/photos/<int:photo_pk>/", fieldwork.hazard_photo, name="hazard-photo"),
    path("inspections/", fieldwork.InspectionListView.as_view(), name="inspection-list"),
    path("enterprises/<int:pk>/inspect/", fieldwork.inspection_form, name="inspection-form"),
    path("inspections/<int:pk>/", fieldwork.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/answers/<int:answer_pk>/hazard/", fieldwork.raise_hazard, name="raise-hazard"),
    path("inspections/<int:pk>/photos/<int:photo_pk>/", fieldwork.inspection_photo, name="inspection-photo"),
    path("inspections/<int:pk>/signature/", fieldwork.inspection_signature, name="inspection-signature"),
    path("inspections/<int:pk>/edit/", fieldwork.inspection_edit, name="inspection-edit"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", campaigns.campaign_form, name="campaign-create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_form, name="campaign-edit"),
    path("campaigns/<int:pk>/act/", campaigns.campaign_act, name="campaign-act"),
    path("campaigns/<int:pk>/ledger.xlsx", campaigns.campaign_ledger_export, name="campaign-ledger"),
    path("rectification/", rectification.RectificationListView.as_view(), name="rectification-list"),
    path("enterprises/<int:pk>/notice/", rectification.notice_create, name="notice-create"),
    path("notices/<int:pk>/", rectification.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/serve/", rectification.notice_serve, name="notice-serve"),
    path("notices/<int:pk>/print/", rectification.notice_print, name="notice-print"),
    path("notices/<int:pk>/proof/", rectification.notice_proof, name="notice-proof"),
    path("hazards/<int:pk>/letters/<int:letter_pk>/print/", rectification.letter_print, name="letter-print"),
    path("hazards/<int:pk>/evidence/<int:photo_pk>/", rectification.evidence_photo, name="evidence-photo"),
    path("interviews/", interviews.InterviewListView.as_view(), name="interview-list"),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview-detail"),
    path("interviews/<int:pk>/act/", interviews.interview_act, name="interview-act"),
    path("interviews/<int:pk>/participants/", interviews.participant_add, name="interview-participant-add"),
    path("interviews/<int:pk>/commitment-scan/", interviews.interview_scan, name="interview-scan"),
    path("interviews/<int:pk>/print/notice/", interviews.print_notice, name="interview-print-notice"),
    path("interviews/<int:pk>/print/record/", interviews.print_record, name="interview-print-record"),
    path("interviews/<int:pk>/print/dossier/", interviews.print_dossier, name="interview-print-dossier"),
]
