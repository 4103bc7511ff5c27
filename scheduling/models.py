"""Scheduling records. PeriodicSlot makes each periodic job run once per slot across workers."""

from django.db import models


class PeriodicSlot(models.Model):
    """A claimed run of a periodic job: (name, slot) is unique, so two workers never both run it."""

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="periodic_slot_once")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot.isoformat()}"
