from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/chi-tieu/", views.plan_targets, name="plan_targets"),
    path("tinh/<slug:code>/", views.province_detail, name="province_detail"),
    path("diem-papi/nhap/", views.score_import, name="score_import"),
]
