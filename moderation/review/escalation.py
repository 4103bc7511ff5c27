"""The periodic job `urgent-reescalation` (config.settings.TRELLIS_PERIODIC, every minute):
urgent items nobody has acted on within their district's limit are escalated again."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import District

from ..models import Priority, ReviewAction, ReviewItem
from .alerts import alerts_raise
from .items import review_action_record, review_item_updated_notify

logger = logging.getLogger(__name__)


def review_escalate_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Escalate again every urgent item nobody has acted on within its district's limit.

    Idempotent: an item is escalated at most once per limit interval (measured from its last
    escalation, or its creation), so running this twice in a row, or from two workers at once
    (rows locked with SKIP LOCKED), escalates each stale item once. Returns the escalated ids.
    """
    now = now or timezone.now()
    escalated: list[int] = []
    for district in District.objects.filter(
        review_items__priority=Priority.URGENT,
        review_items__first_action_at__isnull=True,
        review_items__status__in=(ReviewItem.Status.OPEN, ReviewItem.Status.CLAIMED),
    ).distinct():
        cutoff = now - datetime.timedelta(minutes=district.urgent_sla_minutes)
        with transaction.atomic():
            stale = (
                ReviewItem.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("district")
                .filter(
                    district=district,
                    priority=Priority.URGENT,
                    first_action_at__isnull=True,
                    status__in=(ReviewItem.Status.OPEN, ReviewItem.Status.CLAIMED),
                )
            )
            for item in stale:
                since = item.last_escalated_at or item.created_at
                if since > cutoff:
                    continue
                item.escalation_count += 1
                item.last_escalated_at = now
                item.save(update_fields=["escalation_count", "last_escalated_at"])
                alert_ids = alerts_raise(item=item, raised_by=None, repeat=True)
                review_action_record(
                    item=item,
                    actor=None,
                    kind=ReviewAction.Kind.REESCALATE,
                    reason="",
                    detail={"alerts": alert_ids, "count": item.escalation_count},
                )
                review_item_updated_notify(item=item)
                escalated.append(item.pk)
    if escalated:
        logger.info("re-escalated %d stale urgent review items", len(escalated))
    return escalated
