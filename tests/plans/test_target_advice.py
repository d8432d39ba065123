"""The targets page's advice (plans/target_suggestions.py): the weakest sub-dimensions no task
addresses, and a suggested target per dimension with its reasoning, shown beside the field and
never filled in."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import SubDimension
from plans import hooks
from plans.models import Agency, Task
from plans.target_suggestions import Completion, suggest
from reporting import completion, next_year
from reporting.models import Report, TaskProgress
from tests.factories import add_tasks, report

pytestmark = pytest.mark.django_db

D = Decimal


def done(completed, total, percent):
    """Completion of a plan of 2023."""
    return Completion((SimpleNamespace(years_label="2023"),), completed, total, percent)


def hint(baseline, median, best, source=""):
    return SimpleNamespace(baseline=baseline, median=median, best=best, reference_year=2024, baseline_source=source)


def test_reporting_answers_the_hook():
    assert hooks._answers == {"previous_completion": completion.previous_completion}


def test_below_the_median_the_suggestion_closes_the_gap_as_far_as_last_year_went():
    last_year = done(38, 59, 64)
    with translation.override("vi"):
        made = suggest(hint(D("4.56"), D("4.80"), D("5.90")), last_year, 2024)
    # 4,56 + 0,24 × 0,64 = 4,7136 → 4,71
    assert made.value == D("4.71")
    assert made.reason == (
        "Điểm 2024: 4,56; trung vị toàn quốc 2024: 4,80 (thiếu 0,24); kế hoạch 2023 hoàn thành 64 % nhiệm vụ (38/59)"
        " → đề xuất 4,71 (4,56 + 0,24 × 64 %)."
    )


def test_above_the_median_it_moves_half_as_fast_towards_the_best():
    with translation.override("vi"):
        made = suggest(hint(D("5.00"), D("4.80"), D("6.00")), done(1, 2, 50), 2024)
    # 5,00 + (6,00 − 5,00) × 0,50 ÷ 2 = 5,25
    assert made.value == D("5.25")
    assert "đã đạt trung vị toàn quốc 2024 (4,80), cách điểm cao nhất 6,00 là 1,00" in made.reason
    assert made.reason.endswith("→ đề xuất 5,25 (5,00 + 1,00 × 50 % ÷ 2).")


def test_no_suggestion_without_what_it_is_made_of():
    with translation.override("vi"):
        no_plan = suggest(hint(D("4.56"), D("4.80"), D("5.90"), source="ước tính từ …"), None, 2024)
        no_score = suggest(hint(None, D("4.80"), D("5.90")), done(1, 2, 50), 2024)
        no_median = suggest(hint(D("4.56"), None, None), done(1, 2, 50), 2024)
        nothing_done = suggest(hint(D("4.56"), D("4.80"), D("5.90")), done(0, 5, 0), 2024)
    assert no_plan.value is None and no_plan.reason == (
        "Điểm 2024: 4,56 (ước tính); chưa có kế hoạch năm trước có nhiệm vụ để tính tỷ lệ hoàn thành: không đề xuất."
    )
    assert no_score.value is None and "Chưa có điểm năm cơ sở 2024" in no_score.reason
    assert no_median.value is None and "chưa có trung vị toàn quốc" in no_median.reason
    assert nothing_done.value == D("4.56")  # never below the score


def test_the_weakest_sub_dimensions_no_task_addresses(client, coordinator, an_giang_plan):
    # The 2020 plan reads 2019's figures: in dimension 3, 3.2 (An Giang 0,68, median 1,05) is the only one below
    # the median; none of the plan's tasks names a sub-dimension, so it is listed, with the 5 dimension-wide tasks.
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[an_giang_plan.pk])
    response = client.get(url)
    advice = response.context["advice"]
    assert advice.analysis.year == 2019
    gaps = {g.dimension.number: g for g in advice.unaddressed}
    assert [f.sub_dimension.code for f in gaps[3].figures] == ["D3.2"] and gaps[3].general_tasks == 5
    assert [f.sub_dimension.code for f in gaps[2].figures] == ["D2.3", "D2.1"]
    assert 6 not in gaps and 7 not in gaps  # no sub-dimension below the median there
    assert "Chỉ số thành phần yếu nhất chưa có nhiệm vụ (điểm 2019)" in response.text
    assert "3.2 Giải đáp khiếu nại, tố cáo, khúc mắc của người dân (0,68, trung vị 1,05)" in response.text

    # A task that names 3.2 addresses it; one set to the whole dimension does not address 2.3 or 2.1.
    task = Task.objects.filter(plan=an_giang_plan, dimension__number=3).first()
    task.sub_dimension = SubDimension.objects.get(code="D3.2")
    task.save()
    gaps = {g.dimension.number: g for g in client.get(url).context["advice"].unaddressed}
    assert 3 not in gaps and [f.sub_dimension.code for f in gaps[2].figures] == ["D2.3", "D2.1"]


def test_the_first_plan_gets_no_suggestion_and_says_why(client, coordinator, an_giang_plan):
    client.force_login(coordinator)
    response = client.get(reverse("plan_targets", args=[an_giang_plan.pk]))
    assert response.context["advice"].completion is None
    assert all(s.value is None for s in response.context["advice"].suggestions.values())
    assert "chưa có kế hoạch năm trước có nhiệm vụ để tính tỷ lệ hoàn thành: không đề xuất." in response.text
    assert "data-suggestion-for" not in response.text


@pytest.fixture
def next_plan(an_giang_plan, coordinator):
    """An Giang's 2021 draft carried from the 2020 plan, whose Sở Y tế reported 6.1–6.3 completed."""
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    tasks = an_giang_plan.tasks.filter(number__in=["6.1", "6.2", "6.3"])
    report(health, period, Report.Status.ACCEPTED, sent_on=period.due_date,
           answers=[(t, TaskProgress.Status.COMPLETED, 100, "") for t in tasks])  # fmt: skip
    new, _made = next_year.carry_over(an_giang_plan, coordinator, include_finished=True)
    return new


