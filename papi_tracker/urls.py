from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from .views import health, keep_alive

admin.site.site_header = _("PAPI Tracker · Quản trị")
admin.site.site_title = _("PAPI Tracker")
admin.site.index_title = _("Quản trị dữ liệu")

urlpatterns = [
    path("", include("reporting.urls")),
    path("", include("plans.urls")),
    path("", include("indicators.urls")),
    path("", include("notifications.urls")),
    path("", include("public.urls")),  # published plans, open to anyone (/cong-khai/)
    path("", include("accounts.urls")),  # login with its second step, two-factor enrolment
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The language switcher is on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # One login page: the admin's own would not count failures by the browser's device cookie
    # (accounts.lockout). The admin sends users here with `next`, which is kept.
    path("quan-tri/login/", login_not_required(RedirectView.as_view(pattern_name="login", query_string=True))),
    path("quan-tri/", admin.site.urls),
    path("suc-khoe/", health, name="health"),
    path("phien/", keep_alive, name="keep_alive"),
    # The read-only API for provinces' systems, by token (api/; DEVELOPING.md, "The API").
    path("api/v1/", include("api.urls")),
    path("khoa-api/", include("api.page_urls")),  # who makes and revokes tokens
]
