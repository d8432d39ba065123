"""`make run`'s province of 2026: the merged An Giang with its communes, a coordinator and a
reporter, a labelled made-up 2026 plan with derived baselines; loading again changes nothing."""

import pytest
from django.urls import reverse

from plans.models import Agency, AgencyKind, Membership, Plan, Target, Task
from reporting import demo_2026

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Agency.objects.count(),
        Membership.objects.count(),
        sorted(Task.objects.values_list("pk", "title")),
        sorted(Target.objects.values_list("pk", "target_score", "baseline_score")),
        Plan.objects.count(),
    )


def test_the_merged_an_giang_starts_2026_and_loading_again_changes_nothing(client):
    plan = demo_2026.load_merged_unit_demo()
    assert plan.province.code == "an-giang-2025" and plan.year == 2026
    assert "dữ liệu minh họa" in plan.title
    assert Agency.objects.filter(province=plan.province, kind=AgencyKind.COMMUNE_COMMITTEE).count() == 102
    assert plan.tasks.count() == 9 and plan.periods.exists()
    # Targets are set; their baselines stay derived, never recorded as published.
    assert plan.targets.count() == 8 and not plan.targets.exclude(baseline_score=None).exists()
    before = snapshot()
    demo_2026.load_merged_unit_demo()
    assert snapshot() == before

    client.force_login(Membership.objects.get(user__username="snv.angiang.moi").user)
    targets = client.get(reverse("plan_targets", args=[plan.pk]))
    assert "ước tính từ An Giang 4,27 và Kiên Giang 4,12" in targets.text
    dashboard = client.get(reverse("plan_dashboard", args=[plan.pk]))
    assert "ước tính từ An Giang 4,27 và Kiên Giang 4,12" in dashboard.text

    client.force_login(Membership.objects.get(user__username="phuong.longxuyen").user)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and "MH-01/KH-UBND" in home.text


def test_the_compiled_report_of_a_merged_unit_says_its_baseline_is_derived(client, tmp_path):
    from django.utils import timezone

    from tests.pdf import pdf_text

    plan = demo_2026.load_merged_unit_demo()
    client.force_login(Membership.objects.get(user__username="snv.angiang.moi").user)
    heading = {"number": "1/BC-SNV", "issue_date": f"{timezone.localdate():%d/%m/%Y}", "summary": "Báo cáo",
               "signer_title": "GIÁM ĐỐC", "signer_name": "Võ Thị Mai", "recipients": "UBND tỉnh"}  # fmt: skip
    response = client.post(reverse("compiled_report", args=[plan.periods.get(kind="year").pk]), heading)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "năm 2024: 4,20 điểm, ước tính từ An Giang 4,27 và Kiên Giang 4,12" in text
