"""Guardians informed: the information page and letter in the guardian's language, signed links
that expire and refuse tampering, and the progress digest without message content."""

import datetime
import re
import subprocess
import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, User
from actions.messages import message_send
from messaging import services as messaging
from messaging.models import Message
from programs.agreements import AgreementRefused, agreement_publish
from programs.guardians import (
    guardian_agreement_acknowledge,
    guardian_digest_message,
    guardian_digests_send,
    guardian_progress,
    guardian_texts_seed,
    guardian_token,
    guardian_unsubscribe,
)
from programs.milestones import milestone_mark
from programs.models import (
    Agreement,
    AgreementAcceptance,
    Guardian,
    GuardianDigest,
    GuardianProgramText,
    GuardianSettings,
    Milestone,
)
from scheduling import services as scheduling
from scheduling.models import Attendance, Meeting, Venue


@pytest.fixture
def family(program, active_match, student, make_user, district):
    student.first_name = "Ana"
    student.save(update_fields=["first_name"])
    spanish = Guardian.objects.create(
        district=district,
        student=student,
        sourced_id="g-es",
        name="Rosa Díaz",
        email="rosa@example.org",
        preferred_language="es-MX",
    )
    english = Guardian.objects.create(
        district=district,
        student=student,
        sourced_id="g-en",
        name="Tom Díaz",
        email="tom@example.org",
        preferred_language="en",
    )
    return {"es": spanish, "en": english, "program": program, "match": active_match}


def _info(client, guardian, program, purpose="information"):
    token = guardian_token(guardian=guardian, program=program, purpose=purpose)
    suffix = {"information": "/", "letter": "/letter.pdf", "unsubscribe": "/unsubscribe/"}
    return client.get(f"/guardians/{token}{suffix[purpose]}")


def test_information_page_in_the_guardians_language(client, family):
    response = _info(client, family["es"], family["program"])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Rosa Díaz" in html
    # The program's Spanish text (the default, as no one edited it), addressing "usted".
    assert "Usted puede hacer preguntas en cualquier momento" in html
    assert "Ana" in html
    english = _info(client, family["en"], family["program"]).content.decode()
    assert '<html lang="en">' in english
    assert "You can ask questions at any time" in english
    assert "Usted" not in english


def test_edited_program_text_is_used(client, family):
    guardian_texts_seed(program=family["program"])
    assert guardian_texts_seed(program=family["program"]) == 0  # idempotent
    GuardianProgramText.objects.filter(program=family["program"], language="es").update(
        contact="Llame a la Sra. Pérez al 555-0100."
    )
    html = _info(client, family["es"], family["program"]).content.decode()
    assert "Llame a la Sra. Pérez al 555-0100." in html


def test_letter_pdf_is_in_the_guardians_language(client, family, tmp_path):
    response = _info(client, family["es"], family["program"], purpose="letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Rosa Díaz" in text
    assert "verificación de antecedentes" in text


def test_tampered_foreign_and_wrong_purpose_links_are_refused(client, family, make_user):
    token = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    value, _sep, signature = token.rpartition(":")
    tampered = f"{value}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert client.get(f"/guardians/{tampered}/").status_code == 404
    # A payload re-signed by someone without the key.
    forged = signing.TimestampSigner(key="not-the-key", salt="programs.guardians.link")
    fake = forged.sign_object({"g": family["es"].pk, "p": family["program"].pk, "k": "information"})
    assert client.get(f"/guardians/{fake}/").status_code == 404
    # An unsubscribe link does not open the information page, nor the reverse.
    unsubscribe = guardian_token(
        guardian=family["es"], program=family["program"], purpose="unsubscribe"
    )
    assert client.get(f"/guardians/{unsubscribe}/").status_code == 404
    assert client.get(f"/guardians/{token}/unsubscribe/").status_code == 404
    # A guardian whose student has no match in the program gets nothing about it.
    other = Guardian.objects.create(
        district=family["es"].district,
        student=make_user(User.Role.STUDENT, family["es"].district),
        sourced_id="g-x",
        name="Other",
    )
    assert _info(client, other, family["program"]).status_code == 404
    # A guardian the roster no longer lists.
    Guardian.objects.filter(pk=family["en"].pk).update(is_active=False)
    assert _info(client, family["en"], family["program"]).status_code == 404


def test_links_expire_after_the_programs_age(client, family, monkeypatch):
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 31 * 86400)
    old = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    monkeypatch.setattr(signing.time, "time", lambda: real() - 29 * 86400)
    recent = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    monkeypatch.setattr(signing.time, "time", real)
    expired = client.get(f"/guardians/{old}/")
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert client.get(f"/guardians/{recent}/").status_code == 200
    # The program may keep links shorter.
    GuardianSettings.objects.create(program=family["program"], link_max_age_days=7)
    assert client.get(f"/guardians/{recent}/").status_code == 410


