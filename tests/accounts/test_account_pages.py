"""/tai-khoan/: a province's coordinator manages its people in the app; out of scope is a 404."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from plans.models import Membership

from .helpers import agency, link_in, member

pytestmark = pytest.mark.django_db
User = get_user_model()


def new_account(**changes):
    data = {"agency": agency("An Giang", "Sở Y tế").pk, "full_name": "Võ Thị Mai", "email": "vtmai@angiang.gov.vn",
            "role": "reporter", "username": ""}  # fmt: skip
    return data | changes


# The list


def test_the_list_shows_the_provinces_people_with_agency_role_email_and_last_login(client, coordinator, lead_reporter):
    client.force_login(coordinator)
    page = client.get(reverse("account_list"))
    assert page.status_code == 200
    text = page.text
    assert "Trần Văn Minh" in text and "Sở Y tế" in text and "Báo cáo viên" in text
    assert "chưa đăng nhập lần nào" in text
    assert "H&#x27;Hen Niê" not in text and "xa.daknia" not in text  # Đắk Nông
    assert ">admin<" not in text and "Quản trị hệ thống" not in text


def test_the_list_keeps_those_who_never_logged_in(client, coordinator, lead_reporter, viewer):
    User.objects.filter(pk=viewer.pk).update(last_login="2026-01-05T08:00:00+07:00")
    client.force_login(coordinator)  # the coordinator has logged in now
    text = client.get(reverse("account_list") + "?chua-dang-nhap=1").text
    assert lead_reporter.username in text and viewer.username not in text and f">{coordinator.username}<" not in text


def test_the_list_runs_a_fixed_number_of_queries(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    client.get(reverse("account_list"))  # warm: the session's first read
    # The header's unread notifications; then session, user, OTP device of the session, may_manage_accounts, the users (one
    # query with
    # their two-factor flag), their memberships with agency and province (one prefetch).
    with django_assert_num_queries(7) as small:
        client.get(reverse("account_list"))
    health = agency("An Giang", "Sở Y tế")
    for n in range(30):
        member(f"nguoi{n}", health)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("account_list"))
    assert "nguoi29" in page.text


# Out of scope: 404


@pytest.mark.parametrize("name", ["account_detail", "account_reset_two_factor"])
def test_another_provinces_user_and_an_administrator_are_404(client, coordinator, commune_reporter, administrator, name):
    client.force_login(coordinator)
    for person in (commune_reporter, administrator):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404
    assert client.get(reverse(name, args=[999999])).status_code == 404


def test_posts_on_another_provinces_user_change_nothing(client, coordinator, commune_reporter, administrator):
    client.force_login(coordinator)
    for person in (commune_reporter, administrator):
        assert client.post(reverse("account_set_active", args=[person.pk]), {"active": "0"}).status_code == 404
        assert client.post(reverse("account_reset_two_factor", args=[person.pk]), {"identity_checked": "1"}).status_code == 404
        person.refresh_from_db()
        assert person.is_active


def test_reporters_and_viewers_get_404(client, lead_reporter, viewer):
    for user in (lead_reporter, viewer):
        client.force_login(user)
        assert client.get(reverse("account_list")).status_code == 404
        assert client.post(reverse("account_create"), new_account()).status_code == 404
    assert not User.objects.filter(email="vtmai@angiang.gov.vn").exists()


# Creating and inviting


def test_a_coordinator_creates_an_account_and_invites_it(client, coordinator, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_create"), new_account())
    user = User.objects.get(email="vtmai@angiang.gov.vn")
    assert response.status_code == 302 and response["Location"] == reverse("account_detail", args=[user.pk])
    assert user.username == "vtmai" and (user.last_name, user.first_name) == ("Võ Thị", "Mai")
    assert not user.has_usable_password() and not user.is_staff
    assert list(user.memberships.values_list("agency__name", "role")) == [("Sở Y tế", "reporter")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["vtmai@angiang.gov.vn"] and "vtmai" in message.body and "Sở Y tế (An Giang)" in message.body
    assert link_in(message).startswith("/dat-mat-khau/")
    detail = client.get(response["Location"])
    assert "Võ Thị Mai" in detail.text and "chưa đăng nhập lần nào" in detail.text


def test_a_username_is_made_unique_or_typed(client, coordinator):
    client.force_login(coordinator)
    member("vtmai", agency("An Giang", "Sở Y tế"))
    client.post(reverse("account_create"), new_account())
    assert User.objects.get(email="vtmai@angiang.gov.vn").username == "vtmai2"
    refused = client.post(reverse("account_create"), new_account(email="khac@angiang.gov.vn", username="vtmai"))
    assert refused.status_code == 200 and "Tên đăng nhập này đã có người dùng." in refused.text
    client.post(reverse("account_create"), new_account(email="khac@angiang.gov.vn", username="mai.vo"))
    assert User.objects.get(email="khac@angiang.gov.vn").username == "mai.vo"


def test_an_email_already_used_is_refused(client, coordinator, lead_reporter):
    client.force_login(coordinator)
    User.objects.filter(pk=lead_reporter.pk).update(email="Minh@AnGiang.gov.vn")
    refused = client.post(reverse("account_create"), new_account(email="minh@angiang.gov.vn"))
    assert refused.status_code == 200 and "đã có tài khoản" in refused.text


def test_another_provinces_agency_is_not_offered_nor_accepted(client, coordinator):
    client.force_login(coordinator)
    dak_nong = agency("Đắk Nông", "Sở Nội vụ")
    page = client.get(reverse("account_create"))
    assert f'value="{dak_nong.pk}"' not in page.text
    refused = client.post(reverse("account_create"), new_account(agency=dak_nong.pk))
    assert refused.status_code == 200 and refused.context["form"].errors["agency"]
    assert not User.objects.filter(email="vtmai@angiang.gov.vn").exists()


def test_an_administrator_picks_the_province_then_one_of_its_agencies(client, administrator):
    """Thousands of agencies over the country: the form offers one province's, never them all."""
    client.force_login(administrator)
    an_giang, dak_nong = agency("An Giang", "Sở Y tế"), agency("Đắk Nông", "Sở Nội vụ")
    first = client.get(reverse("account_create"))
    assert 'name="tinh"' in first.text and f'value="{an_giang.province_id}"' in first.text
    assert f'<option value="{an_giang.pk}"' not in first.text and f'<option value="{dak_nong.pk}"' not in first.text
    chosen = client.get(reverse("account_create") + f"?tinh={an_giang.province_id}")
    assert f'<option value="{an_giang.pk}"' in chosen.text and f'<option value="{dak_nong.pk}"' not in chosen.text
    assert f'name="province" value="{an_giang.province_id}"' in chosen.text
    junk = client.get(reverse("account_create") + "?tinh=abc")
    assert junk.status_code == 200 and 'name="full_name"' not in junk.text


