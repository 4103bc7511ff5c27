"""Background moderation jobs (django-tasks; docs/adr/0001-task-engine.md)."""

from dataclasses import asdict

from django_tasks import task

from .services import messages_screen_pending


@task(queue_name="moderation")
def screen_pending_messages() -> dict:
    """Score every pending message, oldest first, in model-sized batches. Idempotent: any number
    of these may run; each takes the rows no other one holds."""
    return asdict(messages_screen_pending())