def test_unsubscribe_asks_on_get_and_acts_on_post(client, family):
    token = guardian_token(guardian=family["en"], program=family["program"], purpose="unsubscribe")
    assert client.get(f"/guardians/{token}/unsubscribe/").status_code == 200
    assert not hasattr(Guardian.objects.get(pk=family["en"].pk), "unsubscribe")
    done = client.post(f"/guardians/{token}/unsubscribe/")
    assert done.status_code == 200
    assert "You will receive no more progress e-mails" in done.content.decode()
    assert Guardian.objects.get(pk=family["en"].pk).unsubscribe is not None


def test_digest_has_figures_and_links_never_message_text(
    family, student, mentor, django_capture_on_commit_callbacks
):
    match = family["match"]
    secret = "purple-giraffe-7f3a91 my secret plan"
    now = timezone.now()
    for i, (who, body) in enumerate([(student, secret), (mentor, "Reply with care")]):
        sent = message_send(
            sender=who, conversation_id=match.conversation.pk, client_id=f"d{i}", body=body
        ).message
        Message.objects.filter(pk=sent.pk).update(created_at=now - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=now) == 2
    assert len(mail.outbox) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    english, spanish = by_address["tom@example.org"], by_address["rosa@example.org"]
    for message in (english, spanish):
        assert secret not in message.body
        assert "purple-giraffe" not in message.body
        assert "Reply with care" not in message.body
        assert secret not in message.subject
    assert "Weeks in which Ana and the mentor wrote to each other: 1 of" in english.body
    assert "/unsubscribe/" in english.body
    assert "http://127.0.0.1:8000/guardians/" in english.body
    # The Spanish guardian's mail carries the program's Spanish contact text.
    assert "Comuníquese con el coordinador del programa" in spanish.body
    # Not due again until the program's interval has passed; then the next period.
    assert guardian_digests_send(now=now + datetime.timedelta(days=1)) == 0
    assert guardian_digests_send(now=now + datetime.timedelta(days=14)) == 2
    second = GuardianDigest.objects.filter(guardian=family["en"]).order_by("period_end")
    assert [d.period_start for d in second][1] == now
    # An unsubscribed guardian gets no more.
    guardian_unsubscribe(guardian=family["en"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=now + datetime.timedelta(days=28)) == 1
    assert [m.to[0] for m in mail.outbox] == ["rosa@example.org"]


def test_progress_counts_meetings_attended_and_weeks_with_contact(
    family, student, mentor, coordinator
):
    match = family["match"]
    program = family["program"]
    tz = program.school.tz
    venue = Venue.objects.create(school=program.school, name="Library", approved=True)
    now = timezone.now()
    past = now - datetime.timedelta(days=20)
    series = scheduling.series_create(
        conversation=match.conversation,
        venue=venue,
        title="Lunch",
        rule="FREQ=WEEKLY;COUNT=3",
        first_date=past.astimezone(tz).date(),
        start_time=datetime.time(12, 0),
        duration_minutes=30,
        actor=coordinator,
        now=past - datetime.timedelta(days=1),
    )
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 3
    for meeting, state in zip(meetings, ["present", "absent", "present"], strict=True):
        if meeting.starts_at < now:
            scheduling.attendance_record(
                meeting_id=meeting.pk, user_id=student.pk, state=state, actor=coordinator
            )
    sent = message_send(
        sender=student, conversation_id=match.conversation.pk, client_id="p1", body="hello"
    ).message
    Message.objects.filter(pk=sent.pk).update(created_at=now - datetime.timedelta(days=10))
    progress = guardian_progress(
        guardian=family["es"], program=program, start=now - datetime.timedelta(days=21), end=now
    )
    recorded = [m for m in meetings if m.starts_at < now]
    assert progress.meetings_held == len(recorded)
    assert progress.meetings_attended == sum(
        1
        for m, s in zip(meetings, ["present", "absent", "present"], strict=True)
        if m.starts_at < now and s == "present"
    )
    assert progress.weeks_with_contact == 1
    assert progress.milestones == ()


def test_coordinator_lists_guardians_and_prints_a_letter(
    client, family, coordinator, make_user, make_district, verified_login
):
    verified_login(client, coordinator)
    url = f"/coordinator/programs/{family['program'].pk}/guardians/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Rosa Díaz" in page.content.decode()
    letter = client.get(f"{url}{family['es'].pk}/letter.pdf")
    assert letter.status_code == 200
    assert letter.content.startswith(b"%PDF-")
    outsider = make_user(User.Role.COORDINATOR, make_district())
    verified_login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}{family['es'].pk}/letter.pdf").status_code == 404


