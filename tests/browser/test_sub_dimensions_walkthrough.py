"""Where the score is lost: a leader opens a dimension's sub-dimensions on the province page, on
a desktop and on a phone; a coordinator reads the targets page's advice and copies a suggestion
into its field with the button (tests/indicators/test_sub_dimensions.py, tests/plans/test_target_advice.py)."""

import pytest
from django.contrib.auth import get_user_model

from plans.models import Plan
from plans.target_suggestions import target_advice
from plans.targets import target_hints
from reporting import next_year
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_opens_the_sub_dimensions_and_a_coordinator_copies_a_suggestion(demo_data, page, shoot):
    log_in(page, "lanhdao.angiang")
    page.goto("/tinh/an-giang/#chi-so-thanh-phan")
    section = page.locator("details.sub-dimensions").nth(2)  # 3. accountability
    section.locator("summary").click()
    text = section.inner_text()
    assert "1,84" in text and "1,97" in text and "2,22" in text and "thiếu 0,13" in text
    assert section.locator("tr.weakest").count() == 2
    assert page.csp_violations == []
    section.scroll_into_view_if_needed()
    shoot(page, "60-province-sub-dimensions")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "61-province-sub-dimensions-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    plan = Plan.objects.get(document_number="179/KH-UBND")
    coordinator = get_user_model().objects.get(username="snv.angiang")
    new, _made = next_year.carry_over(plan, coordinator)
    advice = target_advice(new, target_hints(new))
    suggested = next(s for s in advice.suggestions.values() if s.value is not None)
    log_in(page, "snv.angiang")
    page.goto(f"/ke-hoach/{new.pk}/chi-tieu/")
    assert "Chỉ số thành phần yếu nhất chưa có nhiệm vụ" in page.inner_text("main")
    assert suggested.reason in page.inner_text("main")
    button = page.locator("button[data-suggestion-for]").first
    assert button.is_visible()  # the script shows it; without scripts the suggestion is text only
    field = page.locator("#" + button.get_attribute("data-suggestion-for"))
    button.click()
    assert field.input_value() == button.get_attribute("data-suggestion-value")
    assert page.csp_violations == []
    shoot(page, "62-targets-suggestions")
