"""Crisis response: a student who writes of self-harm or abuse is answered at once.

`crisis_respond` runs inside the transaction that stores a message's verdict
(`services.verdict_store`, the one place verdicts are stored, on the send path and in the worker
alike), so the cards are committed with the verdict and announced after the commit, or not at all.
A message is answered once: a verdict is stored once per message, and each card is a keyed program
message (`crisis:<message id>:support`, `crisis:<message id>:guidance:<reader id>`) that a second
call finds instead of posting again.

What the verdict's categories call for is in RESPONSES:
- the student who wrote: a support card, visible to them only, in their language, with the
  district's help lines (`DistrictModeration.crisis_resources`, else DEFAULT_RESOURCES) and word
  that staff were told;
- each adult member (mentor), when the message was delivered to them: guidance on how to answer,
  visible to that adult only, in their language. A held message reaches the adults only if a
  moderator releases it: `moderation.review.actions.review_release` calls `crisis_respond` again,
  which then posts the guidance (and finds the student's card already there).
Staff hear of every such message through the urgent review item, as of any flag.
Threats of violence to others are urgent for staff (the verdict's priority), but are no crisis of
the sender's: no category of theirs is listed, so nobody gets a card. A new kind of answer is an
entry here, not a change to the send path. Messages by adults are never answered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.models import User
from messaging.access import reader_ids
from messaging.models import Membership, Message
from messaging.services import system_message_post

from . import policy
from .models import DistrictModeration, ModerationRecord

logger = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Response:
    support_sender: bool  # the student who wrote gets a support card
    guide_adults: bool  # the adult members who received the message get guidance


RESPONSES: dict[str, Response] = {
    "self_harm": Response(support_sender=True, guide_adults=True),
    "abuse_disclosure": Response(support_sender=True, guide_adults=True),
}

# Help lines per language when the district has configured none for that language. Data, not
# translations: a district replaces them with its own (DistrictModeration.crisis_resources).
DEFAULT_RESOURCES: dict[str, tuple[str, ...]] = {
    "en": (
        "988 Suicide & Crisis Lifeline: call or text 988",
        "Crisis Text Line: text HOME to 741741",
    ),
    "es": (
        "988 Línea de Prevención del Suicidio y Crisis: llama o envía un mensaje de texto al 988 "
        "(oprime 2 para español)",
        "Crisis Text Line: envía HOME al 741741",
    ),
}


def _supported(code: object) -> str:
    """`code` reduced to a language Trellis speaks ("es-MX" -> "es"), or "" when it is none."""
    if not isinstance(code, str) or not code.strip():
        return ""
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in {c for c, _ in settings.LANGUAGES} else ""


def crisis_language(*, verdict: policy.Verdict | ModerationRecord | None, user: User) -> str:
    """The language to answer `user` in: the verdict's (the language the message was written in,
    when the pipeline names one), else the person's preferred language (when accounts record
    one), else English."""
    for candidate in (getattr(verdict, "language", ""), getattr(user, "preferred_language", "")):
        language = _supported(candidate)
        if language:
            return language
    return FALLBACK_LANGUAGE


def crisis_resources(*, district_id: int, language: str) -> list[str]:
    """The help lines for a student of the district in `language`: the district's own for that
    language, else the defaults for it, else the district's English ones, else the English
    defaults."""
    configured = (
        DistrictModeration.objects.filter(district_id=district_id)
        .values_list("crisis_resources", flat=True)
        .first()
    )
    configured = configured if isinstance(configured, dict) else {}
    for lines in (
        configured.get(language),
        DEFAULT_RESOURCES.get(language),
        configured.get(FALLBACK_LANGUAGE),
    ):
        if lines:
            return list(lines)
    return list(DEFAULT_RESOURCES[FALLBACK_LANGUAGE])


def support_text(*, language: str, resources: list[str]) -> str:
    """The student's card: warm, plain, second person."""
    with translation.override(language):
        lines = [
            gettext(
                "It sounds like you are going through something really hard. Thank you for "
                "sharing it with us. You deserve support, and you can talk to someone right now, "
                "for free, any time:"
            ),
            *(f"• {line.strip()}" for line in resources),
            gettext("A staff member has been told and will check in with you."),
        ]
    return "\n".join(lines)


def guidance_text(*, language: str) -> str:
    """An adult member's card: how to answer a child who has just disclosed."""
    with translation.override(language):
        lines = [
            gettext("The student's message above may mean they are not safe. How to respond:"),
            "• " + gettext("Stay calm, and thank them for telling you."),
            "• " + gettext("Don't promise to keep it a secret."),
            "• "
            + gettext(
                "Don't ask for details or investigate: listen, and leave the follow-up to staff."
            ),
            "• " + gettext("Staff have been alerted and will follow up."),
        ]
    return "\n".join(lines)


def crisis_respond(
    *, message: Message, verdict: policy.Verdict | ModerationRecord
) -> list[Message]:
    """Post the cards the verdict on a student's message calls for (RESPONSES), each once.

    Call inside the transaction that stores the verdict, after the message's state is set, and
    again when a held message is released (its adults get their guidance then); the cards go to
    their readers after commit. Returns the cards posted by this call: empty when none
    are due (an adult's message, a category with no answer) or all were posted before.
    """
    due = [RESPONSES[c] for c in verdict.categories if c in RESPONSES]
    if not due or message.kind != Message.Kind.USER or message.sender_id is None:
        return []
    sender = message.sender
    if sender.role != User.Role.STUDENT:
        return []
    conversation = message.conversation
    posted: list[Message] = []
    languages: list[str] = []
    if any(r.support_sender for r in due):
        language = crisis_language(verdict=verdict, user=sender)
        languages.append(language)
        body = support_text(
            language=language,
            resources=crisis_resources(district_id=conversation.district_id, language=language),
        )
        result = system_message_post(
            conversation=conversation,
            key=f"crisis:{message.pk}:support",
            body=body,
            kind=Message.Kind.SUPPORT,
            visible_to=sender,
        )
        if result.created:
            posted.append(result.message)
    if any(r.guide_adults for r in due) and message.is_visible_to_recipients:
        adults = (
            User.objects.filter(
                memberships__conversation=conversation,
                memberships__role=Membership.Role.MENTOR,
                # An adult removed from the conversation (closed match, suspended) gets nothing.
                pk__in=reader_ids(conversation=conversation),
            )
            .exclude(pk=sender.pk)
            .order_by("pk")
        )
        for adult in adults:
            # The verdict's language is the student's; the adult is answered in their own.
            language = crisis_language(verdict=None, user=adult)
            result = system_message_post(
                conversation=conversation,
                key=f"crisis:{message.pk}:guidance:{adult.pk}",
                body=guidance_text(language=language),
                kind=Message.Kind.GUIDANCE,
                visible_to=adult,
            )
            if result.created:
                posted.append(result.message)
    if posted:
        audit_record(
            action="moderation.crisis_response",
            district_id=conversation.district_id,
            target_type="message",
            target_id=message.pk,
            detail={
                "cards": [card.pk for card in posted],
                "kinds": [card.kind for card in posted],
                "categories": [c for c in verdict.categories if c in RESPONSES],
                "languages": languages,
            },
        )
        logger.info(
            "message=%s crisis response cards=%s",
            message.pk,
            ",".join(str(card.pk) for card in posted),
        )
    return posted
