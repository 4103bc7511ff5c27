"""Every main page of every role passes an axe-core scan in headless Chromium, at Chromebook
(1366x768) and phone (390x844) size: no violation of impact serious or critical, and none of the
`region` rule (all content inside landmarks). The pages are the demo's (`seed_demo`), the same list
the screenshots use (testkit.tour). Playwright's CSP bypass is on in this test's browser context
only, so that axe's script can be injected; the server's CSP is unchanged."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from testkit.sessions import session_cookie
from testkit.tour import ROLES, VIEWPORTS, demo_stops

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
ALWAYS_BLOCKING_RULES = {"region"}


def blocking(violations: list[dict]) -> list[dict]:
    return [
        v
        for v in violations
        if v.get("impact") in BLOCKING_IMPACTS or v["id"] in ALWAYS_BLOCKING_RULES
    ]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:4]]
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} at {targets}")
    return "\n".join(lines)


def test_blocking_filters_by_impact_and_the_region_rule():
    found = [
        {"id": "color-contrast", "impact": "serious"},
        {"id": "region", "impact": "moderate"},
        {"id": "heading-order", "impact": "moderate"},
        {"id": "image-alt", "impact": "critical"},
    ]
    assert [v["id"] for v in blocking(found)] == ["color-contrast", "region", "image-alt"]


def test_every_main_page_of_every_role_passes_axe(browser, server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    stops = demo_stops()
    assert {s.role for s in stops} == set(ROLES)
    axe = Axe()
    failures = []
    for role in ROLES:
        mine = [s for s in stops if s.role == role]
        username = mine[0].username
        cookie = session_cookie(User.objects.get(username=username)) if username else None
        for size, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, bypass_csp=True)
            if cookie:
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server.http}]
                )
            page = context.new_page()
            for stop in mine:
                page.goto(f"{server.http}{stop.path}", wait_until="networkidle")
                # A signed-in page must not bounce to the sign-in page (the scan would miss it).
                if username:
                    assert "/accounts/login/" not in page.url, stop
                found = blocking(axe.run(page).response["violations"])
                if found:
                    failures.append(f"{stop.slug} at {size}:\n{describe(found)}")
            context.close()
    assert not failures, "\n\n".join(failures)


def test_the_tour_visits_every_main_page_of_each_role():
    """The scan and the screenshots cover each role's main pages, the ones their navigation and
    home lead to (a new page joins testkit.tour)."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    slugs = {s.slug for s in demo_stops()}
    expected = {
        "student-home",
        "student-conversation",
        "student-meetings",
        "student-check-in",
        "mentor-home",
        "mentor-conversation",
        "mentor-meetings",
        "mentor-propose-meeting",
        "moderator-queue",
        "moderator-review-item",
        "moderator-conversations",
        "moderator-service-levels",
        "moderator-quality",
        "coordinator-program-week",
        "coordinator-review-queue",
        "coordinator-alerts",
        "coordinator-plan-meetings",
        "coordinator-new-series",
        "coordinator-change-meeting",
        "coordinator-proposals",
        "coordinator-milestones",
        "coordinator-evaluation",
        "coordinator-school-evaluation",
        "coordinator-guardian-texts",
        "coordinator-families",
        "coordinator-groups",
        "coordinator-new-group",
        "coordinator-group",
    }
    assert expected - slugs == set()
