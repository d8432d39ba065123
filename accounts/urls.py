from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.two_factor_verify, name="two_factor_verify"),
    path("tai-khoan/xac-thuc-hai-lop/", views.two_factor_setup, name="two_factor_setup"),
]
