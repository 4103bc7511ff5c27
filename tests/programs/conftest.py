import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Many accounts per test: the hash algorithm is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
