"""Periodic jobs on the task engine: each run schedules the next one in the same transaction.

A periodic job is a plain, idempotent function named in settings.TRELLIS_PERIODIC with its interval.
Its runs are aligned to slots (multiples of the interval since the epoch). A run first claims its
slot (a unique row, so a duplicate chain or a second worker stops there) and enqueues the next
slot's run in the same transaction, then does the work: a failing job still has its next run
scheduled.
`periodic_ensure` (called when a worker starts) starts any chain that is missing, and
`tasks_recover_stalled` returns jobs left RUNNING by a crashed worker to the queue.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import PeriodicSlot

logger = logging.getLogger(__name__)
EPOCH = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)  # a Monday, 00:00 UTC


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    function_path: str
    every: datetime.timedelta


def periodic_jobs() -> dict[str, PeriodicJob]:
    return {
        name: PeriodicJob(name, path, datetime.timedelta(seconds=seconds))
        for name, path, seconds in settings.TRELLIS_PERIODIC
    }


def slot_of(job: PeriodicJob, at: datetime.datetime) -> datetime.datetime:
    """The start of the slot containing `at`."""
    periods = (at - EPOCH) // job.every
    return EPOCH + periods * job.every


@task(queue_name="default")
def run_periodic(name: str, slot: str) -> str:
    """Run one slot of a periodic job (see the module docstring)."""
    job = periodic_jobs().get(name)
    if job is None:
        return "unknown job"
    at = datetime.datetime.fromisoformat(slot)
    try:
        with transaction.atomic():
            PeriodicSlot.objects.create(name=name, slot=at)
            _enqueue(job, at + job.every)
    except IntegrityError:
        return "already run"
    import_string(job.function_path)()
    return "ran"


def _enqueue(job: PeriodicJob, slot: datetime.datetime) -> None:
    run_periodic.using(run_after=slot).enqueue(job.name, slot.isoformat())


def _queued_names() -> set[str]:
    from django_tasks_db.models import DBTaskResult

    path = f"{run_periodic.func.__module__}.{run_periodic.func.__qualname__}"
    rows = DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"])
    return {row.args_kwargs["args"][0] for row in rows.only("args_kwargs")}


def periodic_ensure(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue the current slot of every periodic job that has no run queued. Returns their names.

    Needs a backend that can defer jobs (the database backend); with the immediate backend of the
    embedded default it does nothing and says so.
    """
    if not run_periodic.get_backend().supports_defer:
        logger.info("periodic jobs need TASKS_BACKEND=database; none scheduled")
        return []
    now = now or timezone.now()
    queued = _queued_names()
    started = []
    for job in periodic_jobs().values():
        if job.name not in queued:
            _enqueue(job, slot_of(job, now))
            started.append(job.name)
    return started


def tasks_recover_stalled(*, older_than: datetime.timedelta | None = None) -> int:
    """Return jobs RUNNING for longer than `older_than` (a crashed worker's) to the queue.

    Every Trellis job is idempotent, so running one again is safe.
    """
    from django_tasks_db.models import DBTaskResult

    limit = older_than or datetime.timedelta(seconds=settings.TRELLIS_STALLED_TASK_SECONDS)
    stalled = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=timezone.now() - limit)
    count = stalled.update(status="READY", started_at=None)
    if count:
        logger.warning("returned %d stalled job(s) to the queue", count)
    return count


def periodic_run_due_now() -> list[str]:
    """Run every periodic job's function once, in this process (embedded default, or by hand)."""
    ran = []
    for job in periodic_jobs().values():
        import_string(job.function_path)()
        ran.append(job.name)
    return ran
