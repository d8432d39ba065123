"""A commune clerk's typing is never lost: the draft saves itself and a reload shows it; leaving
with changes not yet saved asks first; the session ends mid-typing, "Gửi báo cáo" leads to the
login, and after it the form is back with what was typed; the contents list and the counter."""

import re

import pytest
from playwright.sync_api import expect

from plans.demo import DEMO_PASSWORD
from reporting.models import Report
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_year_report(page):
    log_in(page, "xa.daknia")
    page.locator("table.todo tr", has_text="Năm 2020").get_by_role("link", name="Bắt đầu báo cáo").click()
    page.wait_for_selector("form.report-form")
    return page.url


def test_the_draft_saves_itself_and_a_reload_shows_it(demo_data, page, shoot):
    url = open_year_report(page)
    card = page.locator("article.task-card").first
    card.locator("select[name$='-status']").select_option("in_progress")
    card.locator("textarea[name$='-narrative']").fill("Đã họp dân ở 6 thôn (lưu tự động).")
    page.wait_for_selector("[data-autosave-status]:has-text('Đã lưu lúc')", timeout=20000)
    assert "1</strong>/" in page.inner_html(".contents") or page.inner_text("[data-answered]") == "1"
    shoot(page, "70-report-form-autosaved")
    page.goto(url)
    assert page.locator("textarea[name$='-narrative']").first.input_value() == "Đã họp dân ở 6 thôn (lưu tự động)."
    assert Report.objects.get(agency__name="UBND xã Đắk Nia", period__kind="year").status == "draft"
    assert not page.csp_violations


def test_leaving_with_changes_not_saved_asks_first(demo_data, page):
    open_year_report(page)
    # The autosave never lands here (a slow machine may pass its pause), so the change stays unsaved.
    page.route("**/*", lambda route: route.abort() if route.request.headers.get("x-autosave") else route.continue_())
    narrative = page.locator("textarea[name$='-narrative']").first
    narrative.click()  # Chromium asks before leaving only on a page the user has touched
    narrative.fill("Chưa kịp lưu.")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    with page.expect_event("dialog", timeout=10000):
        page.evaluate("window.location.href = '/'")
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"] and page.locator("form.report-form").count() == 1


def test_the_page_warns_before_the_session_ends_and_keeps_it_on_request(demo_data, page, shoot):
    page.clock.install()  # the page's timers run on a clock the test moves
    open_year_report(page)
    warning = page.locator("[data-session-warning]")
    assert warning.is_hidden()
    page.clock.run_for("27:00")  # idle 30 minutes: nothing yet
    assert warning.is_hidden()
    page.clock.run_for("01:05")  # two minutes before the end
    expect(warning).to_be_visible()
    expect(warning.get_by_role("button", name="Tiếp tục làm việc")).to_be_focused()
    shoot(page, "73-report-form-session-warning")
    with page.expect_response(lambda r: r.url.endswith("/phien/")) as kept:
        warning.get_by_role("button", name="Tiếp tục làm việc").click()
    assert kept.value.status == 204  # the server's session is extended
    expect(warning).to_be_hidden()
    page.clock.run_for("27:00")  # the idle limit counts again from now
    assert warning.is_hidden()


def test_a_form_sent_after_the_session_ended_is_back_after_the_login(demo_data, page, shoot, settings):
    url = open_year_report(page)
    settings.SESSION_IDLE_SECONDS = 2  # the live server reads settings in this process
    card = page.locator("article.task-card").first
    card.locator("select[name$='-status']").select_option("completed")
    card.locator("textarea[name$='-narrative']").fill("Gõ xong thì phiên đã hết.")
    page.wait_for_timeout(2500)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url(re.compile(r"/dang-nhap/"))
    settings.SESSION_IDLE_SECONDS = 1800
    page.fill("#id_username", "xa.daknia")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(url)
    main = page.inner_text("main")
    assert "Phiên đăng nhập đã hết khi bạn gửi biểu mẫu" in main
    assert page.locator("textarea[name$='-narrative']").first.input_value() == "Gõ xong thì phiên đã hết."
    assert page.locator("select[name$='-status']").first.input_value() == "completed"
    shoot(page, "71-report-form-kept-after-login")


def test_the_form_reads_on_a_phone(demo_data, page, shoot):
    open_year_report(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "72-report-form-390")


def test_a_report_is_completed_and_sent_with_the_keyboard_alone(demo_data, page, shoot):
    """Tab through the form, a status chosen with the arrow keys, a percent typed, each answer
    carried from the last period confirmed with Space, then "Gửi báo cáo" with Enter; no
    focused control is ever hidden under the sticky bar."""
    open_year_report(page)
    hidden_under_bar = """() => {
        const el = document.activeElement, bar = document.querySelector('.actions.sticky');
        if (!el || !bar || bar.contains(el)) return false;
        return el.getBoundingClientRect().bottom > bar.getBoundingClientRect().top + 1;
    }"""
    page.locator("main h1").click()  # a start inside the page, as a keyboard user's first Tab
    sent = False
    for _press in range(900):
        page.keyboard.press("Tab")
        name, kind, text = page.evaluate(
            "() => [document.activeElement.name || '', document.activeElement.type || '', document.activeElement.textContent]"
        )
        assert not page.evaluate(hidden_under_bar), f"{name} is hidden under the sticky bar"
        if name.endswith("-status") and not page.evaluate("document.activeElement.value"):
            page.keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.value") == "not_started", name
        elif name.endswith("-percent_done") and not page.evaluate("document.activeElement.value"):
            page.keyboard.type("0")
        elif name.endswith("-confirmed") and kind == "checkbox" and not page.evaluate("document.activeElement.checked"):
            page.keyboard.press("Space")
        elif name == "submit":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            sent = True
            break
    assert sent, "the send button was never reached with Tab"
    page.wait_for_load_state()
    assert Report.objects.get(agency__name="UBND xã Đắk Nia", period__kind="year").status == "submitted"
    shoot(page, "73-report-sent-by-keyboard")
