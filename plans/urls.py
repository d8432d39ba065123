from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/chi-tieu/", views.plan_targets, name="plan_targets"),
    path("ke-hoach/<int:pk>/sua-doi/", views.plan_amendment_add, name="plan_amendment_add"),
    path("ke-hoach/<int:pk>/ke-hoach.pdf", views.plan_pdf, name="plan_pdf"),
    path("ke-hoach/<int:pk>/danh-muc.xlsx", views.plan_excel, name="plan_excel"),
    path("ke-hoach/<int:pk>/nhap-nhiem-vu/", views.plan_task_import, name="plan_task_import"),
    path("ke-hoach/<int:pk>/nhap-van-ban/", views.plan_document_import, name="plan_document_import"),
    # "Công khai kế hoạch" / "Ngừng công khai": the plan's managers (the page itself: the `public` app).
    path("ke-hoach/<int:pk>/cong-khai/", views.plan_publication, name="plan_publication"),
    path("mau-danh-muc-nhiem-vu.xlsx", views.plan_template, name="plan_template"),
    # A unit's own set-up by its coordinators: commune committees, agencies in bulk.
    path("don-vi/<slug:code>/xa-phuong/", views.province_communes, name="province_communes"),
    path("don-vi/<slug:code>/nhap-co-quan/", views.agency_import_page, name="agency_import"),
]
