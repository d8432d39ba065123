"""The demo's province of 2026: An Giang as formed on 1/7/2025 (An Giang + Kiên Giang), set up as
a province starting today would be: its commune committees from the statistics office's list
(plans.communes), a coordinator and a commune reporter, and a 2026 plan whose content is made
up and says so. Its baselines are derived from the former provinces' 2024 scores
(indicators.derived), since PAPI has published none for the new unit. The 2020 seed plans stay
on the former provinces. Loading again changes nothing."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from indicators.derived import derived_scores
from indicators.models import Dimension, Province
from papi_tracker.sync import sync_object
from plans.communes import GROUP_NAME, create_commune_committees
from plans.demo import DEMO_PASSWORD, DemoUser
from plans.models import Agency, AgencyGroup, AgencyKind, Membership, Plan, Target, Task, TaskAssignment

from .calendar import create_periods

UNIT_CODE = "an-giang-2025"
DOCUMENT_NUMBER = "MH-01/KH-UBND"
LABEL = "dữ liệu minh họa: nội dung tự đặt, không phải văn bản đã ban hành"

AGENCIES = [
    ("Sở Nội vụ", AgencyKind.DEPARTMENT, True),
    ("Văn phòng UBND tỉnh", AgencyKind.DEPARTMENT, False),
    ("Sở Tư pháp", AgencyKind.DEPARTMENT, False),
    ("Sở Y tế", AgencyKind.DEPARTMENT, False),
    ("Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, False),
    ("Sở Tài chính", AgencyKind.DEPARTMENT, False),
    ("Thanh tra tỉnh", AgencyKind.INSPECTORATE, False),
    ("Công an tỉnh", AgencyKind.POLICE, False),
]

USERS = [
    DemoUser(
        "snv.angiang.moi",
        "Võ Thị Mai",
        "điều phối, Sở Nội vụ An Giang (đơn vị từ 01/07/2025, kế hoạch 2026)",
        agency="Sở Nội vụ",
        role=Membership.Role.COORDINATOR,
    ),
    DemoUser(
        "phuong.longxuyen",
        "Đỗ Văn Phúc",
        "báo cáo viên, UBND phường Long Xuyên (An Giang từ 01/07/2025)",
        agency="UBND phường Long Xuyên",
        role=Membership.Role.REPORTER,
    ),
]

# (dimension number or None, title, lead agency or group), made up for the demonstration.
TASKS = [
    (None, "Quán triệt kế hoạch đến các sở, ngành và UBND cấp xã; phân công theo dõi từng chỉ số.", "Sở Nội vụ"),
    (1, "Tổ chức đối thoại định kỳ giữa lãnh đạo xã, phường với người dân.", GROUP_NAME),
    (2, "Công khai dự toán, quyết toán ngân sách xã, phường tại trụ sở và trên cổng thông tin.", GROUP_NAME),
    (3, "Kiểm tra việc công khai, minh bạch trong quản lý đất đai, tài chính tại cấp xã.", "Thanh tra tỉnh"),
    (4, "Rà soát, cắt giảm thời gian giải quyết thủ tục hành chính tại bộ phận một cửa.", "Văn phòng UBND tỉnh"),
    (5, "Nâng cao chất lượng khám chữa bệnh tại trạm y tế xã, phường.", "Sở Y tế"),
    (6, "Hướng dẫn phân loại, thu gom rác thải sinh hoạt tại khu dân cư.", GROUP_NAME),
    (7, "Mở rộng thanh toán trực tuyến phí, lệ phí trên Cổng dịch vụ công.", "Sở Tài chính"),
    (8, "Tuyên truyền pháp luật về quyền tiếp cận thông tin cho người dân.", "Sở Tư pháp"),
]


@transaction.atomic
def load_merged_unit_demo():
    """Set up the merged An Giang and its 2026 plan; returns the plan."""
    unit = Province.objects.get(code=UNIT_CODE)
    agencies = {
        name: sync_object(Agency, {"province": unit, "name": name}, {"kind": kind, "is_coordinator": coordinator})
        for name, kind, coordinator in AGENCIES
    }
    create_commune_committees(unit)
    communes = AgencyGroup.objects.get(province=unit, name=GROUP_NAME)
    _users(unit)
    plan = sync_object(
        Plan,
        {"province": unit, "document_number": DOCUMENT_NUMBER},
        {
            "year": 2026,
            "title": f"Kế hoạch nâng cao Chỉ số PAPI tỉnh An Giang năm 2026 ({LABEL})",
            "issue_date": datetime.date(2026, 3, 10),
            "issuer": "UBND tỉnh An Giang",
            "baseline_year": 2024,
            "goal": f"Cải thiện điểm PAPI của tỉnh An Giang sau sắp xếp ({LABEL}).",
            "status": Plan.Status.ACTIVE,
        },
    )
    dimensions = {d.number: d for d in Dimension.objects.for_year(plan.year)}
    for order, (number, title, lead) in enumerate(TASKS, start=1):
        task = sync_object(
            Task,
            {"plan": plan, "number": str(order)},
            {"dimension": dimensions.get(number), "order": order, "title": title, "timeframe_kind": Task.TimeframeKind.ONGOING},
        )
        assignee = {"group": communes} if lead == GROUP_NAME else {"agency": agencies[lead]}
        TaskAssignment.objects.get_or_create(task=task, role=TaskAssignment.Role.LEAD, **assignee)
    # Targets a little above the derived baseline; the baseline itself stays derived (not recorded).
    derived = derived_scores(unit, plan.baseline_year)
    for dimension in dimensions.values():
        if dimension.pk in derived:
            aim = (derived[dimension.pk].value + Decimal("0.10")).quantize(Decimal("0.01"))
            sync_object(Target, {"plan": plan, "dimension": dimension}, {"target_score": aim})
    create_periods(plan)
    return plan


def _users(unit):
    User = get_user_model()
    for demo in USERS:
        last, _space, first = demo.full_name.rpartition(" ")
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User(username=demo.username, first_name=first, last_name=last)
            user.is_staff = demo.role == Membership.Role.COORDINATOR
            user.set_password(DEMO_PASSWORD)
            user.save()
        agency = Agency.objects.get(province=unit, name=demo.agency)
        sync_object(Membership, {"user": user, "agency": agency}, {"role": demo.role})
