"""A real browser (headless Chromium) under the real Content-Security-Policy: an adult signs in,
reads the enrolment page as a person would, types codes from an independent authenticator, and
no page reports a CSP violation."""

import pytest
from playwright.sync_api import sync_playwright

from .conftest import PASSWORD, totp_from_uri

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    """Request it last: Playwright's sync API runs an event loop, after which this thread may not
    touch the database."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda msg: (
                problems.append(msg.text)
                if "Content Security Policy" in msg.text or "Refused to" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.set_default_timeout(10_000)
        yield page, problems
        browser.close()


def test_adult_enrols_and_signs_in_in_a_browser(live_server, mentor, browser_page):
    page, problems = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", mentor.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_url("**/accounts/otp/enrol/**")
    assert page.locator(".qr svg").is_visible()
    authenticator = totp_from_uri(page.inner_text("#otpauth-uri"))
    assert page.inner_text("#otp-secret") == authenticator.secret
    page.fill("#id_token", authenticator.now())
    page.click("text=Confirm")
    page.wait_for_selector("text=Your backup codes")
    page.click("text=Continue to Trellis")
    page.wait_for_selector("text=Your conversations")
    # Sign out is one click away on every page, and it ends the session.
    page.click("text=Sign out >> nth=0")
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert problems == []


def test_session_cookie_is_a_browser_session_cookie(live_server, student, browser_page):
    page, problems = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", student.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_selector("text=Your conversations")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["expires"] == -1  # ends with the browser
    assert cookies["sessionid"]["httpOnly"] is True
    assert cookies["csrftoken"]["httpOnly"] is True
    assert page.evaluate("document.cookie") == ""
    assert page.get_attribute('meta[name="csrf-token"]', "content")
    assert problems == []
