# ruff: noqa: F811 - `seeded` is a fixture imported from tests/programs/evaluation_seed.py
"""The evaluation page in real headless Chromium over a real server: its charts render (SVG
bars, a data table beside each) under the strict Content-Security-Policy, and the PDF report it
links to opens: poppler's pdftoppm turns page 1 into an image that is not blank."""

import subprocess

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from testkit.sessions import session_cookie
from tests.programs.evaluation_seed import seeded  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RANGE = "?from=2026-10-26&to=2026-11-23"


def test_evaluation_page_renders_its_charts_and_the_pdf_report_opens(
    browser, server, seeded, tmp_path
):
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie(seeded["coordinator"]),
                "url": server.http,
            }
        ]
    )
    page = context.new_page()
    problems = []
    failed = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    page.goto(f"{server.http}/coordinator/programs/{seeded['program'].pk}/evaluation/{RANGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation of Success Mentors")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(7)
    # Each chart is an image named by its title, with bars drawn and its numbers beside it.
    contact = page.get_by_role("img", name="Share of matches with contact")
    expect(contact).to_be_visible()
    expect(contact.locator("rect.bar")).to_have_count(5)
    box = contact.locator("rect.bar").first.bounding_box()
    assert box is not None
    assert box["height"] > 50  # 100% of the plot's height
    table = page.locator("#chart-contact-data")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("67%")
    expect(page.locator("#at-risk li")).to_have_count(1)
    assert failed == []
    # No CSP refusal, no script error (a missing favicon is the browser's own request).
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []

    # The PDF report: fetched with the same session, page 1 rendered to an image.
    href = page.locator("#evaluation-pdf").get_attribute("href")
    response = context.request.get(f"{server.http}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    width, height = image.size
    assert width > height  # A4 landscape
    dark = sum(image.histogram()[:200])
    assert dark > width * height // 100  # text and bars, not a blank page
    context.close()
