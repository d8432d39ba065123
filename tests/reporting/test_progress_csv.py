"""The plan's progress as CSV: who downloads it, what it says (the dashboard's figures), how
Excel reads it (UTF-8 with a byte-order mark), and a fixed number of queries."""

import csv
import io

import pytest
from django.urls import reverse

from plans.models import Agency
from reporting import progress
from tests.factories import grow_plan, report

pytestmark = pytest.mark.django_db


def rows(response):
    content = response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def answered(an_giang_plan):
    """Sở Y tế An Giang answered 6.1 (completed) and 6.2 (60 %) in its submitted year report."""
    health = Agency.objects.get(province=an_giang_plan.province, name="Sở Y tế")
    period = an_giang_plan.periods.get(kind="year")
    first, second = an_giang_plan.tasks.get(number="6.1"), an_giang_plan.tasks.get(number="6.2")
    report(health, period, "submitted", period.due_date, [(first, "completed", 100, ""), (second, "in_progress", 60, "")])
    return an_giang_plan


def test_it_gives_the_dashboards_figures(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(reverse("plan_progress_csv", args=[answered.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="tien-do-179kh-ubnd-{answered.year}.csv"'
    table = rows(response)
    assert table[0][:2] == ["Kế hoạch", "179/KH-UBND"]
    state = progress.plan_progress(answered)
    header = table.index(next(r for r in table if r and r[0] == "Chỉ số nội dung"))
    dimensions = table[header + 1 : header + 1 + len(state.dimensions)]
    for line, row in zip(dimensions, state.dimensions, strict=True):
        assert line[4:10] == [str(row.tasks.total), str(row.tasks.completed), str(row.tasks.in_progress),
                              str(row.tasks.not_started), str(row.tasks.overdue), str(row.tasks.completed_percent)]  # fmt: skip
        if row.baseline is not None:
            assert "," in line[1] and "." not in line[1]  # decimal comma, two decimals as on the page
    total = table[header + 1 + len(state.dimensions)]
    assert total[0] == "Tổng" and total[4] == str(state.tally.total) and total[5] == str(state.tally.completed)
    tasks = {line[1]: line for line in table[header + len(state.dimensions) + 4 :]}
    assert len(tasks) == answered.tasks.count()
    assert tasks["6.2"][5] == "Đang thực hiện" and tasks["6.2"][9] == "60"
    assert "Sở Y tế" in tasks["6.1"][3]


@pytest.mark.parametrize(
    "role, status",
    [("administrator", 200), ("coordinator", 200), ("viewer", 200), ("other_province_coordinator", 404),
     ("lead_reporter", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_dashboards_readers_download_it(client, request, answered, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("plan_progress_csv", args=[answered.pk])).status_code == status


def test_it_reads_a_fixed_number_of_queries(client, coordinator, answered, django_assert_max_num_queries):
    client.force_login(coordinator)
    url = reverse("plan_progress_csv", args=[answered.pk])
    # session, user, device (two-factor), membership checks (followed_plans), the plan; then
    # plan_progress's fixed set (periods, tasks, assignments, obligations, answers, agencies,
    # reports, scores, targets, dimensions).
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    grow_plan(answered, tasks=40, communes=20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(rows(response)) > 40


def test_a_title_a_spreadsheet_would_run_stays_text(client, coordinator, answered):
    """Found by review (CSV injection): a cell starting "=", "+", "-" or "@" gets a leading apostrophe."""
    answered.tasks.filter(number="6.1").update(title='=HYPERLINK("http://x.invalid","Xem")')
    answered.tasks.filter(number="6.2").update(title="- Tuyên truyền pháp luật")
    client.force_login(coordinator)
    tasks = {line[1]: line for line in rows(client.get(reverse("plan_progress_csv", args=[answered.pk]))) if len(line) > 2}
    assert tasks["6.1"][2] == '\'=HYPERLINK("http://x.invalid","Xem")' and tasks["6.2"][2] == "'- Tuyên truyền pháp luật"
