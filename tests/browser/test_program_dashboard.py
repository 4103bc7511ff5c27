"""A coordinator finds an at-risk match on the program's dashboard and reassigns the student:
picks a mentor from the ranked list and sees the new match active."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from messaging.models import Conversation, Match, MatchEvent

from .test_roles import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reassigns_an_at_risk_match(
    browser, server, program, active_match, coordinator, make_user, district
):
    # Active, and silent since it started, for three weeks.
    three_weeks_ago = timezone.now() - datetime.timedelta(days=21)
    Conversation.objects.filter(pk=active_match.conversation.pk).update(created_at=three_weeks_ago)
    MatchEvent.objects.filter(match=active_match).update(at=three_weeks_ago)
    new_mentor = make_user(User.Role.MENTOR, district, display_name="Nadia Mentor")

    # A coordinator with one program lands on its dashboard.
    page = signed_in_page(browser, server, coordinator, "/")
    assert page.url.endswith(f"/coordinator/programs/{program.pk}/week/")
    at_risk = page.locator(f'#at-risk li[data-match="{active_match.pk}"]')
    expect(at_risk).to_contain_text(active_match.student.public_name)
    expect(at_risk).to_contain_text("nobody has written since it started")
    at_risk.get_by_role("link", name="Pause, close or reassign").click()

    candidate = page.locator(f'#reassign-candidates li[data-mentor="{new_mentor.pk}"]')
    expect(candidate).to_contain_text("Nadia Mentor")
    candidate.get_by_placeholder("Reason").fill("No contact for three weeks")
    candidate.get_by_role("button", name="Reassign to this mentor").click()

    expect(page.locator("#new-match")).to_have_text("New match with Nadia Mentor: Active")
    new = Match.objects.get(mentor=new_mentor)
    assert (new.student_id, new.status) == (active_match.student_id, Match.Status.ACTIVE)
    assert Match.objects.get(pk=active_match.pk).status == Match.Status.CLOSED

    page.get_by_role("link", name="Back to the program").click()
    expect(page.locator(f'#all-matches li[data-match="{new.pk}"]')).to_contain_text("Active")
    expect(page.locator(f'#at-risk li[data-match="{active_match.pk}"]')).to_have_count(0)
