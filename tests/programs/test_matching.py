"""The matching aid: pure ranking and rules, the selector over stored profiles, the coordinator
page and the proposal it makes."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import AuditEntry, Screening, User
from messaging import services as messaging
from messaging.models import Match
from programs.access import ProgramNotFound, access_program_as_coordinator
from programs.matching import MentorFacts, ProgramFacts, StudentFacts, rank_mentors
from programs.models import Guardian, MatchDecision, MentorProfile, ProgramRules, StudentProfile
from programs.selectors import match_options
from programs.services import MatchNotProposable, match_propose

PROGRAM = ProgramFacts(district_id=1)


def _mentor(mentor_id=10, **kw) -> MentorFacts:
    base = dict(
        mentor_id=mentor_id,
        district_id=1,
        is_active=True,
        is_minor=False,
        screened=True,
        capacity=2,
        open_matches=0,
        open_in_program=0,
    )
    return MentorFacts(**{**base, **kw})


def _student(**kw) -> StudentFacts:
    return StudentFacts(**{"student_id": 1, "district_id": 1, **kw})


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


# -- the pure function ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentor", "student", "program", "code", "text"),
    [
        (
            _mentor(district_id=2),
            _student(),
            PROGRAM,
            "other_district",
            "The mentor belongs to another district.",
        ),
        (
            _mentor(screened=False),
            _student(),
            PROGRAM,
            "screening_incomplete",
            "Screening incomplete: the background check and orientation must be recorded.",
        ),
        (
            _mentor(capacity=2, open_matches=2),
            _student(),
            PROGRAM,
            "at_capacity",
            "At capacity: 2 of 2 places taken.",
        ),
        (
            _mentor(is_minor=True, grade=9),
            _student(grade=9),
            PROGRAM,
            "peer_not_younger",
            "A peer mentor (a minor) mentors only younger students: the mentor is in grade 9, "
            "the student in grade 9.",
        ),
        (
            _mentor(is_minor=True, grade=11),
            _student(grade=None),
            PROGRAM,
            "peer_grade_unknown",
            "A peer mentor (a minor) mentors only younger students, and the mentor's or the "
            "student's grade is not recorded.",
        ),
        (
            _mentor(open_in_program=4, capacity=8, open_matches=4),
            _student(),
            ProgramFacts(district_id=1, group_size=4),
            "group_full",
            "The mentor's group in this program is full (4 students).",
        ),
        (
            _mentor(is_active=False),
            _student(),
            PROGRAM,
            "inactive",
            "The mentor's account is disabled.",
        ),
    ],
)
def test_each_rule_excludes_with_its_reason(mentor, student, program, code, text):
    ranking = rank_mentors(student=student, mentors=[mentor], program=program)
    assert ranking.candidates == []
    [exclusion] = ranking.exclusions
    assert [(r.code, r.text) for r in exclusion.reasons] == [(code, text)]


def test_a_peer_mentor_in_a_higher_grade_and_a_group_with_room_are_allowed():
    peer = _mentor(11, is_minor=True, grade=11)
    grouped = _mentor(12, open_in_program=3, capacity=8, open_matches=3)
    ranking = rank_mentors(
        student=_student(grade=8),
        mentors=[peer, grouped],
        program=ProgramFacts(district_id=1, group_size=4),
    )
    assert ranking.exclusions == []
    # Equal scores: the mentor with more places free first.
    assert [(c.mentor_id, c.remaining) for c in ranking.candidates] == [(12, 5), (11, 2)]


def test_ranking_scores_every_reason_and_the_guardians_language_ranks_up():
    student = _student(
        interests=frozenset({"robotics", "soccer"}),
        needs=frozenset({"college applications"}),
        languages=frozenset({"en"}),
        guardian_languages=frozenset({"es"}),
        availability=frozenset({"tue-afternoon", "thu-afternoon"}),
    )
    engineer = _mentor(
        20,
        interests=frozenset({"robotics"}),
        careers=frozenset({"engineering"}),
        languages=frozenset({"en"}),
        availability=frozenset({"tue-afternoon"}),
    )
    # The same, and Spanish: the guardians can be written to in their language.
    bilingual = _mentor(
        21,
        interests=frozenset({"robotics"}),
        careers=frozenset({"engineering"}),
        languages=frozenset({"en", "es"}),
        availability=frozenset({"tue-afternoon"}),
    )
    counsellor = _mentor(
        22,
        capacity=3,
        open_matches=1,
        lived_experience=frozenset({"college applications"}),
        interests=frozenset({"soccer", "robotics"}),
        languages=frozenset({"en"}),
        availability=frozenset({"tue-afternoon", "thu-afternoon"}),
    )
    ranking = rank_mentors(
        student=student, mentors=[engineer, bilingual, counsellor], program=PROGRAM
    )
    assert [(c.mentor_id, c.score) for c in ranking.candidates] == [(22, 11), (21, 8), (20, 5)]
    top = ranking.candidates[0]
    assert [(r.code, r.text, r.points) for r in top.reasons] == [
        ("need_met", "Can meet: college applications", 3),
        ("shared_interest", "Shared interests: robotics, soccer", 4),
        ("shared_language", "Speaks the student's language: en", 2),
        ("schedule_overlap", "Both available: thu-afternoon, tue-afternoon", 2),
        ("capacity", "2 of 3 places free.", 0),
    ]
    assert _codes(ranking.candidates[1].reasons) == [
        "shared_interest",
        "shared_language",
        "guardian_language",
        "schedule_overlap",
        "capacity",
    ]
    assert ranking.candidates[1].reasons[2].text == "Speaks the guardians' language: es"


def test_equal_scores_prefer_the_mentor_with_more_places_free():
    ranking = rank_mentors(
        student=_student(),
        mentors=[_mentor(30, capacity=2, open_matches=1), _mentor(31, capacity=3)],
        program=PROGRAM,
    )
    assert [(c.mentor_id, c.remaining) for c in ranking.candidates] == [(31, 3), (30, 1)]


# -- the selector over stored rows ------------------------------------------------------------


@pytest.fixture
def seeded(program, make_user, district):
    student = make_user(User.Role.STUDENT, district)
    StudentProfile.objects.create(
        student=student,
        school=program.school,
        grade=8,
        interests=["Robotics", "chess"],
        needs=["first-generation student"],
        languages=["en"],
        availability=["wed-afternoon"],
    )
    Guardian.objects.create(
        district=district, student=student, sourced_id="g1", name="G", preferred_language="es-MX"
    )
    spanish = make_user(User.Role.MENTOR, district)
    MentorProfile.objects.create(
        mentor=spanish, capacity=2, languages=["en", "es"], interests=["chess"]
    )
    plain = make_user(User.Role.MENTOR, district)
    MentorProfile.objects.create(mentor=plain, capacity=2, languages=["en"], interests=["chess"])
    full = make_user(User.Role.MENTOR, district)
    MentorProfile.objects.create(
        mentor=full, capacity=1, lived_experience=["first-generation student"], languages=["es"]
    )
    unscreened = make_user(User.Role.MENTOR, district, cleared=False)
    MentorProfile.objects.create(mentor=unscreened, capacity=3, interests=["robotics", "chess"])
    return {
        "student": student,
        "spanish": spanish,
        "plain": plain,
        "full": full,
        "unscreened": unscreened,
    }


def test_selector_ranks_stored_profiles_with_reasons(
    seeded, program, make_user, district, make_district
):
    # The full mentor's one place is taken by an active match in another program.
    other_student = make_user(User.Role.STUDENT, district)
    messaging.match_activate(
        match=messaging.match_create(program=program, mentor=seeded["full"], student=other_student)
    )
    # A mentor of another district is never gathered, not even as an exclusion.
    make_user(User.Role.MENTOR, make_district())
    options = match_options(program=program, student=seeded["student"])
    assert [(c.mentor_id, c.score) for c in options.ranking.candidates] == [
        (seeded["spanish"].pk, 7),
        (seeded["plain"].pk, 4),
    ]
    assert _codes(options.ranking.candidates[0].reasons) == [
        "shared_interest",
        "shared_language",
        "guardian_language",
        "capacity",
    ]
    assert {e.mentor_id: _codes(e.reasons) for e in options.ranking.exclusions} == {
        seeded["full"].pk: ["at_capacity"],
        seeded["unscreened"].pk: ["screening_incomplete"],
    }
    assert options.open_match is None


def test_capacity_counts_open_matches_not_closed_ones(seeded, program, make_user, district):
    mentor = seeded["plain"]
    first, second = (make_user(User.Role.STUDENT, district) for _ in range(2))
    active = messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=first)
    )
    options = match_options(program=program, student=seeded["student"])
    plain = next(c for c in options.ranking.candidates if c.mentor_id == mentor.pk)
    assert plain.reasons[-1].text == "1 of 2 places free."
    messaging.match_activate(
        match=messaging.match_create(program=program, mentor=mentor, student=second)
    )
    options = match_options(program=program, student=seeded["student"])
    [excluded] = [e for e in options.ranking.exclusions if e.mentor_id == mentor.pk]
    assert [r.text for r in excluded.reasons] == ["At capacity: 2 of 2 places taken."]
    messaging.match_close(match=active, actor=None, reason="Year ended")
    options = match_options(program=program, student=seeded["student"])
    assert mentor.pk in [c.mentor_id for c in options.ranking.candidates]


def test_a_group_program_limits_students_per_mentor(seeded, program, make_user, district):
    ProgramRules.objects.create(program=program, group_size=1)
    MentorProfile.objects.filter(mentor=seeded["plain"]).update(capacity=5)
    messaging.match_create(
        program=program, mentor=seeded["plain"], student=make_user(User.Role.STUDENT, district)
    )
    options = match_options(program=program, student=seeded["student"])
    [excluded] = [e for e in options.ranking.exclusions if e.mentor_id == seeded["plain"].pk]
    assert _codes(excluded.reasons) == ["group_full"]


# -- the proposal -----------------------------------------------------------------------------


def test_propose_creates_the_match_a_decision_and_one_audit_entry(seeded, program, coordinator):
    decision = match_propose(
        actor=coordinator,
        program=program,
        student=seeded["student"],
        mentor_id=seeded["spanish"].pk,
    )
    match = Match.objects.get(program=program, student=seeded["student"])
    assert (match.mentor_id, match.status) == (seeded["spanish"].pk, Match.Status.PROPOSED)
    assert (
        decision.match_id,
        decision.coordinator_id,
        decision.mentor_id,
        decision.student_id,
        decision.score,
    ) == (match.pk, coordinator.pk, seeded["spanish"].pk, seeded["student"].pk, 7)
    assert [r["code"] for r in decision.reasons] == [
        "shared_interest",
        "shared_language",
        "guardian_language",
        "capacity",
    ]
    entry = AuditEntry.objects.get(action="match.propose")
    assert entry.detail == {
        "decision": decision.pk,
        "program": program.pk,
        "mentor": seeded["spanish"].pk,
        "student": seeded["student"].pk,
        "score": 7,
        "reasons": ["shared_interest", "shared_language", "guardian_language", "capacity"],
    }
    assert (entry.actor_ref, entry.target_id) == (coordinator.pk, str(match.pk))
    # The student now has an open match: a second proposal is refused.
    with pytest.raises(MatchNotProposable, match="already has an open match"):
        match_propose(
            actor=coordinator,
            program=program,
            student=seeded["student"],
            mentor_id=seeded["plain"].pk,
        )
    assert Match.objects.filter(student=seeded["student"]).count() == 1


def test_an_excluded_mentor_cannot_be_proposed(seeded, program, coordinator):
    with pytest.raises(MatchNotProposable) as refused:
        match_propose(
            actor=coordinator,
            program=program,
            student=seeded["student"],
            mentor_id=seeded["unscreened"].pk,
        )
    assert refused.value.messages == [
        "Screening incomplete: the background check and orientation must be recorded."
    ]
    assert not Match.objects.filter(student=seeded["student"]).exists()
    assert not MatchDecision.objects.exists()
    assert not AuditEntry.objects.filter(action="match.propose").exists()


# -- the page ---------------------------------------------------------------------------------


def _url(program, student) -> str:
    return f"/coordinator/programs/{program.pk}/match/{student.pk}/"


@pytest.fixture
def coordinator_client(coordinator, verified_login):
    client = Client()
    verified_login(client, coordinator)
    return client


def test_the_page_lists_candidates_and_exclusions_with_reasons(seeded, program, coordinator_client):
    page = coordinator_client.get(_url(program, seeded["student"]))
    assert page.status_code == 200
    html = page.content.decode()
    spanish, full, plain = (
        html.index(f'data-mentor="{seeded[name].pk}"') for name in ("spanish", "full", "plain")
    )
    assert spanish < full < plain
    assert "Speaks the guardians&#x27; language: es (+3)" in html
    assert "Screening incomplete: the background check and orientation must be recorded." in html
    # Three candidates; the unscreened mentor is listed without a button.
    assert html.count("Propose this match") == 3


def test_proposing_on_the_page_makes_the_match(seeded, program, coordinator, coordinator_client):
    response = coordinator_client.post(
        _url(program, seeded["student"]), {"mentor": seeded["plain"].pk}
    )
    assert response.status_code == 302
    decision = MatchDecision.objects.get()
    assert (decision.coordinator_id, decision.mentor_id, decision.match.student_id) == (
        coordinator.pk,
        seeded["plain"].pk,
        seeded["student"].pk,
    )
    after = coordinator_client.get(_url(program, seeded["student"]))
    assert b'id="open-match"' in after.content
    assert b"Propose this match" not in after.content


def test_a_refused_proposal_on_the_page_says_why(seeded, program, coordinator_client):
    response = coordinator_client.post(
        _url(program, seeded["student"]), {"mentor": seeded["unscreened"].pk}
    )
    assert response.status_code == 400
    assert b"This match was not proposed:" in response.content
    assert not Match.objects.exists()


def test_another_districts_coordinator_gets_404_and_is_audited(
    seeded, program, make_district, make_user, verified_login
):
    outsider = make_user(User.Role.COORDINATOR, make_district())
    client = Client()
    verified_login(client, outsider)
    url = _url(program, seeded["student"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"mentor": seeded["plain"].pk}).status_code == 404
    assert not Match.objects.exists()
    entries = AuditEntry.objects.filter(action="access.denied", actor_ref=outsider.pk)
    assert [e.detail["ids"] for e in entries] == [
        {"program_id": program.pk, "student_id": seeded["student"].pk}
    ] * 2


@pytest.mark.parametrize("role", [User.Role.STUDENT, User.Role.MENTOR, User.Role.MODERATOR])
def test_only_coordinators_reach_the_page(
    role, seeded, program, make_user, district, verified_login
):
    client = Client()
    verified_login(client, make_user(role, district))
    assert client.get(_url(program, seeded["student"])).status_code == 404


def test_a_student_of_another_district_is_404(
    seeded, program, make_district, make_user, coordinator_client
):
    elsewhere = make_user(User.Role.STUDENT, make_district())
    assert coordinator_client.get(_url(program, elsewhere)).status_code == 404
    # A mentor's id in the student's place is not a student.
    assert coordinator_client.get(_url(program, seeded["plain"])).status_code == 404


def test_screening_recorded_later_makes_the_mentor_a_candidate(seeded, program, coordinator):
    Screening.objects.create(
        mentor=seeded["unscreened"],
        recorded_by=coordinator,
        background_check_cleared_on=datetime.date(2026, 1, 5),
        orientation_completed_on=datetime.date(2026, 1, 6),
    )
    options = match_options(program=program, student=seeded["student"])
    scores = {c.mentor_id: c.score for c in options.ranking.candidates}
    # Robotics and chess, compared without case: 2 interests of 2 points.
    assert scores[seeded["unscreened"].pk] == 4
    assert seeded["unscreened"].pk not in [e.mentor_id for e in options.ranking.exclusions]


def test_the_program_gate_refuses_another_districts_program(program, make_district, make_user):
    outsider = make_user(User.Role.COORDINATOR, make_district())
    with pytest.raises(ProgramNotFound):
        access_program_as_coordinator(user=outsider, program_id=program.pk)
    with pytest.raises(ProgramNotFound):
        access_program_as_coordinator(user=outsider, program_id="1 OR 1=1")
    own = make_user(User.Role.COORDINATOR, program.school.district)
    assert access_program_as_coordinator(user=own, program_id=str(program.pk)) == program


def test_two_coordinators_cannot_both_take_a_mentors_last_place(
    transactional_db, program, make_user, district
):
    mentor = make_user(User.Role.MENTOR, district)
    MentorProfile.objects.create(mentor=mentor, capacity=1)
    students = [make_user(User.Role.STUDENT, district) for _ in range(2)]
    coordinators = [make_user(User.Role.COORDINATOR, district) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def propose(coordinator, student):
        try:
            start.wait()
            match_propose(actor=coordinator, program=program, student=student, mentor_id=mentor.pk)
            outcomes.append("proposed")
        except MatchNotProposable as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=propose, args=pair)
        for pair in zip(coordinators, students, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["At capacity: 1 of 1 place taken.", "proposed"]
    assert Match.objects.filter(mentor=mentor).count() == 1
    assert MatchDecision.objects.filter(mentor=mentor).count() == 1


def test_the_students_page_lists_those_without_an_open_match(
    program, make_user, make_program, district, make_district, coordinator_client
):
    waiting = make_user(User.Role.STUDENT, district, first_name="Wanda", last_name="Able")
    StudentProfile.objects.create(student=waiting, school=program.school)
    unknown_school = make_user(User.Role.STUDENT, district, first_name="Uri", last_name="Best")
    matched = make_user(User.Role.STUDENT, district)
    messaging.match_create(
        program=program, mentor=make_user(User.Role.MENTOR, district), student=matched
    )
    elsewhere = make_user(User.Role.STUDENT, district)
    StudentProfile.objects.create(student=elsewhere, school=make_program(district).school)
    make_user(User.Role.STUDENT, make_district())
    make_user(User.Role.STUDENT, district, is_active=False)
    page = coordinator_client.get(f"/coordinator/programs/{program.pk}/match/")
    assert page.status_code == 200
    links = re.findall(r'href="(/coordinator/programs/\d+/match/\d+/)"', page.content.decode())
    assert links == [_url(program, waiting), _url(program, unknown_school)]


def test_the_students_page_of_another_district_is_404(
    program, make_district, make_user, verified_login
):
    client = Client()
    verified_login(client, make_user(User.Role.COORDINATOR, make_district()))
    assert client.get(f"/coordinator/programs/{program.pk}/match/").status_code == 404


def test_each_candidate_shows_the_students_asks_and_what_the_mentor_offers(
    seeded, program, coordinator_client, make_user, district
):
    nurse = make_user(User.Role.MENTOR, district, display_name="Nurse Nia")
    MentorProfile.objects.create(
        mentor=nurse,
        capacity=2,
        careers=["nursing"],
        lived_experience=["first-generation student", "grew up bilingual"],
        languages=["en", "es"],
    )
    html = coordinator_client.get(_url(program, seeded["student"])).content.decode()
    start = html.index(f'data-mentor="{nurse.pk}"')
    row = html[start : html.index("</article>", start)]
    # What the mentor offers, career and lived experience apart, and the languages spoken.
    assert '<dd class="careers">nursing</dd>' in row
    assert '<dd class="lived-experience">first-generation student, grew up bilingual</dd>' in row
    assert '<dd class="languages">en, es</dd>' in row
    # The student's stated asks and needs beside each candidate, and which this mentor meets.
    assert '<dd class="student-needs">first-generation student</dd>' in row
    assert '<dd class="student-interests">chess, robotics</dd>' in row
    assert '<dd class="needs-met">first-generation student</dd>' in row
    # Lived experience meets a need like a career does (+3).
    assert "Can meet: first-generation student (+3)" in row


def test_career_and_lived_experience_both_meet_needs():
    student = _student(needs=frozenset({"nursing", "first-generation student"}))
    both = _mentor(
        30,
        careers=frozenset({"nursing"}),
        lived_experience=frozenset({"first-generation student"}),
    )
    [candidate] = rank_mentors(student=student, mentors=[both], program=PROGRAM).candidates
    assert candidate.score == 6