def test_an_administrator_creates_an_account_in_any_province(client, administrator):
    client.force_login(administrator)
    dak_nong = agency("Đắk Nông", "Sở Nội vụ")
    data = new_account(agency=dak_nong.pk, email="moi@daknong.gov.vn", province=dak_nong.province_id)
    response = client.post(reverse("account_create"), data)
    assert response.status_code == 302
    assert User.objects.get(email="moi@daknong.gov.vn").memberships.get().agency == dak_nong
    refused = client.post(reverse("account_create"), new_account(agency=dak_nong.pk, email="sai"))
    assert refused.status_code == 200 and refused.context["form"].errors["email"]
    assert f'<option value="{dak_nong.pk}" selected' in refused.text  # its province's agencies offered again
    for junk in ("²", "abc", "9" * 30):  # posted without the province: the agency's is looked up, junk is none
        answered = client.post(reverse("account_create"), new_account(agency=junk, email="x@daknong.gov.vn"))
        assert answered.status_code == 200 and answered.context["form"].errors["agency"]


def test_the_form_runs_the_same_queries_whatever_the_number_of_agencies(client, administrator, django_assert_num_queries):
    from plans.models import Agency

    province = agency("An Giang", "Sở Y tế").province
    url = reverse("account_create") + f"?tinh={province.pk}"
    client.force_login(administrator)
    client.get(url)
    # session, user, its two-factor device, the notifications' count, the provinces, the province's agencies
    with django_assert_num_queries(6) as small:
        client.get(url)
    Agency.objects.bulk_create(Agency(province=province, name=f"UBND xã Thử {n}", kind="commune_committee") for n in range(50))
    with django_assert_num_queries(len(small.captured_queries)):
        assert "UBND xã Thử 49" in client.get(url).text


