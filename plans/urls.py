from django.urls import path

from . import views

urlpatterns = [
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan_detail"),
]