def test_match_pause_keeps_digest_close_stops_it(family, coordinator):
    messaging.match_pause(match=family["match"], actor=coordinator, reason="Holiday")
    assert guardian_digests_send() == 2
    messaging.match_close(match=family["match"], actor=coordinator, reason="Done")
    mail.outbox.clear()
    assert guardian_digests_send(now=timezone.now() + datetime.timedelta(days=30)) == 0


def test_coordinator_edits_the_spanish_texts(client, family, coordinator, verified_login):
    verified_login(client, coordinator)
    url = f"/coordinator/programs/{family['program'].pk}/guardians/texts/es/"
    form = client.get(url)
    assert form.status_code == 200
    assert "Comuníquese con el coordinador" in form.content.decode()  # the default, to edit
    texts = {
        f: f"Texto {f}" for f in ("goals", "why_chosen", "mentors_chosen", "roles", "meetings")
    }
    incomplete = client.post(url, texts)
    assert incomplete.status_code == 400
    assert not GuardianProgramText.objects.filter(program=family["program"]).exists()
    done = client.post(url, {**texts, "contact": "Llame a la Sra. Pérez."})
    assert done.status_code == 302
    html = _info(client, family["es"], family["program"]).content.decode()
    assert "Llame a la Sra. Pérez." in html
    assert "Texto goals" in html
    # English guardians still read the English default.
    assert "Llame" not in _info(client, family["en"], family["program"]).content.decode()
    assert client.get(url.replace("/es/", "/fr/")).status_code == 404


def test_texts_page_is_for_the_programs_coordinators_only(
    client, family, make_user, make_district, verified_login
):
    url = f"/coordinator/programs/{family['program'].pk}/guardians/texts/en/"
    verified_login(client, make_user(User.Role.COORDINATOR, make_district()))
    assert client.get(url).status_code == 404
    assert client.post(url, {"goals": "x"}).status_code == 404
    verified_login(client, make_user(User.Role.MENTOR, family["es"].district))
    assert client.get(url).status_code == 404


# -- the student agreement, acknowledged on the guardian's page ----------------------------------

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _publish_student_text(program, coordinator):
    return agreement_publish(
        actor=coordinator,
        program=program,
        audience=Agreement.Audience.STUDENT,
        text_en="Students write only on Trellis and meet only at school.",
        text_es="Los estudiantes escriben solo en Trellis y se reúnen solo en la escuela.",
    )


