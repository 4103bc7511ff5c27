"""Periodic jobs on the database task backend: one run per slot, next run scheduled first."""

import datetime

import pytest
from django_tasks_db.models import DBTaskResult

from scheduling import periodic
from scheduling.models import PeriodicSlot

CALLS: list[str] = []


def count_call() -> None:
    CALLS.append("ran")


def failing_job() -> None:
    raise RuntimeError("job failed")


@pytest.fixture
def jobs(settings):
    CALLS.clear()
    settings.TRELLIS_PERIODIC = [
        ("counter", "tests.scheduling.test_periodic.count_call", 60),
        ("failing", "tests.scheduling.test_periodic.failing_job", 60),
    ]
    return periodic.periodic_jobs()


def _queued(name):
    return [
        r for r in DBTaskResult.objects.filter(status="READY") if r.args_kwargs["args"][0] == name
    ]


def test_slots_align_to_the_interval(jobs):
    at = datetime.datetime(2026, 11, 23, 10, 0, 42, tzinfo=datetime.UTC)
    assert periodic.slot_of(jobs["counter"], at) == at.replace(second=0)


def test_ensure_starts_each_missing_chain_once(jobs, db):
    assert sorted(periodic.periodic_ensure()) == ["counter", "failing"]
    assert periodic.periodic_ensure() == []
    assert len(_queued("counter")) == 1


def test_a_slot_runs_once_and_schedules_the_next(jobs, db):
    slot = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
    assert periodic.run_periodic.call("counter", slot.isoformat()) == "ran"
    assert periodic.run_periodic.call("counter", slot.isoformat()) == "already run"
    assert CALLS == ["ran"]
    [nxt] = _queued("counter")
    assert nxt.run_after == slot + datetime.timedelta(seconds=60)
    assert PeriodicSlot.objects.filter(name="counter").count() == 1


def test_a_failing_job_still_has_its_next_run(jobs, transactional_db):
    slot = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
    with pytest.raises(RuntimeError):
        periodic.run_periodic.call("failing", slot.isoformat())
    assert len(_queued("failing")) == 1


def test_stalled_jobs_return_to_the_queue(jobs, db):
    periodic.periodic_ensure()
    from django.utils import timezone

    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert periodic.tasks_recover_stalled(older_than=datetime.timedelta(minutes=15)) == 2
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert periodic.tasks_recover_stalled(older_than=datetime.timedelta(minutes=15)) == 0


def test_worker_runs_due_periodic_jobs_and_exits_in_batch_mode(jobs, transactional_db, capsys):
    from django.core.management import call_command

    call_command("worker", "--batch")
    assert "periodic chains started: counter, failing" in capsys.readouterr().out
    assert CALLS == ["ran"]
    assert PeriodicSlot.objects.filter(name="counter").count() == 1
    assert len(_queued("counter")) == 1  # the next slot waits in the queue
