"""Permission gates for the review console: fetch and enforce in one step.

Staff act only inside their own district. Anything outside it (another district's item, a
student's guess at a staff id) is reported as not found, so ids are not enumerable, and the
refusal is written to the audit log.
"""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet

from accounts.audit import audit_record
from accounts.models import User

from .models import ReviewItem, SafeguardingAlert

_Row = TypeVar("_Row", bound=Model)


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


def _get_in_district(
    queryset: QuerySet[_Row],
    *,
    user: User,
    target_id: object,
    target_type: str,
    why: str,
    not_found: type[ObjectDoesNotExist],
    **filters: object,
) -> _Row:
    """The row of `queryset` with primary key `target_id` in the user's district that also matches
    `filters`. A missing row, or an id that is not a whole number, is audited as a refused access
    (`target_type`, `why`) and raised as `not_found`, chained to the original error."""
    try:
        return queryset.get(pk=int(target_id), district_id=user.district_id, **filters)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        access_denied_record(user=user, target_type=target_type, target_id=target_id, why=why)
        raise not_found from exc


def access_review_item(*, user: User, item_id: object, for_update: bool = False) -> ReviewItem:
    """The review item, if the user is staff of its district; else ReviewItemNotFound (audited).

    With for_update the row is locked until the caller's transaction ends (actions).
    """
    access_staff(user=user, what="review_item")
    qs = ReviewItem.objects.select_related("conversation", "message", "district")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return _get_in_district(
        qs,
        user=user,
        target_id=item_id,
        target_type="review_item",
        why="outside district",
        not_found=ReviewItemNotFound,
    )


def access_user_in_district(*, user: User, target_id: object) -> User:
    """A student or mentor of the staff member's own district; else StudentNotFound (audited)."""
    access_staff(user=user, what="user")
    return _get_in_district(
        User.objects.all(),
        user=user,
        target_id=target_id,
        target_type="user",
        why="outside",
        not_found=StudentNotFound,
        role__in=(User.Role.STUDENT, User.Role.MENTOR),
    )


def access_student_as_coordinator(*, user: User, student_id: object) -> User:
    """A student of the coordinator's district (records requests); else StudentNotFound."""
    if not is_district_staff(user) or user.role != User.Role.COORDINATOR:
        access_denied_record(
            user=user, target_type="student", target_id=student_id, why="not coordinator"
        )
        raise StudentNotFound
    return _get_in_district(
        User.objects.all(),
        user=user,
        target_id=student_id,
        target_type="student",
        why="outside district",
        not_found=StudentNotFound,
        role=User.Role.STUDENT,
    )


def access_alert(*, user: User, alert_id: object) -> SafeguardingAlert:
    """A safeguarding alert addressed to this user in their district; else ReviewItemNotFound."""
    access_staff(user=user, what="alert")
    return _get_in_district(
        SafeguardingAlert.objects.all(),
        user=user,
        target_id=alert_id,
        target_type="alert",
        why="not yours",
        not_found=ReviewItemNotFound,
        recipient=user,
    )
