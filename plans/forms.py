from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import PerformanceGroup

from .models import AgencyKind

MAX_SCORE_FILE_BYTES = 5 * 1024 * 1024


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp điểm PAPI (.xlsx hoặc .csv)"))
    year = forms.IntegerField(label=_("Năm (nếu tệp không có cột năm)"), required=False, min_value=2006, max_value=2100)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SCORE_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá 5 MB."))
        return upload


class TargetForm(forms.Form):
    """A dimension's target: a score, a group, or both; both empty removes it."""

    target_score = forms.DecimalField(
        label=_("Điểm phấn đấu"),
        min_value=1,
        max_value=10,
        max_digits=4,
        decimal_places=2,
        localize=True,
        required=False,
        error_messages={
            "min_value": _("Điểm của chỉ số nội dung từ 1 đến 10."),
            "max_value": _("Điểm của chỉ số nội dung từ 1 đến 10."),
            "invalid": _("Nhập điểm là một số, ví dụ 5,40."),
            "max_decimal_places": _("Điểm có tối đa 2 chữ số thập phân."),
        },
    )
    target_group = forms.TypedChoiceField(
        label=_("Nhóm phấn đấu"),
        choices=[("", "—")] + list(PerformanceGroup.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh mục nhiệm vụ (.xlsx)"), error_messages={"empty": _("Tệp trống.")})


class AgencyMappingForm(forms.Form):
    """For each agency name the file uses that matches nothing: an existing agency or group
    of the province, or a new agency of a chosen kind."""

    def __init__(self, *args, names, agencies, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        choices = [
            ("", _("— Chọn —")),
            (
                _("Tạo cơ quan mới"),
                [(f"new:{value}", _("Cơ quan mới: %(kind)s") % {"kind": label}) for value, label in AgencyKind.choices],
            ),
            (_("Nhóm cơ quan"), [(f"group:{g.pk}", g.name) for g in groups]),
            (_("Cơ quan"), [(f"agency:{a.pk}", a.name) for a in agencies]),
        ]
        for index, name in enumerate(names):
            self.fields[f"map-{index}"] = forms.ChoiceField(
                label=name, choices=choices, error_messages={"required": _("Hãy chọn cơ quan cho tên này.")}
            )

    def mapping(self):
        return {name: self.cleaned_data[f"map-{index}"] for index, name in enumerate(self.names)}