def test_a_coordinator_is_created_only_for_the_provinces_sở_nội_vụ(client, coordinator):
    client.force_login(coordinator)
    refused = client.post(reverse("account_create"), new_account(role="coordinator"))
    assert "Chỉ cán bộ của cơ quan thường trực" in refused.text
    client.post(reverse("account_create"), new_account(role="coordinator", agency=agency("An Giang", "Sở Nội vụ").pk))
    user = User.objects.get(email="vtmai@angiang.gov.vn")
    assert user.is_staff and user.memberships.get().role == Membership.Role.COORDINATOR


def test_the_invitation_is_sent_again_only_to_who_never_logged_in(
    client, coordinator, lead_reporter, viewer, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    User.objects.filter(pk=lead_reporter.pk).update(email="syt@angiang.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_invite", args=[lead_reporter.pk]))
    assert [m.to for m in mail.outbox] == [["syt@angiang.gov.vn"]]
    User.objects.filter(pk=viewer.pk).update(last_login="2026-01-05T08:00:00+07:00", email="ld@angiang.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_invite", args=[viewer.pk]), follow=True)
    assert len(mail.outbox) == 1 and "Quên mật khẩu" in response.text


# Deactivating, two-factor reset


def test_a_coordinator_deactivates_and_reactivates_an_account(client, coordinator, lead_reporter):
    reporter_client = type(client)()
    reporter_client.force_login(lead_reporter)
    client.force_login(coordinator)
    client.post(reverse("account_set_active", args=[lead_reporter.pk]), {"active": "0"})
    lead_reporter.refresh_from_db()
    assert not lead_reporter.is_active
    assert reporter_client.get(reverse("home"))["Location"].startswith(reverse("login"))  # the open session ends
    client.post(reverse("account_set_active", args=[lead_reporter.pk]), {"active": "1"})
    lead_reporter.refresh_from_db()
    assert lead_reporter.is_active


def test_nobody_deactivates_their_own_account(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("account_set_active", args=[coordinator.pk]), {"active": "0"}, follow=True)
    coordinator.refresh_from_db()
    assert coordinator.is_active and "chính mình" in response.text


def test_the_two_factor_reset_asks_for_an_identity_check_then_removes_the_devices(client, coordinator, viewer):
    TOTPDevice.objects.create(user=viewer, name="Điện thoại", confirmed=True)
    two_factor.new_backup_codes(viewer)
    client.force_login(coordinator)
    url = reverse("account_reset_two_factor", args=[viewer.pk])
    page = client.get(url)
    assert page.status_code == 200 and "xác minh danh tính" in page.text
    refused = client.post(url, {})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=viewer).exists()
    response = client.post(url, {"identity_checked": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("account_detail", args=[viewer.pk])
    assert not TOTPDevice.objects.filter(user=viewer).exists() and not StaticDevice.objects.filter(user=viewer).exists()


def test_the_command_removes_backup_codes_too(viewer):
    from django.core.management import call_command

    TOTPDevice.objects.create(user=viewer, name="Điện thoại", confirmed=True)
    two_factor.new_backup_codes(viewer)
    call_command("reset_two_factor", viewer.username)
    assert not StaticDevice.objects.filter(user=viewer).exists()


def test_backup_codes_are_not_in_a_coordinators_admin(client, coordinator, administrator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:otp_static_staticdevice_changelist")).status_code == 404
    client.force_login(administrator)
    assert client.get(reverse("admin:otp_static_staticdevice_changelist")).status_code == 200
    assert client.get(reverse("admin:otp_static_staticdevice_add")).status_code == 404  # AdminNotFoundMiddleware
