"""Members' reports: a student or mentor reports a message or a person from their conversation.

A report becomes a review item for the district's moderators. When a student reports an adult, the
match's messaging pauses at once and stays paused until staff review the report (a dismissed report
lets it resume; see moderation.review.actions.review_dismiss).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from messaging.access import access_conversation_to_report, member_ids
from messaging.models import Match, Message
from messaging.selectors import messages_visible_q
from messaging.services import match_pause

from .models import Priority, Report, ReviewItem
from .review.items import review_item_create

REASON_MAX = 2000
PAUSE_REASON = "Paused while staff review a student's report"


class ReportRejected(ValidationError):
    """The report could not be filed; `code` says why."""


def _int_or_none(value: object, what: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ReportRejected(f"{what} must be an id.", code="invalid") from exc


def report_create(
    *,
    reporter: User,
    conversation_id: object,
    reason: str,
    message_id: object = None,
    subject_id: object = None,
) -> Report:
    """File a report of a message (its sender is the subject) or of a person in the conversation.

    Raises ConversationNotFound when the reporter is not a member, ReportRejected for bad input.
    Reporting the same message twice returns the first report.
    """
    # A member may report after the match closed (they can no longer read it, but can tell staff).
    conversation = access_conversation_to_report(user=reporter, conversation_id=conversation_id)
    if not isinstance(reason, str):
        raise ReportRejected(gettext("The reason must be text."), code="invalid")
    reason = reason.replace("\x00", "").strip()[:REASON_MAX]
    message_pk = _int_or_none(message_id, "message")
    subject_pk = _int_or_none(subject_id, "subject")
    if message_pk is None and subject_pk is None:
        raise ReportRejected(gettext("Report a message or a person."), code="invalid")

    message = None
    if message_pk is not None:
        message = (
            Message.objects.filter(conversation=conversation, pk=message_pk)
            .filter(messages_visible_q(user=reporter))
            .select_related("sender")
            .first()
        )
        if message is None:
            raise ReportRejected(gettext("No such message in this conversation."), code="not_found")
        if message.sender_id is None or message.sender_id == reporter.pk:
            raise ReportRejected(gettext("Report another member's message."), code="invalid")
        subject = message.sender
    else:
        members = member_ids(conversation=conversation)
        if subject_pk not in members or subject_pk == reporter.pk:
            raise ReportRejected(
                gettext("Report another member of this conversation."), code="not_found"
            )
        subject = User.objects.get(pk=subject_pk)

    if message is not None:
        existing = Report.objects.filter(reporter=reporter, message=message).first()
        if existing is not None:
            return existing

    student_reports_adult = reporter.role == User.Role.STUDENT and subject.is_adult
    priority = Priority.HIGH if student_reports_adult else Priority.NORMAL
    with transaction.atomic():
        paused = False
        if student_reports_adult and conversation.match_id is not None:
            match = Match.objects.get(pk=conversation.match_id)
            if match.status == Match.Status.ACTIVE:
                match_pause(match=match, actor=reporter, reason=PAUSE_REASON)
                paused = True
        item = review_item_create(
            conversation=conversation,
            message=message,
            source=ReviewItem.Source.REPORT,
            reported_by=reporter,
            priority=priority,
            categories=["report"],
            audit_action="report.create",
            detail={"subject": subject.pk, "paused_match": paused},
        )
        report = Report.objects.create(
            item=item,
            reporter=reporter,
            conversation=conversation,
            message=message,
            subject=subject,
            reason=reason,
            paused_match=paused,
        )
    return report


def help_request_create(*, reporter: User, conversation_id: object, reason: str) -> Report:
    """A member asks the district's staff for help ("Get help" on the conversation page).

    Not a report about anyone: nothing is paused and nobody is the subject. A student's request
    is urgent (the person may be in danger); an adult's is high. The reason is kept on the report
    for staff, never in the audit log. Raises ConversationNotFound for a non-member.
    """
    conversation = access_conversation_to_report(user=reporter, conversation_id=conversation_id)
    if not isinstance(reason, str):
        raise ReportRejected(gettext("The reason must be text."), code="invalid")
    reason = reason.replace("\x00", "").strip()[:REASON_MAX]
    priority = Priority.URGENT if reporter.role == User.Role.STUDENT else Priority.HIGH
    with transaction.atomic():
        item = review_item_create(
            conversation=conversation,
            source=ReviewItem.Source.REPORT,
            reported_by=reporter,
            priority=priority,
            categories=["help"],
            audit_action="report.help",
        )
        report = Report.objects.create(
            item=item, reporter=reporter, conversation=conversation, reason=reason
        )
    return report
