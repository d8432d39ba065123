from django import forms
from django.utils.translation import gettext_lazy as _


class EmailChoiceForm(forms.Form):
    email = forms.BooleanField(
        label=_("Nhận thông báo qua thư điện tử"),
        required=False,
        help_text=_("Tối đa một thư mỗi giờ, gộp các thông báo mới. Thư nhắc hạn báo cáo vẫn được gửi cho cơ quan."),
    )
