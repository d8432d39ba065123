from django.urls import path

from . import views

urlpatterns = [
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
    path("thong-bao/da-doc/", views.notification_mark_read, name="notification_mark_read"),
    path("thong-bao/cai-dat/", views.notification_settings, name="notification_settings"),
]
