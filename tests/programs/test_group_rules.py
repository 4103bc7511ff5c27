"""The peer rule and the minors-on-both-sides rules when a group is made and when people are
added to it: a peer mentor (a minor) only with younger students whose grades are recorded."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry, User
from messaging.models import Conversation, Membership
from programs.models import MentorProfile, StudentProfile
from programs.services import GroupRefused, group_create, group_members_add


@pytest.fixture
def people(make_user, district):
    peer = make_user(User.Role.MENTOR, district, is_minor=True, display_name="Peer Pat")
    MentorProfile.objects.create(mentor=peer, grade=11)
    adult = make_user(User.Role.MENTOR, district, display_name="Adult Ada")
    younger = [make_user(User.Role.STUDENT, district) for _ in range(2)]
    for student in younger:
        StudentProfile.objects.create(student=student, grade=7)
    older = make_user(User.Role.STUDENT, district)
    StudentProfile.objects.create(student=older, grade=11)
    unknown = make_user(User.Role.STUDENT, district)
    return {"peer": peer, "adult": adult, "younger": younger, "older": older, "unknown": unknown}


def test_a_peer_group_of_younger_students_is_made_and_audited(program, coordinator, people):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Reading buddies",
        mentors=[people["peer"]],
        students=people["younger"],
    )
    assert group.kind == Conversation.Kind.GROUP
    assert Membership.objects.filter(conversation=group).count() == 3
    entry = AuditEntry.objects.get(action="group.create")
    assert entry.detail["students"] == sorted(s.pk for s in people["younger"])


@pytest.mark.parametrize(
    ("who", "code"), [("older", "peer_not_younger"), ("unknown", "peer_grade_unknown")]
)
def test_a_peer_mentor_with_an_older_or_ungraded_student_is_refused(
    program, coordinator, people, who, code
):
    with pytest.raises(GroupRefused) as refused:
        group_create(
            actor=coordinator,
            program=program,
            title="Mixed",
            mentors=[people["peer"]],
            students=[*people["younger"], people[who]],
        )
    assert any("peer mentor" in m for m in refused.value.messages)
    assert refused.value.codes == [code]
    assert not Conversation.objects.filter(kind=Conversation.Kind.GROUP).exists()


def test_an_adult_mentor_may_have_any_student(program, coordinator, people):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Lunch club",
        mentors=[people["adult"]],
        students=[people["older"], people["unknown"]],
    )
    assert Membership.objects.filter(conversation=group).count() == 3


def test_adding_people_to_a_group_keeps_the_peer_rule(
    program, coordinator, people, make_user, district
):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Reading buddies",
        mentors=[people["peer"]],
        students=people["younger"][:1],
    )
    # An older student cannot join a peer mentor's group.
    with pytest.raises(GroupRefused):
        group_members_add(
            actor=coordinator, program=program, group=group, students=[people["older"]]
        )
    # A peer mentor cannot join a group that has an older student.
    adult_group = group_create(
        actor=coordinator,
        program=program,
        title="Lunch club",
        mentors=[people["adult"]],
        students=[people["older"]],
    )
    with pytest.raises(GroupRefused):
        group_members_add(
            actor=coordinator, program=program, group=adult_group, mentors=[people["peer"]]
        )
    # A minor mentor without guardian consent is refused like at creation.
    unconsented = make_user(User.Role.MENTOR, district, is_minor=True, cleared=False)
    with pytest.raises(ValidationError):
        group_members_add(actor=coordinator, program=program, group=group, mentors=[unconsented])
    assert Membership.objects.filter(conversation=group).count() == 2
    # A younger student joins; the addition is audited.
    group_members_add(
        actor=coordinator, program=program, group=group, students=people["younger"][1:]
    )
    assert Membership.objects.filter(conversation=group).count() == 3
    assert AuditEntry.objects.filter(action="group.members_add").count() == 1
    # Someone already in the group is not added twice.
    group_members_add(
        actor=coordinator, program=program, group=group, students=people["younger"][1:]
    )
    assert Membership.objects.filter(conversation=group).count() == 3


def test_a_group_of_another_program_is_refused(
    program, make_program, district, coordinator, people
):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Lunch club",
        mentors=[people["adult"]],
        students=[people["older"]],
    )
    with pytest.raises(GroupRefused):
        group_members_add(
            actor=coordinator,
            program=make_program(district),
            group=group,
            students=[people["unknown"]],
        )


def test_nobody_joins_a_closed_group(program, coordinator, people):
    group = group_create(
        actor=coordinator,
        program=program,
        title="Lunch club",
        mentors=[people["adult"]],
        students=[people["older"]],
    )
    Conversation.objects.filter(pk=group.pk).update(is_open=False)
    with pytest.raises(GroupRefused) as refused:
        group_members_add(
            actor=coordinator, program=program, group=group, students=[people["unknown"]]
        )
    assert refused.value.codes == ["group_closed"]
    assert Membership.objects.filter(conversation=group).count() == 2
    assert not AuditEntry.objects.filter(action="group.members_add").exists()
