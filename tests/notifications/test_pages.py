"""The notifications page (/thong-bao/), opening one, "Đánh dấu đã đọc", the e-mail choice, and
the header's unread count."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationSettings

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def _notify(user, count, link="/"):
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind=Kind.COMMENT, text=f"Thông báo số {number}", link=link) for number in range(count)
    )


def test_the_list_shows_the_readers_own_newest_first(client, coordinator, other_province_coordinator):
    _notify(coordinator, 3)
    _notify(other_province_coordinator, 1)
    Notification.objects.filter(recipient=other_province_coordinator).update(text="Của Đắk Nông")
    client.force_login(coordinator)
    response = client.get(reverse("notification_list"))
    assert [n.text for n in response.context["page"]] == ["Thông báo số 2", "Thông báo số 1", "Thông báo số 0"]
    assert "Của Đắk Nông" not in response.text
    assert "Đánh dấu đã đọc" in response.text


def test_the_header_counts_the_unread(client, lead_reporter):
    _notify(lead_reporter, 4)
    Notification.objects.filter(pk=Notification.objects.first().pk).update(read_at=timezone.now())
    client.force_login(lead_reporter)
    response = client.get(reverse("home"))
    assert 'title="chưa đọc">3</span>' in response.text
    Notification.objects.update(read_at=timezone.now())
    assert 'title="chưa đọc">' not in client.get(reverse("home")).text
    assert "Thông báo" in client.get(reverse("home")).text


def test_the_page_runs_the_same_queries_with_few_or_many(client, coordinator, django_assert_num_queries):
    # session, user, two-factor device, the page's count, its rows, the e-mail choice, the
    # header's unread count.
    client.force_login(coordinator)
    url = reverse("notification_list")
    _notify(coordinator, 2)
    with django_assert_num_queries(7) as few:
        client.get(url)
    _notify(coordinator, 150)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page": "3"})
    assert response.context["page"].number == 3 and len(response.context["page"].object_list) == 20


def test_a_bad_page_number_answers_a_page(client, coordinator):
    _notify(coordinator, 3)
    client.force_login(coordinator)
    for page in ("abc", "-1", "999999999999999999999"):
        assert client.get(reverse("notification_list"), {"page": page}).status_code == 200


def test_opening_one_marks_it_read_and_goes_where_it_is_about(client, coordinator):
    (notification,) = _notify(coordinator, 1, link="/viec-can-lam/")
    client.force_login(coordinator)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/viec-can-lam/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_anothers_notification_is_404(client, coordinator, other_province_coordinator):
    (notification,) = _notify(coordinator, 1)
    client.force_login(other_province_coordinator)
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    client.post(reverse("notification_mark_read"), {"notification": notification.pk})
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_one_or_all(client, lead_reporter):
    first, second, third = _notify(lead_reporter, 3)
    client.force_login(lead_reporter)
    response = client.post(reverse("notification_mark_read"), {"notification": [first.pk, "x"]})
    assert response.status_code == 302
    assert set(Notification.objects.filter(read_at=None).values_list("pk", flat=True)) == {second.pk, third.pk}
    for junk in (["²"], ["9" * 30], []):  # junk marks none, and is never a 500
        response = client.post(reverse("notification_mark_read"), {"notification": junk}, follow=True)
        assert response.status_code == 200 and "Đã đánh dấu 0 thông báo là đã đọc." in response.text
    response = client.post(reverse("notification_mark_read"), {"all": "1"}, follow=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in response.text
    assert not Notification.objects.filter(read_at=None).exists()
    assert client.get(reverse("notification_mark_read")).status_code == 405


def test_the_email_choice_is_kept(client, lead_reporter):
    client.force_login(lead_reporter)
    assert client.get(reverse("notification_list")).context["form"].initial == {"email": True}  # on by default
    response = client.post(reverse("notification_settings"), {}, follow=True)
    assert "Bạn sẽ không nhận thông báo qua thư điện tử nữa." in response.text
    assert NotificationSettings.objects.get(user=lead_reporter).email is False
    assert 'name="email" value="on" checked' not in response.text
    client.post(reverse("notification_settings"), {"email": "on"})
    assert NotificationSettings.objects.get(user=lead_reporter).email is True
