"""A coordinator makes a group from the program's dashboard: the peer rule refuses an older
student on the form, the coordinator chooses a younger one, and the group is listed."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from messaging.models import Conversation
from programs.models import MentorProfile, StudentProfile

from .test_roles import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_makes_a_peer_group_and_the_peer_rule_is_shown(
    browser, server, program, coordinator, make_user, district
):
    peer = make_user(User.Role.MENTOR, district, is_minor=True, display_name="Peer Pat")
    MentorProfile.objects.create(mentor=peer, grade=11)
    younger = make_user(User.Role.STUDENT, district, display_name="Young Yan")
    StudentProfile.objects.create(student=younger, grade=7)
    older = make_user(User.Role.STUDENT, district, display_name="Older Oli")
    StudentProfile.objects.create(student=older, grade=12)

    page = signed_in_page(browser, server, coordinator, f"/coordinator/programs/{program.pk}/week/")
    page.locator("#week-groups").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Groups of")
    page.get_by_role("link", name="New group").click()

    page.get_by_label("Title").fill("Reading buddies")
    page.get_by_label("Peer Pat").check()
    page.get_by_label("Older Oli").check()
    page.get_by_role("button", name="Make the group").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "A peer mentor (a minor) mentors only younger students"
    )
    assert not Conversation.objects.filter(kind=Conversation.Kind.GROUP).exists()

    # The form kept the choices: swap the older student for the younger one.
    expect(page.get_by_label("Title")).to_have_value("Reading buddies")
    page.get_by_label("Older Oli").uncheck()
    page.get_by_label("Young Yan").check()
    page.get_by_role("button", name="Make the group").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reading buddies")
    group = Conversation.objects.get(kind=Conversation.Kind.GROUP)
    page.get_by_role("link", name="Back to the groups").click()
    row = page.locator(f'tr[data-group="{group.pk}"]')
    expect(row).to_contain_text("Peer Pat")
    expect(row).to_contain_text("Young Yan")
    expect(row).to_contain_text("Open")
