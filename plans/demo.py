"""Demo users, one per role, on the seed plans. Passwords are set only when a user is
created, so loading again changes nothing (and keeps a password someone changed)."""

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from papi_tracker.sync import sync_object

from .models import Agency, Membership

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "papi-demo-2020")


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    description: str
    province: str = ""
    agency: str = ""
    role: str = ""
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Quản trị hệ thống", "quản trị viên: dữ liệu tham chiếu, người dùng", is_superuser=True),
    DemoUser(
        "snv.angiang", "Nguyễn Thị Lan", "điều phối, Sở Nội vụ An Giang", "An Giang", "Sở Nội vụ", Membership.Role.COORDINATOR
    ),
    DemoUser(
        "syt.angiang",
        "Trần Văn Minh",
        "báo cáo viên, Sở Y tế An Giang (cơ quan chủ trì)",
        "An Giang",
        "Sở Y tế",
        Membership.Role.REPORTER,
    ),
    DemoUser(
        "ubnd.longxuyen",
        "Lê Thị Hoa",
        "báo cáo viên, UBND thành phố Long Xuyên (UBND cấp huyện)",
        "An Giang",
        "UBND thành phố Long Xuyên",
        Membership.Role.REPORTER,
    ),
    DemoUser(
        "lanhdao.angiang",
        "Phạm Văn Hùng",
        "lãnh đạo tỉnh An Giang (chỉ xem)",
        "An Giang",
        "Văn phòng UBND tỉnh",
        Membership.Role.VIEWER,
    ),
    DemoUser(
        "snv.daknong", "Hoàng Văn Nam", "điều phối, Sở Nội vụ Đắk Nông", "Đắk Nông", "Sở Nội vụ", Membership.Role.COORDINATOR
    ),
    DemoUser(
        "xa.daknia",
        "H'Hen Niê",
        "báo cáo viên, UBND xã Đắk Nia (UBND cấp xã)",
        "Đắk Nông",
        "UBND xã Đắk Nia",
        Membership.Role.REPORTER,
    ),
]


@transaction.atomic
def load_demo_users():
    User = get_user_model()
    for demo in DEMO_USERS:
        first, _, last = demo.full_name.rpartition(" ")
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User(username=demo.username)
            user.set_password(DEMO_PASSWORD)
        # Coordinators work in the admin; everyone else only in the app.
        is_staff = demo.is_superuser or demo.role == Membership.Role.COORDINATOR
        wanted = {
            "first_name": last,
            "last_name": first,
            "is_staff": is_staff,
            "is_superuser": demo.is_superuser,
            "is_active": True,
        }
        if user.pk is None or any(getattr(user, k) != v for k, v in wanted.items()):
            for field, value in wanted.items():
                setattr(user, field, value)
            user.save()
        if demo.agency:
            agency = Agency.objects.get(province__name=demo.province, province__valid_from__isnull=True, name=demo.agency)
            sync_object(Membership, {"user": user, "agency": agency}, {"role": demo.role})
