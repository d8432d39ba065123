from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from indicators.models import Province
from papi_tracker.collation import vietnamese
from papi_tracker.ids import given_id
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
    """One new account of an agency the user manages. An administrator (or anyone managing
    several provinces) picks the province first (`province`, from the page's GET form), then one of
    its agencies: a list of every agency of the country would be thousands of options."""

    province = forms.IntegerField(required=False, widget=forms.HiddenInput)
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

    def __init__(self, *args, user, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        managed = access.managed_agencies(user)
        self.provinces = list(Province.objects.filter(pk__in=managed.values("province_id")).order_by(vietnamese("name")))
        chosen = self.data.get("province") if self.is_bound else province
        agency_id = given_id(self.data.get("agency")) if self.is_bound else None
        if not chosen and agency_id is not None:  # posted without it
            chosen = managed.filter(pk=agency_id).values_list("province_id", flat=True).first()
        self.chosen_province = next((p for p in self.provinces if str(p.pk) == str(chosen)), None)
        if self.chosen_province is None and len(self.provinces) == 1:
            self.chosen_province = self.provinces[0]
        self.fields["province"].initial = self.chosen_province.pk if self.chosen_province else None
        # Any managed agency is accepted (the choice is checked against this), its province's offered.
        self.fields["agency"].queryset = managed
        offered = managed.filter(province=self.chosen_province).order_by(vietnamese("name")) if self.chosen_province else []
        self.fields["agency"].choices = [("", "---------")] + [(agency.pk, agency.name) for agency in offered]
        self.row = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = services.AccountRow(
            line=0, agency_text="", full_name=data["full_name"], email=data["email"], role_text="",
            username=data["username"], agency=data["agency"], role=data["role"],
        )  # fmt: skip
        # The agency chosen is one the user manages (the field's queryset): the only one to check.
        services.check_rows(self.user, [row], agencies=[data["agency"]])
        for column, message in row.errors:
            self.add_error(column, message)
        self.row = row
        return data


class AccountImportForm(forms.Form):
    file = forms.FileField(label=_("Danh sách (.xlsx)"))