def _page_and_token(client, token):
    page = client.get(f"/guardians/{token}/")
    assert page.status_code == 200
    return page.content.decode(), _CSRF.search(page.content.decode()).group(1)


def test_guardian_acknowledges_the_student_agreement_through_the_signed_link(family, coordinator):
    agreement = _publish_student_text(family["program"], coordinator)
    guardian, program = family["es"], family["program"]
    token = guardian_token(guardian=guardian, program=program, purpose="information")
    client = Client(enforce_csrf_checks=True)
    html, csrf = _page_and_token(client, token)
    # The Spanish text for a Spanish-speaking guardian, with the button.
    assert "Los estudiantes escriben solo en Trellis" in html
    assert "Students write only on Trellis" not in html
    assert 'id="guardian-agreement-form"' in html
    assert 'id="guardian-agreement-done"' not in html
    # Without the CSRF token the POST is refused and nothing is written.
    assert client.post(f"/guardians/{token}/", {"agreement": agreement.pk}).status_code == 403
    assert not AgreementAcceptance.objects.filter(guardian=guardian).exists()

    done = client.post(
        f"/guardians/{token}/", {"agreement": agreement.pk, "csrfmiddlewaretoken": csrf}
    )
    assert done.status_code == 302
    assert done["Location"] == f"/guardians/{token}/"
    [acceptance] = AgreementAcceptance.objects.filter(guardian=guardian)
    assert (acceptance.agreement_id, acceptance.user_id) == (agreement.pk, None)
    [entry] = AuditEntry.objects.filter(action="agreement.accept")
    assert entry.actor_id is None
    assert entry.detail == {"version": 1, "user": None, "guardian": guardian.pk}
    day = acceptance.accepted_at.astimezone(program.school.tz).date().isoformat()
    html = client.get(f"/guardians/{token}/").content.decode()
    assert 'id="guardian-agreement-done"' in html
    assert day in html
    assert 'id="guardian-agreement-form"' not in html
    # The other guardian of the same student has not acknowledged anything.
    english = _info(Client(), family["en"], program).content.decode()
    assert 'id="guardian-agreement-form"' in english
    assert "Students write only on Trellis" in english


def test_a_second_acknowledgement_changes_nothing(client, family, coordinator):
    agreement = _publish_student_text(family["program"], coordinator)
    token = guardian_token(guardian=family["en"], program=family["program"], purpose="information")
    for _attempt in range(2):
        response = client.post(f"/guardians/{token}/", {"agreement": agreement.pk})
        assert response.status_code == 302
    assert AgreementAcceptance.objects.filter(guardian=family["en"]).count() == 1
    assert AuditEntry.objects.filter(action="agreement.accept").count() == 1


def test_expired_and_tampered_links_acknowledge_nothing(client, family, coordinator, monkeypatch):
    agreement = _publish_student_text(family["program"], coordinator)
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 31 * 86400)
    old = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    monkeypatch.setattr(signing.time, "time", real)
    assert client.post(f"/guardians/{old}/", {"agreement": agreement.pk}).status_code == 410
    token = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    value, _sep, signature = token.rpartition(":")
    tampered = f"{value}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert client.post(f"/guardians/{tampered}/", {"agreement": agreement.pk}).status_code == 404
    # A link for another purpose does not acknowledge either.
    letter = guardian_token(guardian=family["es"], program=family["program"], purpose="letter")
    assert client.post(f"/guardians/{letter}/", {"agreement": agreement.pk}).status_code == 404
    assert not AgreementAcceptance.objects.exists()
    assert not AuditEntry.objects.filter(action="agreement.accept").exists()


