"""The coordinator's group pages: a program's groups, a new group from the program's cleared
people, and a group's page to add people; the peer rule and the district shown as form errors;
nobody but the program's own coordinators reaches them."""

import html

import pytest
from django.test import Client

from accounts.models import AuditEntry, User
from messaging.models import Conversation, Membership
from programs.models import MentorProfile, StudentProfile
from programs.services import group_create
from testkit.sessions import login_verified


@pytest.fixture
def people(make_user, district):
    peer = make_user(User.Role.MENTOR, district, is_minor=True, display_name="Peer Pat")
    MentorProfile.objects.create(mentor=peer, grade=11)
    adult = make_user(User.Role.MENTOR, district, display_name="Adult Ada")
    younger = make_user(User.Role.STUDENT, district, display_name="Young Yan")
    StudentProfile.objects.create(student=younger, grade=7)
    older = make_user(User.Role.STUDENT, district, display_name="Older Oli")
    StudentProfile.objects.create(student=older, grade=11)
    return {"peer": peer, "adult": adult, "younger": younger, "older": older}


@pytest.fixture
def staff(coordinator):
    client = Client()
    login_verified(client, coordinator)
    return client


def _groups(program):
    return f"/coordinator/programs/{program.pk}/groups/"


def _groups_count():
    return Conversation.objects.filter(kind=Conversation.Kind.GROUP).count()


def test_the_dashboard_links_to_the_groups_page_and_each_group(staff, coordinator, program, people):
    group = _make_group(coordinator, program, people)
    page = staff.get(f"/coordinator/programs/{program.pk}/week/").content.decode()
    assert f'href="{_groups(program)}"' in page
    row = page[page.index(f'data-conversation="{group.pk}"') :]
    row = row[: row.index("</li>")]
    assert f'href="{_groups(program)}{group.pk}/"' in row


