"""The demo: the two seed plans with their 2020 reporting periods, and one user per role."""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from plans.demo import load_demo_users
from plans.models import Task, TaskAssignment, touch_plans
from plans.obligations import assignees
from plans.seed import load_plan, seed_files

from .calendar import create_periods
from .models import Report, TaskProgress


def load_demo():
    plans = []
    for path in seed_files():
        plan, year_due_date = load_plan(path)
        create_periods(plan, year_due_date=year_due_date)
        plans.append(plan)
    load_demo_users()
    return plans


DEMO_DIFFICULTIES = [
    "Kinh phí thực hiện chưa được bố trí kịp thời.",
    "Thiếu cán bộ có chuyên môn; cán bộ kiêm nhiệm nhiều việc.",
    "Người dân ở vùng sâu, vùng xa còn ít tham gia góp ý.",
    "Hệ thống phần mềm một cửa điện tử còn lỗi, chưa liên thông.",
]


def load_demo_reports(plan, seed=2020):
    """Sample reports for a demo plan, so its dashboard has something to show: most agencies
    send each period, some late, some not at all; tasks advance period by period. Reproducible
    (a seeded generator) and written once: a plan that has reports is left alone."""
    if Report.objects.filter(period__plan=plan).exists():
        return 0
    rng = random.Random(f"{seed}-{plan.document_number}")
    obligations = assignees([plan])
    tasks_of = defaultdict(list)
    for task in Task.objects.filter(plan=plan).order_by("order", "id"):
        for agency_id in obligations.get(task.pk, {}).get(TaskAssignment.Role.LEAD, set()) | obligations.get(task.pk, {}).get(
            TaskAssignment.Role.COORDINATING, set()
        ):
            tasks_of[agency_id].append(task)
    periods = list(plan.periods.order_by("end", "-start"))
    reports, answers = [], []
    for index, period in enumerate(periods):
        progress_share = (index + 1) / len(periods)  # how far the year has come
        for agency_id in sorted(tasks_of):
            roll = rng.random()
            if roll < 0.15 + 0.05 * index:
                continue  # never sent
            late_days = rng.randint(1, 12) if roll > 0.8 else 0
            sent = timezone.make_aware(datetime.datetime.combine(period.due_date, datetime.time(16, 30)))
            sent += datetime.timedelta(days=late_days - (0 if late_days else rng.randint(0, 2)))
            report = Report(
                agency_id=agency_id,
                period=period,
                status=Report.Status.ACCEPTED if rng.random() < 0.7 else Report.Status.SUBMITTED,
                submitted_at=sent,
                first_submitted_at=sent,
                version=1,
            )
            reports.append(report)
            for task in tasks_of[agency_id]:
                draw = rng.random()
                if draw < progress_share * 0.75:
                    status, done = TaskProgress.Status.COMPLETED, 100
                elif draw < 0.9:
                    status, done = TaskProgress.Status.IN_PROGRESS, rng.choice([20, 40, 50, 60, 80])
                else:
                    status, done = TaskProgress.Status.NOT_STARTED, 0
                answers.append(
                    TaskProgress(
                        report=report,
                        task=task,
                        status=status,
                        percent_done=done,
                        narrative="Đã triển khai theo kế hoạch." if done else "",
                        difficulties=rng.choice(DEMO_DIFFICULTIES)
                        if status != TaskProgress.Status.COMPLETED and rng.random() < 0.2
                        else "",
                    )
                )
    with transaction.atomic():
        Report.objects.bulk_create(reports)
        TaskProgress.objects.bulk_create(answers)
        touch_plans([plan.pk])  # bulk inserts send no signals
    return len(reports)
