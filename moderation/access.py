"""Permission gates for the review console: fetch and enforce in one step.

Staff act only inside their own district. Anything outside it (another district's item, a
student's guess at a staff id) is reported as not found, so ids are not enumerable, and the
refusal is written to the audit log.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

from accounts.audit import audit_record
from accounts.models import User

from .models import ReviewItem, SafeguardingAlert


class ReviewItemNotFound(ObjectDoesNotExist):
    """The item does not exist or the user may not see it (deliberately the same)."""


class StudentNotFound(ObjectDoesNotExist):
    """The student does not exist or is outside the coordinator's district."""


class NotStaff(PermissionDenied):
    """The user is not district staff (moderator or coordinator) in good standing."""


def is_district_staff(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.is_staff_role and user.district_id
    )


def access_denied_record(*, user: User, target_type: str, target_id: object, why: str) -> None:
    """Audit a refused staff access (overreach, guessing ids, a non-staff user on staff routes)."""
    audit_record(
        action="access.denied",
        actor=user if user.is_authenticated else None,
        target_type=target_type,
        target_id=str(target_id)[:64],
        detail={"why": why},
    )


def access_staff(*, user: User, what: str = "staff") -> User:
    """The user, if they are active district staff; else NotStaff (audited)."""
    if not is_district_staff(user):
        access_denied_record(user=user, target_type="route", target_id=what, why="not staff")
        raise NotStaff
    return user


def access_review_item(*, user: User, item_id: object, for_update: bool = False) -> ReviewItem:
    """The review item, if the user is staff of its district; else ReviewItemNotFound (audited).

    With for_update the row is locked until the caller's transaction ends (actions).
    """
    access_staff(user=user, what="review_item")
    qs = ReviewItem.objects.select_related("conversation", "message", "district")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=int(item_id), district_id=user.district_id)
    except (ReviewItem.DoesNotExist, ValueError, TypeError) as exc:
        access_denied_record(
            user=user, target_type="review_item", target_id=item_id, why="outside district"
        )
        raise ReviewItemNotFound from exc


def access_user_in_district(*, user: User, target_id: object) -> User:
    """A student or mentor of the staff member's own district; else StudentNotFound (audited)."""
    access_staff(user=user, what="user")
    try:
        return User.objects.get(
            pk=int(target_id),
            district_id=user.district_id,
            role__in=(User.Role.STUDENT, User.Role.MENTOR),
        )
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        access_denied_record(user=user, target_type="user", target_id=target_id, why="outside")
        raise StudentNotFound from exc


def access_student_as_coordinator(*, user: User, student_id: object) -> User:
    """A student of the coordinator's district (records requests); else StudentNotFound."""
    if not is_district_staff(user) or user.role != User.Role.COORDINATOR:
        access_denied_record(
            user=user, target_type="student", target_id=student_id, why="not coordinator"
        )
        raise StudentNotFound
    try:
        return User.objects.get(
            pk=int(student_id), district_id=user.district_id, role=User.Role.STUDENT
        )
    except (User.DoesNotExist, ValueError, TypeError) as exc:
        access_denied_record(
            user=user, target_type="student", target_id=student_id, why="outside district"
        )
        raise StudentNotFound from exc


def access_alert(*, user: User, alert_id: object) -> SafeguardingAlert:
    """A safeguarding alert addressed to this user in their district; else ReviewItemNotFound."""
    access_staff(user=user, what="alert")
    try:
        return SafeguardingAlert.objects.get(
            pk=int(alert_id), district_id=user.district_id, recipient=user
        )
    except (SafeguardingAlert.DoesNotExist, ValueError, TypeError) as exc:
        access_denied_record(user=user, target_type="alert", target_id=alert_id, why="not yours")
        raise ReviewItemNotFound from exc
