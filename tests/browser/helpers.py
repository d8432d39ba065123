from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from plans.demo import DEMO_PASSWORD

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# What fails a walk-through; "minor" and "moderate" findings are left to a person's judgement.
BLOCKING_IMPACTS = ("serious", "critical")
# Django's own admin (/quan-tri/) is read too, less what its markup does by design and the app
# cannot change without copying Django's templates: a tabular inline names its fields by the
# column heading only, select2's autocomplete widget has no name of its own, and the date
# shortcut's aria-label ("Today (…)") is English in Django's Vietnamese catalogue.
ADMIN_PATH = "/quan-tri/"
ADMIN_RULES_OFF = ("label", "select-name", "label-title-only", "aria-input-field-name", "label-content-name-mismatch")


def log_in(page, username, start="/dang-nhap/"):
    """The password step of a fresh login (cookies cleared first); returns once the page has
    left the login form: for the next page, or for the two-factor step."""
    page.context.clear_cookies()
    page.goto(start)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: urlparse(url).path != "/dang-nhap/")


@cache
def _axe_source():
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, rules_off=()):
    """axe-core's violations on the page as it stands. The script is evaluated through the
    DevTools protocol, which the app's CSP (script-src 'self') does not govern, so the test
    context keeps enforcing the CSP and its violations stay visible to the walk-throughs."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async (off) => {
            const rules = Object.fromEntries(off.map(id => [id, {enabled: false}]));
            const result = await axe.run(document, {resultTypes: ['violations'], rules});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html})),
            }));
        }""",
        list(rules_off),
    )


def describe_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])})")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  {node['html'][:140]}\n      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, name=""):
    """No serious or critical axe-core violation on the page; the message lists them readably."""
    rules_off = ADMIN_RULES_OFF if urlparse(page.url).path.startswith(ADMIN_PATH) else ()
    violations = [v for v in axe_violations(page, rules_off) if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"axe-core on {name or page.url}:\n{describe_violations(violations)}"