def test_a_replaced_version_or_another_programs_text_is_refused(
    client, family, coordinator, make_program
):
    first = _publish_student_text(family["program"], coordinator)
    second = _publish_student_text(family["program"], coordinator)
    other = _publish_student_text(make_program(family["es"].district), coordinator)
    token = guardian_token(guardian=family["en"], program=family["program"], purpose="information")
    for agreement_id in (first.pk, other.pk, "nonsense", ""):
        refused = client.post(f"/guardians/{token}/", {"agreement": agreement_id})
        assert refused.status_code == 400
        assert "This version has been replaced" in refused.content.decode()
        # The current version is shown again, with its button.
        assert f'name="agreement" value="{second.pk}"' in refused.content.decode()
    assert not AgreementAcceptance.objects.exists()
    with pytest.raises(AgreementRefused):
        guardian_agreement_acknowledge(
            guardian=family["en"], program=family["program"], agreement_id=first.pk
        )


def test_no_agreement_section_until_the_program_publishes_one(client, family):
    html = _info(client, family["en"], family["program"]).content.decode()
    assert 'id="guardian-agreement"' not in html
    token = guardian_token(guardian=family["en"], program=family["program"], purpose="information")
    assert client.post(f"/guardians/{token}/", {"agreement": "1"}).status_code == 400
    assert not AgreementAcceptance.objects.exists()


# -- milestones in the progress e-mail -------------------------------------------------------------


def test_digest_lists_the_milestones_marked_in_its_period_never_message_text(
    family, student, mentor, coordinator, django_capture_on_commit_callbacks
):
    match = family["match"]
    secret = "tangerine-owl-55c1 do not tell"
    sent = message_send(
        sender=student, conversation_id=match.conversation.pk, client_id="m1", body=secret
    ).message
    earlier = milestone_mark(
        actor=coordinator,
        conversation=match.conversation,
        kind=Milestone.Kind.CUSTOM,
        title="Science fair poster",
        achieved_on=datetime.date(2026, 3, 2),
    )
    milestone_mark(
        actor=coordinator,
        conversation=match.conversation,
        kind=Milestone.Kind.CUSTOM,
        title="Read a whole book together",
        achieved_on=datetime.date(2026, 4, 14),
    )
    now = timezone.now()  # after the marks: the digest's period ends now
    # The first was marked before this period: told in an earlier digest, not again.
    Message.objects.filter(pk=sent.pk).update(created_at=now - datetime.timedelta(days=2))
    Milestone.objects.filter(pk=earlier.pk).update(marked_at=now - datetime.timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=now) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address["tom@example.org"].body
    assert "Milestones reached:" in english
    assert "- Read a whole book together (2026-04-14)" in english
    assert "Science fair poster" not in english
    for message in mail.outbox:
        assert "tangerine-owl" not in message.body
        assert secret not in message.body


def test_progress_names_computed_milestones_in_the_guardians_language(family, coordinator):
    match = family["match"]
    now = timezone.now()
    Milestone.objects.create(
        program=family["program"],
        conversation=match.conversation,
        kind=Milestone.Kind.FIRST_MEETING,
        achieved_on=datetime.date(2026, 2, 5),
        marked_by=coordinator,
        marked_at=now - datetime.timedelta(days=1),
    )
    progress = guardian_progress(
        guardian=family["es"],
        program=family["program"],
        start=now - datetime.timedelta(days=14),
        end=now,
    )
    assert [(m.kind, m.achieved_on) for m in progress.milestones] == [
        ("first_meeting", datetime.date(2026, 2, 5))
    ]
    _subject, body = guardian_digest_message(
        guardian=family["en"],
        program=family["program"],
        progress=progress,
        start=now - datetime.timedelta(days=14),
        end=now,
    )
    assert "- First meeting (2026-02-05)" in body


@pytest.fixture
def group_family(program, make_user, district, mentor):
    """A student who is only in a group of the program (no one-to-one match), with a guardian."""
    pupil = make_user(User.Role.STUDENT, district, first_name="Lía")
    group = messaging.group_conversation_create(
        program=program, title="Lunch club", mentors=[mentor], students=[pupil]
    )
    guardian = Guardian.objects.create(
        district=district,
        student=pupil,
        sourced_id="g-group",
        name="Marta Ruiz",
        email="marta@example.org",
        preferred_language="es",
    )
    return {"guardian": guardian, "group": group, "student": pupil, "program": program}


