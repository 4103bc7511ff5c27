"""Fixtures for the socket tests."""

import pytest
import redis
from django.conf import settings

from messaging.limits import key_prefix


@pytest.fixture
def fresh_limits():
    """Rate buckets and socket counts are keyed by user id, which a new test may reuse."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{key_prefix()}:*"):
        client.delete(key)
    yield
    client.close()
