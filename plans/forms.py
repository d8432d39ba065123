from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import PerformanceGroup
from papi_tracker.limits import PASTED_PLAN_MAX_LENGTH

from .models import AgencyKind
from .plan_import import normalise

AGENCY_LIST_MAX_BYTES = 2 * 1024 * 1024


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


class PlanDocumentForm(forms.Form):
    """The plan as the People's Committee issued it: a Word or PDF file, or its text pasted."""

    document = forms.FileField(label=_("Văn bản kế hoạch (.docx hoặc .pdf có lớp chữ)"), required=False)
    text = forms.CharField(
        label=_("Hoặc dán nội dung văn bản"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PASTED_PLAN_MAX_LENGTH,
        required=False,
        strip=True,
    )

    def clean(self):
        data = super().clean()
        if not data.get("document") and not data.get("text"):
            raise forms.ValidationError(_("Hãy chọn tệp văn bản hoặc dán nội dung kế hoạch."))
        if data.get("document") and data.get("text"):
            raise forms.ValidationError(_("Chọn tệp hoặc dán nội dung, không cả hai."))
        return data


class SectionMappingForm(forms.Form):
    """For each heading of the document that names no PAPI dimension: the dimension its tasks
    belong to, or the general tasks."""

    def __init__(self, *args, headings, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = [heading["text"] for heading in headings]
        choices = [("", _("— Chọn —")), ("0", _("Chỉ đạo, điều hành chung (không thuộc chỉ số nào)"))]
        choices += [(str(d.pk), f"{d.number}. {d.name}") for d in dimensions]
        for index, heading in enumerate(headings):
            self.fields[f"section-{index}"] = forms.TypedChoiceField(
                label=heading["text"],
                help_text=heading.get("where", ""),
                choices=choices,
                coerce=int,
                error_messages={"required": _("Hãy chọn chỉ số nội dung cho tiêu đề này.")},
            )

    def sections(self):
        return {text: self.cleaned_data[f"section-{index}"] for index, text in enumerate(self.headings)}


class AgencyMappingForm(forms.Form):
    """For each agency name the file uses that matches nothing: an existing agency or group
    of the province, or a new agency of a chosen kind."""

    def __init__(self, *args, names, agencies, groups, may_create=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names
        choices = [("", _("— Chọn —"))]
        if may_create:  # new agencies of the province: its coordinators', not one local plan's
            choices.append(
                (
                    _("Tạo cơ quan mới"),
                    [(f"new:{value}", _("Cơ quan mới: %(kind)s") % {"kind": label}) for value, label in AgencyKind.choices],
                )
            )
        choices += [
            (_("Nhóm cơ quan"), [(f"group:{g.pk}", g.name) for g in groups]),
            (_("Cơ quan"), [(f"agency:{a.pk}", a.name) for a in agencies]),
        ]
        for index, name in enumerate(names):
            self.fields[f"map-{index}"] = forms.ChoiceField(
                label=name, choices=choices, error_messages={"required": _("Hãy chọn cơ quan cho tên này.")}
            )

    def mapping(self):
        return {name: self.cleaned_data[f"map-{index}"] for index, name in enumerate(self.names)}


class CommuneChoiceForm(forms.Form):
    """The communes of the statistics office's list to create committees for: every one not yet
    there (`present`: plans.communes.present_names) is ticked at first."""

    communes = forms.TypedMultipleChoiceField(
        label=_("Xã, phường, đặc khu"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một xã, phường.")},
    )

    def __init__(self, *args, communes, present, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["communes"]
        field.choices = [(c.code, c.name) for c in communes]
        field.initial = [c.code for c in communes if normalise(c.committee) not in present]


class AgencyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách cơ quan (.xlsx hoặc .csv): tên cơ quan, tên viết tắt, loại, thư điện tử"),
        error_messages={"empty": _("Tệp trống.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > AGENCY_LIST_MAX_BYTES:  # refused before it is read
            raise forms.ValidationError(_("Tệp lớn hơn 2 MB."))
        return upload
