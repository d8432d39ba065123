"""Recovery: an administrator removes a user's device (Quản trị → TOTP devices) or backup codes;
the user enrols again at their next login (a province's coordinator does it on /tai-khoan/).
django-otp's admin, narrowed to administrators, with no adding or editing and no secret shown
(OTP_ADMIN_HIDE_SENSITIVE_DATA)."""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans import access

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class RecoveryTOTPDeviceAdmin(TOTPDeviceAdmin):
    def has_module_permission(self, request):
        return access.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def has_add_permission(self, request):
        return False  # a device is enrolled by its owner, from the QR code on their own page

    def has_change_permission(self, request, obj=None):
        return False


admin.site.unregister(StaticDevice)


@admin.register(StaticDevice)
class RecoveryStaticDeviceAdmin(StaticDeviceAdmin):
    """Backup codes, the same way: administrators may remove them, nobody reads them here."""

    inlines = []

    def has_module_permission(self, request):
        return access.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
