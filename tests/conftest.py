"""The cast every test shares (healthchecks' alice/bob/charlie, on the seed plans).

Reference data and the two seed plans are loaded once per test database; each test
runs in a transaction that is rolled back, so the data is the same for all.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in

from devtools.two_factor import pass_without_code
from indicators.reference import load_all
from reporting.demo import load_demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_all()
        load_demo()


def _pass_second_step(sender, request, user, **kwargs):
    """Every login in a test passes the second step too, with a device made for it."""
    device = pass_without_code(request.session, user, device_name="tests")
    if hasattr(request, "user"):  # force_login's request has none
        request.user.otp_device = device


@pytest.fixture(autouse=True)
def two_factor_passed(request):
    """Logins (client.force_login, the login form) need no code, so tests go straight to their
    page; tests marked real_two_factor (tests/test_two_factor.py) get the real second step."""
    if request.node.get_closest_marker("real_two_factor"):
        yield
        return
    user_logged_in.connect(_pass_second_step, dispatch_uid="tests_pass_second_step")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_pass_second_step")


@pytest.fixture(autouse=True)
def fresh_progress_store():
    """Each test rolls the database back, so plans' progress versions repeat between tests:
    what one test's pages stored in the process must not answer the next's."""
    from reporting import figures

    figures.forget()
    yield
    figures.forget()


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def administrator(db):
    return _user("admin")


@pytest.fixture
def coordinator(db):
    """Sở Nội vụ An Giang."""
    return _user("snv.angiang")


@pytest.fixture
def other_province_coordinator(db):
    """Sở Nội vụ Đắk Nông."""
    return _user("snv.daknong")


@pytest.fixture
def lead_reporter(db):
    """Sở Y tế An Giang, which leads four dimension-6 tasks."""
    return _user("syt.angiang")


@pytest.fixture
def district_reporter(db):
    """UBND thành phố Long Xuyên, a member of the group "UBND cấp huyện"."""
    return _user("ubnd.longxuyen")


@pytest.fixture
def commune_reporter(db):
    """UBND xã Đắk Nia, a member of Đắk Nông's "UBND cấp xã"."""
    return _user("xa.daknia")


@pytest.fixture
def viewer(db):
    """A provincial leader of An Giang: reads only."""
    return _user("lanhdao.angiang")


@pytest.fixture
def outsider(db):
    """A logged-in user with no role anywhere."""
    return get_user_model().objects.create_user("nobody", password="x")


@pytest.fixture
def an_giang_plan(db):
    from plans.models import Plan

    return Plan.objects.get(document_number="179/KH-UBND")


@pytest.fixture
def dak_nong_plan(db):
    from plans.models import Plan

    return Plan.objects.get(document_number="46/QĐ-UBND")
