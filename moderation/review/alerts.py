"""Safeguarding alerts: who receives them, raising them (in the app, live, and by e-mail with ids
only) and their acknowledgement."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.audit import audit_record
from accounts.languages import language_for_person
from accounts.models import District, User
from messaging import realtime

from ..models import ReviewItem, SafeguardingAlert
from .payloads import alert_event, item_escalated_event

logger = logging.getLogger(__name__)


def safeguarding_recipients(district: District) -> list[User]:
    """The district's designated safeguarding lead; without one, its coordinators, so an
    escalation never goes nowhere."""
    lead = district.safeguarding_lead
    if lead is not None and lead.is_active and lead.district_id == district.pk:
        return [lead]
    return list(User.objects.filter(district=district, role=User.Role.COORDINATOR, is_active=True))


def alerts_raise(*, item: ReviewItem, raised_by: User | None, repeat: bool) -> list[int]:
    """Store an alert per recipient and, after commit, tell each of them and the district's staff
    and send the e-mail (ids and codes only). Returns the alerts' ids."""
    recipients = safeguarding_recipients(item.district)
    alerts = [
        SafeguardingAlert.objects.create(
            item=item, district_id=item.district_id, recipient=r, raised_by=raised_by, repeat=repeat
        )
        for r in recipients
    ]
    for alert in alerts:
        realtime.notify_after_commit(
            groups=[realtime.user_group(alert.recipient_id)],
            event=alert_event(alert, item=item, repeat=repeat),
        )
    realtime.notify_after_commit(
        groups=[realtime.staff_group(item.district_id)],
        event=item_escalated_event(item, repeat=repeat),
    )
    for recipient in recipients:
        if not recipient.email:
            continue
        # In the recipient's language; ids and codes only: the message itself is read in the
        # console, behind sign-in.
        with translation.override(language_for_person(user=recipient)):
            subject = gettext(
                "[Trellis] Safeguarding concern: review item %(item)s (%(priority)s)"
            ) % {"item": item.pk, "priority": item.priority}
            body = gettext(
                "A safeguarding concern in %(district)s needs your attention.\n\n"
                "Review item: %(item)s\nPriority: %(priority)s\n"
                "Categories: %(categories)s\n"
                "Times escalated: %(count)s\n\n"
                "Open it in the review console: /staff/items/%(item)s/\n"
            ) % {
                "district": item.district.name,
                "item": item.pk,
                "priority": item.priority,
                "categories": ", ".join(item.categories) or gettext("none"),
                "count": item.escalation_count,
            }
        transaction.on_commit(
            lambda s=subject, b=body, to=[recipient.email]: _mail(s, b, to, item.pk)
        )
    return [a.pk for a in alerts]


def _mail(subject: str, body: str, addresses: list[str], item_id: int) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
    except Exception:
        # The in-app alert is stored and shown; a mail outage must not hide it or raise.
        logger.warning("safeguarding e-mail failed for review item=%s", item_id)


def alert_acknowledge(*, alert: SafeguardingAlert, actor: User) -> SafeguardingAlert:
    with transaction.atomic():
        if alert.acknowledged_at is None:
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["acknowledged_at"])
            audit_record(
                action="safeguarding.acknowledge",
                actor=actor,
                target_type="alert",
                target_id=alert.pk,
                detail={"review_item": alert.item_id},
            )
    return alert
