from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("ky-bao-cao/<int:period_pk>/co-quan/<int:agency_pk>/", views.report_form, name="report_form"),
    path("ky-bao-cao/<int:period_pk>/co-quan/<int:agency_pk>/excel/", views.report_excel, name="report_excel"),
    path("ky-bao-cao/<int:period_pk>/co-quan/<int:agency_pk>/excel/tai-len/", views.report_upload, name="report_upload"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("bao-cao/<int:pk>/tiep-nhan/", views.report_accept, name="report_accept"),
    path("bao-cao/<int:pk>/tra-lai/", views.report_return, name="report_return"),
    path("bao-cao/<int:pk>/huy-tiep-nhan/", views.report_undo_accept, name="report_undo_accept"),
    path("viec-can-lam/", views.coordinator_inbox, name="coordinator_inbox"),
    path("ky-bao-cao/<int:pk>/", views.review_queue, name="review_queue"),
    path("ky-bao-cao/<int:pk>/mo-lai/", views.period_reopen, name="period_reopen"),
    path("ky-bao-cao/<int:pk>/tiep-nhan/", views.bulk_accept, name="bulk_accept"),
    path("ky-bao-cao/<int:pk>/nhac-nho/", views.period_remind, name="period_remind"),
    path("ky-bao-cao/<int:pk>/xuat-da-chon/", views.period_export_selected, name="period_export_selected"),
    path("ky-bao-cao/<int:pk>/tong-hop/", views.compiled_report, name="compiled_report"),
    path("ky-bao-cao/<int:pk>/tong-hop.xlsx", views.compiled_excel, name="compiled_excel"),
    path("ky-bao-cao/<int:pk>/sua/", views.period_edit, name="period_edit"),
    path("ke-hoach/<int:pk>/tong-quan/", views.plan_dashboard, name="plan_dashboard"),
    path("ke-hoach/<int:plan_pk>/ky-bao-cao/", views.plan_periods, name="plan_periods"),
    path("toan-quoc/", views.national_overview, name="national_overview"),
    path("toan-quoc/xuat/", views.national_export, name="national_export"),
    path("ke-hoach/<int:pk>/xuat-ca-nam/", views.plan_year_export, name="plan_year_export"),
    path("xuat/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("xuat/<uuid:pk>/tai-ve/", views.export_download, name="export_download"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
]
