"""Production settings: everything from config.settings plus the deployment hardening.

Refuses to start without a real SECRET_KEY, AUDIT_HMAC_KEY and ALLOWED_HOSTS from the environment.
"""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import BASE_DIR, DATABASES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Never derived in production: the key must be its own secret, kept apart from the database and
# from SECRET_KEY (`check --deploy` also refuses a short one or one equal to SECRET_KEY).
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
if not AUDIT_HMAC_KEY:
    raise ImproperlyConfigured(
        "Set the AUDIT_HMAC_KEY environment variable: the audit log's HMAC key, a long random "
        "value kept outside the database (docs/security.md, Audit log)."
    )

# Persistent connections: every socket event is a database call, and opening a connection for
# each one cut throughput from 61 to 37 messages/s (docs/benchmarks.md). Health checks are on.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# "__Host-" cookies are sent only over HTTPS, to this exact host, for the whole site.
SESSION_COOKIE_NAME = "__Host-trellis_session"
CSRF_COOKIE_NAME = "__Host-trellis_csrftoken"
# Static files from the ASGI process (WhiteNoise, config.settings), compressed and cache-busted:
# `manage.py collectstatic --noinput` must have run with these settings (the Dockerfile does).
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
