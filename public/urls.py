from django.urls import path

from . import views

# Open to anyone (views.py): the index of published plans, each plan's page and its CSV.
urlpatterns = [
    path("cong-khai/", views.public_index, name="public_index"),
    path("cong-khai/<int:pk>/", views.public_plan, name="public_plan"),
    path("cong-khai/<int:pk>/tien-do.csv", views.public_plan_csv, name="public_plan_csv"),
]
