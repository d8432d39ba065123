"""A plan put back to draft ("Đang soạn") is unpublished at once, whichever way its status
changes: setting it active again does not reopen its public page until someone publishes it again
(plans/publication.py)."""

import pytest
from django.urls import reverse

from plans import publication
from plans.models import Plan

pytestmark = pytest.mark.django_db


def page_url(plan):
    return reverse("public_plan", args=[plan.pk])


def admin_form_data(response, **changes):
    """The plan's admin change form as the page shows it, with `changes`, ready to post."""
    data = {}
    for form in [
        response.context["adminform"].form,
        *(f for fs in response.context["inline_admin_formsets"] for f in fs.formset.forms),
    ]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data | changes


def test_a_plan_put_back_to_draft_in_the_admin_stays_unpublished_when_active_again(client, coordinator, an_giang_plan):
    publication.publish(an_giang_plan, coordinator)
    assert client.get(page_url(an_giang_plan)).status_code == 200
    client.force_login(coordinator)
    url = reverse("admin:plans_plan_change", args=[an_giang_plan.pk])
    response = client.post(url, admin_form_data(client.get(url), status=Plan.Status.DRAFT))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.status == Plan.Status.DRAFT
    assert (an_giang_plan.published_at, an_giang_plan.published_by) == (None, None)

    response = client.post(url, admin_form_data(client.get(url), status=Plan.Status.ACTIVE))
    assert response.status_code == 302
    an_giang_plan.refresh_from_db()
    assert an_giang_plan.status == Plan.Status.ACTIVE and not an_giang_plan.is_public
    client.logout()
    assert client.get(page_url(an_giang_plan)).status_code == 404
    assert page_url(an_giang_plan) not in client.get(reverse("public_index")).text

    publication.publish(an_giang_plan, coordinator)  # published again on purpose: public again
    assert client.get(page_url(an_giang_plan)).status_code == 200


@pytest.mark.parametrize("update_fields", [None, ["status"]])
def test_any_save_of_the_status_to_draft_unpublishes(client, coordinator, an_giang_plan, update_fields):
    publication.publish(an_giang_plan, coordinator)
    plan = Plan.objects.get(pk=an_giang_plan.pk)
    plan.status = Plan.Status.DRAFT
    plan.save(update_fields=update_fields)
    plan.status = Plan.Status.ACTIVE
    plan.save(update_fields=update_fields)
    plan.refresh_from_db()
    assert (plan.published_at, plan.published_by) == (None, None) and not plan.is_public
    assert client.get(page_url(plan)).status_code == 404


def test_other_saves_leave_the_publication_alone(coordinator, an_giang_plan):
    published = publication.publish(an_giang_plan, coordinator)
    plan = Plan.objects.get(pk=an_giang_plan.pk)
    plan.title = "Tiêu đề mới"
    plan.status = Plan.Status.CLOSED
    plan.save()
    plan.refresh_from_db()
    assert plan.published_at == published.published_at and plan.published_by == coordinator
