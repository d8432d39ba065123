from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.two_factor_verify, name="two_factor_verify"),
    path("tai-khoan/xac-thuc-hai-lop/", views.two_factor_setup, name="two_factor_setup"),
    # "Quên mật khẩu", and the link of an invitation or a reset e-mail (Django's reset flow).
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-mat-khau/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-mat-khau/xong/", views.auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # The province's people, for its coordinators (accounts.access).
    path("tai-khoan/", views.account_list, name="account_list"),
    path("tai-khoan/them/", views.account_create, name="account_create"),
    path("tai-khoan/nhap-excel/", views.account_import, name="account_import"),
    path("tai-khoan/nhap-excel/mau.xlsx", views.account_import_template, name="account_import_template"),
    path("tai-khoan/<int:pk>/", views.account_detail, name="account_detail"),
    path("tai-khoan/<int:pk>/kich-hoat/", views.account_set_active, name="account_set_active"),
    path("tai-khoan/<int:pk>/gui-loi-moi/", views.account_invite, name="account_invite"),
    path("tai-khoan/<int:pk>/dat-lai-xac-thuc/", views.account_reset_two_factor, name="account_reset_two_factor"),
]