def test_a_group_only_students_guardian_gets_the_page_and_letter(
    client, group_family, coordinator, verified_login
):
    guardian, program = group_family["guardian"], group_family["program"]
    page = _info(client, guardian, program)
    assert page.status_code == 200
    assert "Marta Ruiz" in page.content.decode()
    assert _info(client, guardian, program, purpose="letter").status_code == 200
    verified_login(client, coordinator)
    url = f"/coordinator/programs/{program.pk}/guardians/"
    assert "Marta Ruiz" in client.get(url).content.decode()
    letter = client.get(f"{url}{guardian.pk}/letter.pdf")
    assert letter.status_code == 200
    assert letter.content.startswith(b"%PDF-")


def test_a_group_only_students_guardian_gets_the_digest_with_group_figures(
    group_family, mentor, coordinator, django_capture_on_commit_callbacks
):
    group, pupil = group_family["group"], group_family["student"]
    program = group_family["program"]
    now = timezone.now()
    secret = "teal-otter-51c2 the group secret"
    for i, (who, body) in enumerate([(pupil, secret), (mentor, "Welcome to the club")]):
        sent = message_send(
            sender=who, conversation_id=group.pk, client_id=f"g{i}", body=body
        ).message
        Message.objects.filter(pk=sent.pk).update(created_at=now - datetime.timedelta(days=3))
    venue = Venue.objects.create(school=program.school, name="Cafeteria", approved=True)
    start = now - datetime.timedelta(days=4)
    meeting = Meeting.objects.create(
        conversation=group,
        venue=venue,
        local_date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    Attendance.objects.create(meeting=meeting, user=pupil, present=True, recorded_by=coordinator)
    progress = guardian_progress(
        guardian=group_family["guardian"],
        program=program,
        start=now - datetime.timedelta(days=14),
        end=now,
    )
    assert (progress.meetings_held, progress.meetings_attended) == (1, 1)
    assert progress.weeks_with_contact == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=now) == 1
    assert [m.to[0] for m in mail.outbox] == ["marta@example.org"]
    assert secret not in mail.outbox[0].body
    assert "teal-otter" not in mail.outbox[0].body
    # A closed group (is_open False) is no longer reported on.
    type(group).objects.filter(pk=group.pk).update(is_open=False)
    assert guardian_digests_send(now=now + datetime.timedelta(days=30)) == 0


def test_a_spanish_guardian_told_of_a_replaced_version_is_addressed_as_usted(
    client, family, coordinator
):
    first = _publish_student_text(family["program"], coordinator)
    _publish_student_text(family["program"], coordinator)
    token = guardian_token(guardian=family["es"], program=family["program"], purpose="information")
    html = client.post(f"/guardians/{token}/", {"agreement": first.pk}).content.decode()
    assert "Esta versión fue reemplazada: lea la versión actual." in html
    assert "lee la actual" not in html


@pytest.mark.parametrize("tag", ["vi", "zh-Hant", "xx"])
def test_a_guardian_whose_language_is_not_spoken_reads_the_districts_default(
    client, family, district, tag, django_capture_on_commit_callbacks
):
    district.default_language = "es"
    district.save(update_fields=["default_language"])
    Guardian.objects.filter(pk=family["en"].pk).update(preferred_language=tag)
    Guardian.objects.filter(pk=family["es"].pk).update(email="")
    guardian = Guardian.objects.get(pk=family["en"].pk)
    html = _info(client, guardian, family["program"]).content.decode()
    assert '<html lang="es">' in html
    assert "Usted puede hacer preguntas en cualquier momento" in html
    with django_capture_on_commit_callbacks(execute=True):
        assert guardian_digests_send(now=timezone.now()) == 1
    [digest] = mail.outbox
    assert digest.to == ["tom@example.org"]
    assert "Comuníquese con el coordinador del programa" in digest.body
