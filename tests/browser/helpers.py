from urllib.parse import urlparse

from plans.demo import DEMO_PASSWORD


def log_in(page, username, start="/dang-nhap/"):
    """The password step of a fresh login (cookies cleared first); returns once the page has
    left the login form: for the next page, or for the two-factor step."""
    page.context.clear_cookies()
    page.goto(start)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: urlparse(url).path != "/dang-nhap/")
