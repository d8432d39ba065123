from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/chi-tieu/", views.plan_targets, name="plan_targets"),
    path("ke-hoach/<int:pk>/ke-hoach.pdf", views.plan_pdf, name="plan_pdf"),
    path("ke-hoach/<int:pk>/danh-muc.xlsx", views.plan_excel, name="plan_excel"),
    path("ke-hoach/<int:pk>/nhap-nhiem-vu/", views.plan_task_import, name="plan_task_import"),
    path("mau-danh-muc-nhiem-vu.xlsx", views.plan_template, name="plan_template"),
    path("tinh/<slug:code>/", views.province_detail, name="province_detail"),
    path("diem-papi/nhap/", views.score_import, name="score_import"),
]
