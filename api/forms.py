from django import forms
from django.utils.translation import gettext_lazy as _

from . import access

ALL_PROVINCES = "all"


class TokenForm(forms.Form):
    """A new token: its name, and the province it reads (or all of them, for an administrator)."""

    name = forms.CharField(
        label=_("Tên khóa"), max_length=100, help_text=_("Hệ thống dùng khóa, ví dụ “Bảng điều khiển của UBND tỉnh”.")
    )
    province = forms.ChoiceField(label=_("Tỉnh, thành phố"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = {str(p.pk): p for p in access.token_provinces(user)}
        choices = [(pk, str(p)) for pk, p in self.provinces.items()]
        if access.may_make_national_token(user):
            choices = [(ALL_PROVINCES, _("Mọi tỉnh, thành phố")), *choices]
        self.fields["province"].choices = choices

    def clean_province(self):
        value = self.cleaned_data["province"]
        return None if value == ALL_PROVINCES else self.provinces[value]