def test_a_coordinator_makes_a_group_from_the_form_and_it_is_listed(staff, program, people):
    form = staff.get(_groups(program) + "new/").content.decode()
    # Only the program's cleared people are offered.
    assert f'value="{people["peer"].pk}"' in form
    assert f'value="{people["younger"].pk}"' in form
    # With what the peer rule looks at: a peer mentor marked, and the grades.
    assert "Peer Pat (peer mentor, grade 11)" in form
    assert "Adult Ada</label>" in form
    assert "Young Yan (grade 7)" in form
    response = staff.post(
        _groups(program) + "new/",
        {
            "title": "Reading buddies",
            "mentors": [people["peer"].pk, people["adult"].pk],
            "students": [people["younger"].pk],
        },
    )
    group = Conversation.objects.get(kind=Conversation.Kind.GROUP)
    assert response.status_code == 302
    assert response["Location"] == f"{_groups(program)}{group.pk}/"
    assert group.title == "Reading buddies"
    assert set(group.memberships.values_list("user_id", "role")) == {
        (people["peer"].pk, "mentor"),
        (people["adult"].pk, "mentor"),
        (people["younger"].pk, "student"),
    }
    assert AuditEntry.objects.filter(action="group.create", target_id=group.pk).exists()
    listing = staff.get(_groups(program)).content.decode()
    row = listing[listing.index(f'data-group="{group.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Reading buddies" in row
    for name in ("Peer Pat", "Adult Ada", "Young Yan"):
        assert name in row
    assert "Open" in row
    assert "Nobody has written yet" in row


def test_a_peer_rule_violation_is_a_form_error_and_makes_nothing(staff, program, people):
    response = staff.post(
        _groups(program) + "new/",
        {"title": "Mixed", "mentors": [people["peer"].pk], "students": [people["older"].pk]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A peer mentor (a minor) mentors only younger students" in page
    assert 'role="alert"' in page
    # What the coordinator typed and chose is kept.
    assert 'value="Mixed"' in page
    assert _groups_count() == 0
    assert not AuditEntry.objects.filter(action="group.create").exists()


def test_a_person_of_another_district_cannot_be_chosen(
    staff, program, people, make_user, make_district
):
    stranger = make_user(User.Role.STUDENT, make_district(), display_name="Far Away")
    form = staff.get(_groups(program) + "new/").content.decode()
    assert "Far Away" not in form
    response = staff.post(
        _groups(program) + "new/",
        {"title": "Across", "mentors": [people["adult"].pk], "students": [stranger.pk]},
    )
    assert response.status_code == 400
    assert "is not one of the program's cleared people" in html.unescape(response.content.decode())
    assert _groups_count() == 0


def test_an_uncleared_student_is_not_offered(staff, program, people, make_user, district):
    unconsented = make_user(User.Role.STUDENT, district, cleared=False, display_name="No Consent")
    form = staff.get(_groups(program) + "new/").content.decode()
    assert "No Consent" not in form
    response = staff.post(
        _groups(program) + "new/",
        {"title": "X", "mentors": [people["adult"].pk], "students": [unconsented.pk]},
    )
    assert response.status_code == 400
    assert _groups_count() == 0


def _make_group(coordinator, program, people, **kw):
    return group_create(
        actor=coordinator,
        program=program,
        title=kw.get("title", "Lunch club"),
        mentors=kw.get("mentors", [people["peer"]]),
        students=kw.get("students", [people["younger"]]),
    )


def test_a_coordinator_adds_people_to_a_group(staff, coordinator, program, people, make_user):
    group = _make_group(coordinator, program, people)
    page = staff.get(f"{_groups(program)}{group.pk}/").content.decode()
    assert "Peer Pat" in page
    assert "Young Yan" in page
    response = staff.post(f"{_groups(program)}{group.pk}/", {"mentors": [people["adult"].pk]})
    assert response.status_code == 302
    assert Membership.objects.filter(
        conversation=group, user=people["adult"], role="mentor"
    ).exists()
    assert AuditEntry.objects.filter(action="group.members_add", target_id=group.pk).exists()


def test_adding_an_older_student_to_a_peer_group_is_a_form_error(
    staff, coordinator, program, people
):
    group = _make_group(coordinator, program, people)
    response = staff.post(f"{_groups(program)}{group.pk}/", {"students": [people["older"].pk]})
    assert response.status_code == 400
    assert "A peer mentor (a minor) mentors only younger students" in response.content.decode()
    assert not Membership.objects.filter(conversation=group, user=people["older"]).exists()


def test_nobody_is_added_to_a_closed_group(staff, coordinator, program, people):
    group = _make_group(coordinator, program, people)
    Conversation.objects.filter(pk=group.pk).update(is_open=False)
    page = staff.get(f"{_groups(program)}{group.pk}/").content.decode()
    assert "Add to the group" not in page
    response = staff.post(f"{_groups(program)}{group.pk}/", {"mentors": [people["adult"].pk]})
    assert response.status_code == 400
    assert "This group is closed" in response.content.decode()
    assert group.memberships.count() == 2
    assert not AuditEntry.objects.filter(action="group.members_add").exists()


def test_adding_nobody_is_a_form_error(staff, coordinator, program, people):
    group = _make_group(coordinator, program, people)
    response = staff.post(f"{_groups(program)}{group.pk}/", {})
    assert response.status_code == 400
    assert group.memberships.count() == 2


@pytest.fixture
def group(coordinator, program, people):
    return _make_group(coordinator, program, people)


def _urls(program, group):
    return [_groups(program), _groups(program) + "new/", f"{_groups(program)}{group.pk}/"]


def test_a_coordinator_of_another_district_gets_not_found(
    program, group, people, make_user, make_district
):
    other = make_user(User.Role.COORDINATOR, make_district())
    client = Client()
    login_verified(client, other)
    for url in _urls(program, group):
        assert client.get(url).status_code == 404, url
    response = client.post(
        _groups(program) + "new/",
        {"title": "Sneaky", "mentors": [people["adult"].pk], "students": [people["older"].pk]},
    )
    assert response.status_code == 404
    response = client.post(f"{_groups(program)}{group.pk}/", {"mentors": [people["adult"].pk]})
    assert response.status_code == 404
    assert _groups_count() == 1
    assert group.memberships.count() == 2


def test_a_group_of_another_program_is_not_found(staff, program, group, make_program, district):
    other_program = make_program(district)
    response = staff.get(f"{_groups(other_program)}{group.pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["peer", "younger"])
def test_a_mentor_or_student_cannot_reach_the_group_pages(program, group, people, who):
    client = Client()
    login_verified(client, people[who])
    for url in _urls(program, group):
        assert client.get(url).status_code == 404, url
    response = client.post(f"{_groups(program)}{group.pk}/", {"students": [people["older"].pk]})
    assert response.status_code == 404
    assert group.memberships.count() == 2


def test_signed_out_visitors_are_sent_to_sign_in(client, program, group):
    for url in _urls(program, group):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


# -- taking someone out, closing the group (a confirm step first), the member checks ----------


def test_removing_a_member_takes_a_confirm_step(staff, coordinator, program, people):
    group = _make_group(coordinator, program, people, mentors=[people["peer"], people["adult"]])
    url = f"{_groups(program)}{group.pk}/"
    page = staff.get(url).content.decode()
    assert f'name="user" value="{people["adult"].pk}"' in page
    first = staff.post(url, {"action": "remove", "user": people["adult"].pk})
    assert first.status_code == 200
    step = first.content.decode()
    assert 'id="confirm-step"' in step
    assert "Take Adult Ada out of the group?" in html.unescape(step)
    assert group.memberships.filter(user=people["adult"]).exists()
    done = staff.post(url, {"action": "remove", "user": people["adult"].pk, "confirm": "yes"})
    assert done.status_code == 302
    assert not group.memberships.filter(user=people["adult"]).exists()
    assert AuditEntry.objects.filter(action="group.member_remove", target_id=group.pk).exists()


def test_closing_a_group_takes_a_confirm_step_and_the_page_says_closed(
    staff, coordinator, program, people
):
    group = _make_group(coordinator, program, people)
    url = f"{_groups(program)}{group.pk}/"
    first = staff.post(url, {"action": "close"})
    assert 'id="confirm-step"' in first.content.decode()
    group.refresh_from_db()
    assert group.is_open
    assert staff.post(url, {"action": "close", "confirm": "yes"}).status_code == 302
    group.refresh_from_db()
    assert not group.is_open
    page = staff.get(url).content.decode()
    assert "Closed" in page
    assert 'value="close"' not in page
    assert 'value="remove"' not in page


def test_a_refused_removal_is_shown_on_the_page(staff, coordinator, program, people):
    group = _make_group(coordinator, program, people)
    url = f"{_groups(program)}{group.pk}/"
    response = staff.post(url, {"action": "remove", "user": people["younger"].pk, "confirm": "yes"})
    assert response.status_code == 400
    assert "close the group instead" in html.unescape(response.content.decode())
    assert group.memberships.count() == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Late Lee has no recorded guardian consent."),
        ("es", "Late Lee no tiene consentimiento"),
    ],
)
def test_a_member_check_names_the_person_on_the_page_in_both_languages(
    staff, coordinator, program, people, make_user, district, monkeypatch, language, expected
):
    from accounts.models import GuardianConsent
    from programs import views

    group = _make_group(coordinator, program, people, mentors=[people["adult"]])
    late = make_user(User.Role.STUDENT, district, display_name="Late Lee")
    # The page was loaded while Lee was cleared; the consent was withdrawn before the POST.
    offered = views.group_students_eligible(program=program)
    offered_ids = list(offered.values_list("pk", flat=True))
    GuardianConsent.objects.filter(student=late).delete()
    monkeypatch.setattr(
        views,
        "group_students_eligible",
        lambda *, program: User.objects.filter(pk__in=offered_ids),
    )
    response = staff.post(
        f"{_groups(program)}{group.pk}/",
        {"students": [late.pk]},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    alert = page[page.index('role="alert"') :]
    assert expected in alert[: alert.index("</div>")]
    assert f"Student {late.pk}" not in page
    assert not group.memberships.filter(user=late).exists()


def test_a_groups_conversation_page_names_each_sender_with_their_role(coordinator, program, people):
    import json

    group = _make_group(coordinator, program, people, mentors=[people["peer"], people["adult"]])
    client = Client()
    login_verified(client, people["younger"])
    page = client.get(f"/conversations/{group.pk}/").content.decode()
    start = page.index('<script id="senders" type="application/json">')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert data == {
        str(people["peer"].pk): {"name": "Peer Pat", "role": "mentor"},
        str(people["adult"].pk): {"name": "Adult Ada", "role": "mentor"},
        str(people["younger"].pk): {"name": "Young Yan", "role": "student"},
    }
    assert 'data-kind="group"' in page
