"""The Content-Security-Policy blocks nothing the admin and the site need.

In Debian's Chromium against the live test server: an editor signs in, opens
the dashboard, edits a news item (its date picker, the image chooser), opens
the documents listing, and a reader opens the site's home page. Every
``securitypolicyviolation`` event and every console message about the policy
is collected; there must be none, and every page must carry the policy.
"""

import pytest

from content_types.factories import publish_news
from editorial.models import BoardRole, Unit

from .test_moderation_in_browser import grassroots_with_board_team, log_in

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation([event.violatedDirective, event.blockedURI, event.sourceFile || "",
                          String(event.lineNumber), event.sample || ""].join(" | "));
});
"""


@pytest.mark.django_db(transaction=True)
def test_admin_and_site_work_under_the_policy(live_server, browser):
    team, _index = grassroots_with_board_team()
    article = publish_news(Unit.objects.get(code="DT-X1"), "Ra quân làm đường")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    violations, console_errors, policies = [], [], {}
    context.expose_function("reportViolation", lambda report: violations.append(report))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on(
        "console",
        lambda message: (
            console_errors.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            policies.setdefault(response.url, response.headers.get("content-security-policy"))
            if response.request.resource_type == "document"
            else None
        ),
    )

    log_in(page, base, team[BoardRole.EDITOR].username)
    page.wait_for_load_state("networkidle")

    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    page.wait_for_load_state("networkidle")
    page.fill("#id_title", "Ra quân làm đường nông thôn")
    page.locator("#id_date").click()  # the date picker an inline script starts
    page.keyboard.press("Escape")
    # The featured image's chooser: a modal whose markup and scripts come by fetch.
    page.locator("[data-chooser-action-choose]:visible").first.click()
    page.locator(".modal-dialog").wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Escape")

    page.goto(f"{base}/admin/documents/")
    page.wait_for_load_state("networkidle")

    context.clear_cookies()
    page.goto(f"{base}/")
    page.wait_for_load_state("networkidle")
    context.close()

    assert violations == []
    assert console_errors == []
    assert policies, "no page was seen"
    for url, policy in policies.items():
        assert policy and "default-src 'self'" in policy, url
        assert "object-src 'none'" in policy, url
    admin = {url: policy for url, policy in policies.items() if "/admin/" in url}
    public = {url: policy for url, policy in policies.items() if "/admin/" not in url}
    assert admin and public
    for url, policy in admin.items():
        assert _directive(policy, "script-src") == "'self' 'unsafe-inline'", (url, policy)
    for url, policy in public.items():
        # The directives come in no fixed order: compare the one directive.
        assert _directive(policy, "script-src") == "'self'", (url, policy)


def _directive(policy, name):
    for directive in policy.split(";"):
        key, _, value = directive.strip().partition(" ")
        if key == name:
            return value.strip()
    return None
