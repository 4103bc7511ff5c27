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


def test_a_group_chat_names_each_sender_live_and_the_group_ending_reaches_the_open_pages(
    browser, server, program, coordinator, make_user, district
):
    from programs.group_actions import group_close, group_member_remove
    from programs.services import group_create, group_members_add

    from .test_conversation_page import bodies, in_thread, open_page, send, send_from_server

    ada = make_user(User.Role.MENTOR, district, first_name="Ada", display_name="Ada L")
    cleo = make_user(User.Role.STUDENT, district, first_name="Cleo", display_name="Cleo R")
    dani = make_user(User.Role.STUDENT, district, first_name="Dani", display_name="Dani S")
    ben = make_user(User.Role.MENTOR, district, first_name="Ben", display_name="Ben K")
    group = group_create(
        actor=coordinator, program=program, title="Lunch club", mentors=[ada], students=[cleo, dani]
    )
    send_from_server(sender=ada, conversation_id=group.pk, client_id="a1", body="Welcome!")
    cleo_page = open_page(browser, server, cleo, group)
    dani_page = open_page(browser, server, dani, group)
    authors = cleo_page.locator("#messages .author")
    expect(authors).to_have_text(["Ada (mentor)"], timeout=10000)

    dani_page.get_by_label("Your message").press_sequentially("ok")
    expect(cleo_page.locator("#typing")).to_have_text("Dani is typing…", timeout=5000)
    send(dani_page, "Hi all")
    expect(authors).to_have_text(["Ada (mentor)", "Dani (student)"], timeout=10000)
    expect(dani_page.locator("#messages .author")).to_have_text(["Ada (mentor)", "You"])

    # Someone who joins while the pages are open is named too.
    in_thread(group_members_add, actor=coordinator, program=program, group=group, mentors=[ben])
    send_from_server(sender=ben, conversation_id=group.pk, client_id="b1", body="Hello, I'm new")
    expect(authors).to_have_text(["Ada (mentor)", "Dani (student)", "Ben (mentor)"], timeout=10000)

    # Taken out: Dani's open page loses the conversation at once; Cleo's keeps it.
    in_thread(group_member_remove, actor=coordinator, program=program, group=group, user=dani)
    expect(dani_page.locator("#connection-status")).to_have_text(
        "You are no longer in this group.", timeout=10000
    )
    expect(bodies(dani_page)).to_have_count(0)
    expect(dani_page.get_by_role("button", name="Send")).to_be_disabled()
    assert dani_page.goto(dani_page.url).status == 404

    # Closed: read-only for the members left.
    in_thread(group_close, actor=coordinator, program=program, group=group)
    expect(cleo_page.locator("#connection-status")).to_have_text(
        "This group has ended: you can read it, but nobody can write in it.", timeout=10000
    )
    expect(bodies(cleo_page)).to_have_count(3)
    expect(cleo_page.get_by_role("button", name="Send")).to_be_disabled()
