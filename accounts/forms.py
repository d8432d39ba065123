from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from papi_tracker.collation import vietnamese
from plans.models import Agency, Membership

from . import access, services


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Mã xác thực"), max_length=12, strip=True)


class PasswordResetRequestForm(PasswordResetForm):
    """The "Quên mật khẩu" e-mail goes through accounts.services (a background task that makes the
    link), to every active user with that address, a password set or not (an invited user whose
    invitation expired gets a new link this way). The request does the same work whether the
    address is known or not: one query, one queued task (which may find nobody)."""

    email = forms.EmailField(
        label=_("Thư điện tử"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return [user for user in users if user.email.casefold() == email.casefold()]

    def save(self, request=None, **kwargs):
        ids = [user.pk for user in self.get_users(self.cleaned_data["email"])]
        transaction.on_commit(lambda: services.send_link_emails.enqueue("reset", ids))


class AccountForm(forms.Form):
    """One new account of an agency the user manages."""

    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=Agency.objects.none())
    full_name = forms.CharField(label=_("Họ và tên"), max_length=services.NAME_MAX_LENGTH)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=254)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Membership.Role.choices, initial=Membership.Role.REPORTER)
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=services.USERNAME_MAX_LENGTH,
        required=False,
        help_text=_("Để trống: lấy phần trước @ của địa chỉ thư điện tử."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        managed = access.managed_agencies(user).select_related("province")
        self.agencies = list(managed.order_by(vietnamese("province__name"), vietnamese("name")))
        several = len({agency.province_id for agency in self.agencies}) > 1
        self.fields["agency"].queryset = access.managed_agencies(user)
        self.fields["agency"].choices = [("", "---------")] + [
            (agency.pk, f"{agency.name} · {agency.province.name}" if several else agency.name) for agency in self.agencies
        ]
        self.row = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = services.AccountRow(
            line=0, agency_text="", full_name=data["full_name"], email=data["email"], role_text="",
            username=data["username"], agency=data["agency"], role=data["role"],
        )  # fmt: skip
        services.check_rows(self.user, [row], agencies=self.agencies)
        for column, message in row.errors:
            self.add_error(column, message)
        self.row = row
        return data


class AccountImportForm(forms.Form):
    file = forms.FileField(label=_("Danh sách (.xlsx)"))
