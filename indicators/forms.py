from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SCORE_FILE_BYTES = 5 * 1024 * 1024


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp điểm PAPI (.xlsx hoặc .csv)"))
    year = forms.IntegerField(label=_("Năm (nếu tệp không có cột năm)"), required=False, min_value=2006, max_value=2100)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SCORE_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá 5 MB."))
        return upload
