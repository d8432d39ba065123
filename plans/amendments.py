"""Decisions that amend a plan (PlanAmendment): recording one, and which were in force on a day.

"The version in force on a day" (the plan page's `?ngay=dd/mm/yyyy`) is the plan as issued with
the amendments issued on or before that day, each saying what it changed, and its tasks and
targets as they stood at the end of that day, rebuilt from their history records
(plans.history.standing_on: tasks deleted since appear, tasks added since do not; the agencies
shown are today's assignments, which keep no history). The page says so at its top and is read
only. Records begin when the plan was entered with history on, or for a plan loaded or imported
before history existed (December 2026) at the first save of its tasks and targets after that
(plans.history.records_start): for a day before, or a day to come, the page says so and shows
today's tasks and targets."""

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanAmendment


class AmendmentForm(forms.ModelForm):
    """One decision: its number, day and what it changed; the model's clean keeps the day within
    the plan's years (plan_date_errors)."""

    class Meta:
        model = PlanAmendment
        fields = ["number", "issued_on", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "number": {"required": _("Hãy nhập số, ký hiệu của văn bản.")},
            "issued_on": {
                "required": _("Hãy nhập ngày ban hành."),
                "invalid": _("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2021."),
            },
            "summary": {"required": _("Hãy ghi nội dung sửa đổi.")},
        }

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, instance=PlanAmendment(plan=plan, created_by=user), **kwargs)
        self.fields["issued_on"].input_formats = ["%d/%m/%Y"]

    def clean_number(self):
        # The plan is not a field of the form, so the model's unique check would skip it.
        number = self.cleaned_data["number"].strip()
        if PlanAmendment.objects.filter(plan=self.instance.plan, number__iexact=number).exists():
            raise forms.ValidationError(_("Kế hoạch đã có văn bản sửa đổi mang số này."))
        return number


class DayForm(forms.Form):
    """The day asked for on the plan page (`?ngay=dd/mm/yyyy`)."""

    ngay = forms.DateField(
        input_formats=["%d/%m/%Y"],
        required=False,
        error_messages={"invalid": _("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2021.")},
    )


@dataclass
class InForce:
    """The plan as it stood on `day`: the amendments issued by then, and those not yet."""

    day: datetime.date | None
    amendments: list  # all, in date order
    issued_yet: bool = True  # False: the plan itself was issued after `day`

    @property
    def in_force(self):
        return self.amendments if self.day is None else PlanAmendment.in_force(self.amendments, self.day)

    @property
    def later(self):
        return [] if self.day is None else [a for a in self.amendments if a.issued_on > self.day]


def in_force(plan, query):
    """(InForce, error message or "") for the page's query string: one query."""
    form = DayForm(query)
    amendments = list(plan.amendments.order_by("issued_on", "id"))
    if not form.is_valid():
        return InForce(None, amendments), form.errors["ngay"][0]
    day = form.cleaned_data["ngay"]
    issued_yet = day is None or plan.issue_date is None or plan.issue_date <= day
    return InForce(day, amendments, issued_yet), ""
