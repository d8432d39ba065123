"""The API's documentation page in a browser: Swagger UI from our static files draws every
endpoint under the CSP (no violation reported), without any network beyond the server."""

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_documentation_page_draws_the_endpoints(page, live_server):
    outside = []
    page.on("request", lambda request: request.url.startswith(live_server.url) or outside.append(request.url))
    page.goto("/api/v1/tai-lieu/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/ke-hoach/" in [p.replace("\u200b", "") for p in paths]
    assert page.csp_violations == []
    assert outside == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-docs.png", full_page=False)


def test_a_coordinator_makes_a_token_and_reads_with_it(demo_data, page, shoot):
    from tests.browser.helpers import log_in

    log_in(page, "snv.angiang")
    page.goto("/khoa-api/")
    page.fill("#id_name", "Bảng điều khiển của UBND tỉnh")
    page.get_by_role("button", name="Tạo khóa").click()
    key = page.inner_text("[data-new-key] code")
    assert key.startswith("papi_")
    shoot(page, "api-tokens")
    response = page.request.get("/api/v1/ke-hoach/", headers={"Authorization": f"Bearer {key}"})
    assert response.status == 200 and response.json()["count"] >= 1
    page.reload()
    assert "chưa dùng" not in page.inner_text("table.data")  # its last use is shown
    assert page.csp_violations == []
