"""Real signed-in sessions for tests and benchmarks.

An adult who needs a second factor also gets a confirmed TOTP device recorded in the session (as
django_otp.login does), so that pages and sockets see the user as fully signed in.
"""

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def login_verified(client: Client, user: User) -> None:
    """Sign `user` in on a test client as the real pages would: an adult who needs a second factor
    also has a confirmed authenticator and a session that passed it (accounts.middleware and
    accounts.ws refuse an adult's session without it)."""
    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def session_cookie(user: User) -> str:
    """A real session for `user` (signed in by login_verified); the session cookie value."""
    client = Client()
    login_verified(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
