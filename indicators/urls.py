from django.urls import path

from . import views

urlpatterns = [
    path("tinh/<slug:code>/", views.province_detail, name="province_detail"),
    path("diem-papi/nhap/", views.score_import, name="score_import"),
]
