"""Answering a check-in: the answer is stored (programs), its comments screened (moderation),
and a coordinator follow-up opened when the answer calls for one, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import User
from moderation.detectors.base import Context
from moderation.models import Report, ReviewItem
from moderation.pipeline import get_pipeline
from moderation.policy import Verdict
from moderation.review.items import review_item_create
from programs.checkins import access_checkin_to_answer, follow_up_reasons
from programs.models import CheckIn, FollowUp

COMMENT_MAX = 2000


def _screen(*, user: User, text: str) -> Verdict | None:
    """The pipeline's verdict on a comment, None when there is nothing to screen. The comment
    is read by staff only, so the context names no student reader; disclosures (self-harm,
    abuse) are urgent whoever reads them. The rules run inline: a check-in is not delivered to
    anyone, so nothing waits for a model."""
    if not text:
        return None
    context = Context(sender_role=user.role, recipient_roles=(User.Role.COORDINATOR,))
    return get_pipeline().run(text, context, include_model=False)


def _review_item_for(*, checkin: CheckIn, verdict: Verdict, text: str) -> ReviewItem:
    """Put a flagged comment on the district moderators' queue as a member's report of their
    own words (the comment is the report's text, so staff read it in the console)."""
    item = review_item_create(
        conversation=checkin.conversation,
        source=ReviewItem.Source.REPORT,
        reported_by=checkin.user,
        priority=verdict.priority,
        categories=[*verdict.categories, "checkin"],
        detail={"checkin": checkin.pk, "verdict": verdict.action},
        event_action=verdict.action,
    )
    Report.objects.create(
        item=item, reporter=checkin.user, conversation=checkin.conversation, reason=text
    )
    return item


def _clean(text: object) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError(_("A comment must be text."))
    return text.replace("\x00", "").strip()[:COMMENT_MAX]


@transaction.atomic
def checkin_answer(
    *, user: User, checkin_id: object, score: object, went_well: object = "", worries: object = ""
) -> CheckIn:
    """Answer the user's own open check-in: a score from 1 to 5 and two optional comments.

    Raises CheckInNotFound (not theirs, answered, or the match no longer active) or
    ValidationError (nothing written). Each comment passes the moderation pipeline; a flagged or
    held one opens a review item. A score of 2 or less, a worry, or a flagged comment opens a
    coordinator follow-up. Audited with ids and codes only."""
    checkin = access_checkin_to_answer(user=user, checkin_id=checkin_id, for_update=True)
    try:
        value = int(score)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Choose how it is going, from 1 to 5.")) from exc
    if not 1 <= value <= 5:
        raise ValidationError(_("Choose how it is going, from 1 to 5."))
    checkin.went_well, checkin.worries = _clean(went_well), _clean(worries)
    items = []
    for text in (checkin.went_well, checkin.worries):
        verdict = _screen(user=user, text=text)
        if verdict is not None and verdict.action != "deliver":
            items.append(_review_item_for(checkin=checkin, verdict=verdict, text=text).pk)
    checkin.score = value
    checkin.flagged = bool(items)
    checkin.answered_at = timezone.now()
    checkin.save(update_fields=["score", "went_well", "worries", "flagged", "answered_at"])
    reasons = follow_up_reasons(score=value, worries=checkin.worries, flagged=checkin.flagged)
    follow_up = None
    if reasons:
        follow_up = FollowUp.objects.create(
            program=checkin.program,
            conversation=checkin.conversation,
            match=checkin.match,
            checkin=checkin,
            reasons=reasons,
            opened_at=checkin.answered_at,
        )
    audit_record(
        action="checkin.answer",
        actor=user,
        district_id=checkin.conversation.district_id,
        target_type="checkin",
        target_id=checkin.pk,
        detail={
            "score": value,
            "review_items": items,
            "follow_up": follow_up.pk if follow_up else None,
            "reasons": reasons,
        },
    )
    return checkin