def test_the_suggestion_reads_last_years_completion(client, coordinator, an_giang_plan, next_plan):
    last_year = completion.previous_completion(next_plan)
    assert last_year.plans == (an_giang_plan,) and last_year.total == an_giang_plan.tasks.count() == 58
    assert last_year.completed >= 3 and last_year.percent == (200 * last_year.completed + 58) // 116

    client.force_login(coordinator)
    response = client.get(reverse("plan_targets", args=[next_plan.pk]))
    rows = {hint.dimension.number: (hint, form, made) for hint, form, made in response.context["suggested_rows"]}
    hint_1, form_1, made_1 = rows[1]
    assert hint_1.reference_year == 2020 and hint_1.baseline is not None and hint_1.median is not None
    # The rule by hand from the hint's own figures.
    rate = D(last_year.percent) / 100
    if hint_1.baseline < hint_1.median:
        expected = (hint_1.baseline + (hint_1.median - hint_1.baseline) * rate).quantize(D("0.01"))
    else:
        expected = (hint_1.baseline + (hint_1.best - hint_1.baseline) * rate / 2).quantize(D("0.01"))
    assert made_1.value == expected
    shown = f"{expected:.2f}".replace(".", ",")
    assert f"kế hoạch 2020 hoàn thành {last_year.percent} % nhiệm vụ ({last_year.completed}/58)" in made_1.reason
    assert f"→ đề xuất {shown}" in made_1.reason and made_1.reason in response.text
    # Beside the field, with a button the script shows; the field keeps its own value.
    button = f'data-suggestion-for="id_d{hint_1.dimension.pk}-target_score" data-suggestion-value="{shown}" hidden'
    assert button in response.text
    assert form_1["target_score"].value() == (hint_1.target.target_score if hint_1.target else None)
    assert 'src="/static/js/target_suggestion.js"' in response.text or "target_suggestion" in response.text


def test_the_targets_page_runs_a_fixed_number_of_queries(
    client, coordinator, an_giang_plan, next_plan, django_assert_num_queries
):
    # session, user, two-factor device, plan, dimensions, targets, baselines, latest year, national statistics, unread
    # count; the advice: the plan before, its row of the national view as stored for the day (its completion) and
    # that row's period; the sub-dimensions' framework and scores, the plan's tasks. The first view of a day or of a
    # change also judges the plan before's tasks once and stores its row (reporting.progress.cached_plan_summaries).
    client.force_login(coordinator)
    url = reverse("plan_targets", args=[next_plan.pk])
    client.get(url)
    with django_assert_num_queries(16):
        client.get(url)
    add_tasks(an_giang_plan, 30)
    add_tasks(next_plan, 30)
    client.get(url)
    with django_assert_num_queries(16):
        response = client.get(url)
    completion = response.context["advice"].completion
    assert completion.total == an_giang_plan.tasks.count()  # the plan before's row, judged again after the change


def test_a_sub_dimension_dropped_from_the_plans_framework_is_not_asked_for(client, coordinator, next_plan):
    # The 2021 plan reads 2020's figures, where 5.2 (construction permits, dropped from 2021) is among dimension 5's
    # weakest (An Giang 1,77, median 1,90): no task of 2021 could name it, so only 5.1 is listed.
    client.force_login(coordinator)
    advice = client.get(reverse("plan_targets", args=[next_plan.pk])).context["advice"]
    d5 = next(b for b in advice.analysis.dimensions if b.dimension.number == 5)
    assert [f.sub_dimension.code for f in d5.weakest] == ["D5.2", "D5.1"]
    gaps = {g.dimension.number: g for g in advice.unaddressed}
    assert [f.sub_dimension.code for f in gaps[5].figures] == ["D5.1"]


def test_a_unit_of_1_7_2025_reads_its_former_provinces_plan_and_derived_figures(client, an_giang_plan):
    from django.contrib.auth import get_user_model

    from reporting import demo_2026

    plan = demo_2026.load_merged_unit_demo()  # the merged An Giang's 2026 plan
    assert completion.previous_completion(plan).plans == (an_giang_plan,)  # its former province's last plan
    client.force_login(get_user_model().objects.get(username="snv.angiang.moi"))
    response = client.get(reverse("plan_targets", args=[plan.pk]))
    advice = response.context["advice"]
    assert advice.analysis.derived and advice.analysis.year == 2024
    assert "Điểm của đơn vị là điểm ước tính từ các tỉnh trước sắp xếp." in response.text
    assert "kế hoạch 2020 hoàn thành" in response.text


def test_the_plan_page_lists_the_same_gaps_as_the_targets_page(client, coordinator, an_giang_plan, next_plan):
    for plan in (an_giang_plan, next_plan):
        client.force_login(coordinator)
        advice = client.get(reverse("plan_targets", args=[plan.pk])).context["advice"]
        shown = client.get(reverse("plan_detail", args=[plan.pk])).context
        assert shown["analysis"].year == advice.analysis.year
        assert [(g.dimension.pk, [f.sub_dimension.pk for f in g.figures], g.general_tasks) for g in shown["gaps"]] == [
            (g.dimension.pk, [f.sub_dimension.pk for f in g.figures], g.general_tasks) for g in advice.unaddressed
        ]
        assert shown["gaps"]
