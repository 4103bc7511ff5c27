"""Trellis settings, read from the environment.

With no environment at all the app runs on SQLite and the in-memory channel layer (a single
process, for a laptop or a demo). With DATABASE_URL and REDIS_URL it uses PostgreSQL and Redis,
which is what production runs: several ASGI processes sharing both. `config.production` adds the
deployment hardening.
"""

from pathlib import Path

import environ

from accounts.audit_key import audit_key_derive

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# The embedded default key only serves local development; config.production refuses to start without
# a real one.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghij")
# The audit log's HMAC key (accounts.audit), kept outside the database so that someone who can write
# the audit table still cannot re-seal an edited chain. Development derives one from SECRET_KEY
# under its own label; config.production requires AUDIT_HMAC_KEY to be set.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="") or audit_key_derive(SECRET_KEY)
# Append-only JSON lines of audit anchors (the job "audit-anchor"); empty: the log stream only.
AUDIT_ANCHOR_PATH = env.str("AUDIT_ANCHOR_PATH", default="")
# Debug mode only when asked for (DEBUG=true, as `make run` does): a server started without it must
# never show tracebacks or settings.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    # Before the admin: its templates/admin/base_site.html adds the language switcher to the
    # admin's header.
    "frontend",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "channels",
    "accounts",
    "messaging",
    "moderation",
    "scheduling",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the ASGI process, on every server (daphne serves none itself).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The page's language: the person's, the browser's, the district's (accounts.languages).
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A plain 404 page, also in debug mode (never Django's technical page listing every URL).
    "frontend.middleware.PlainNotFoundMiddleware",
    # Idle timeout and session tracking, then the second-factor gate (accounts.middleware).
    "accounts.middleware.SessionGuardMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.AccessDeniedAuditMiddleware",
    # Every time on a page in the viewer's school zone (frontend.viewer).
    "frontend.viewer.ViewerTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'trellis.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes; the timeout rides out short write locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that is down must fail a request quickly, not hang a socket.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    if env.str("DATABASE_TEST_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub by measurement (docs/benchmarks.md, "Messaging"): more throughput than the
            # core layer on Trellis, and no per-process pool of blocked connections.
            # The bounded variant (messaging.layers) caps each socket's queue, and counts and
            # logs what a slow socket misses, which the socket then catches up from the database.
            "BACKEND": env.str(
                "CHANNEL_LAYER_BACKEND", default="messaging.layers.BoundedPubSubChannelLayer"
            ),
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="trellis"),
                # Events queued per socket before they are dropped (FAULTS 12).
                "capacity": env.int("CHANNEL_LAYER_CAPACITY", default=256),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CHANNEL_LAYER_PREFIX", default="trellis"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Django's task API (the django-tasks backport of django.tasks) with the database
# backend, so a job is a row in the same database as the data it concerns (docs/adr/0001).
# TASKS_BACKEND=immediate runs every job in-process right after the enqueueing transaction commits,
# which is what the embedded default does so that a single process serves the whole demo.
_tasks_backend = env.str("TASKS_BACKEND", default="immediate" if not REDIS_URL else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[_tasks_backend],
        "QUEUES": ["default", "moderation"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    # NIST SP 800-63B: length and a common-password check, no composition rules.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
# The languages Trellis speaks to people in (crisis replies follow the sender's, moderation.crisis);
# translations live in locale/.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice on a browser (accounts.views.language_set); no script reads it.
LANGUAGE_COOKIE_NAME = "trellis_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# No collected folder here: WhiteNoise serves the apps' static folders (finders, below).
# config.production serves what `collectstatic` wrote into STATIC_ROOT instead.
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="trellis@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Scripts read the CSRF token from the page (<meta name="csrf-token">), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
# Shared Chromebooks: a session ends when the browser closes, after the idle timeout (enforced on
# the server by accounts.middleware), and in any case after a school day.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)

# Second factor (django-otp): TOTP for adults, single-use static backup codes.
OTP_TOTP_ISSUER = "Trellis"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Content-Security-Policy (django-csp): no inline script anywhere, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF (programs.pdf) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Trellis' own knobs.
TRELLIS = {
    "MAX_MESSAGE_CHARS": env.int("TRELLIS_MAX_MESSAGE_CHARS", default=4000),
    # The address people reach the site at, for links in e-mails to guardians (who never sign in).
    "PUBLIC_URL": env.str("TRELLIS_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/"),
    # Sessions: idle timeout for people outside any program (programs set their own).
    "IDLE_TIMEOUT_MINUTES": env.int("TRELLIS_IDLE_TIMEOUT_MINUTES", default=15),
    # Sign-in throttling (accounts.throttle): failures inside SIGN_IN_LOCK_MINUTES that lock an
    # account or an address. A school's Chromebooks share one public address, hence the margin.
    "SIGN_IN_LOCK_MINUTES": env.int("TRELLIS_SIGN_IN_LOCK_MINUTES", default=15),
    "PASSWORD_FAILURES_PER_ACCOUNT": 10,
    "PASSWORD_FAILURES_PER_ADDRESS": env.int("TRELLIS_PASSWORD_FAILURES_PER_ADDRESS", default=100),
    "OTP_FAILURES_PER_ACCOUNT": 5,
    "OTP_FAILURES_PER_ADDRESS": 30,
    # Reverse proxies in front of the app that append to X-Forwarded-For (0: none, use the peer).
    "PROXY_COUNT": env.int("TRELLIS_PROXY_COUNT", default=0),
}

# Moderation (docs/moderation.md). The detectors run in order, configured like password validators.
# The learned detector is on unless MODERATION_LEARNED_DETECTOR=false (docs/moderation.md).
LEARNED_DEFAULT = True
MODERATION = {
    "DETECTORS": [
        {"NAME": "moderation.detectors.contact.ContactInfoDetector"},
        {"NAME": "moderation.detectors.grooming.GroomingDetector"},
        {"NAME": "moderation.detectors.sexual.SexualContentDetector"},
        {"NAME": "moderation.detectors.safeguarding.SafeguardingDetector"},
        {"NAME": "moderation.detectors.toxicity.ToxicityRulesDetector"},
        {"NAME": "moderation.detectors.keywords.DistrictKeywordDetector"},
        # The learned classifier beside the rules (moderation.learned; docs/moderation.md).
        *(
            [{"NAME": "moderation.detectors.learned.LearnedDetector"}]
            if env.bool("MODERATION_LEARNED_DETECTOR", default=LEARNED_DEFAULT)
            else []
        ),
        {"NAME": "moderation.detectors.toxicity_model.ToxicityModelDetector"},
    ],
    # Where the learned detector's trained model is cached (default BASE_DIR/.cache/moderation).
    "LEARNED_CACHE_DIR": env.str("MODERATION_LEARNED_CACHE_DIR", default=""),
    # Languages the districts write in: lang-id chooses among them, and each needs a folder of
    # concept lexicons (moderation/lexicons/<code>/, or LEXICON_DIR/<code>/).
    "LANGUAGES": env.list("MODERATION_LANGUAGES", default=["en", "es"]),
    "LEXICON_DIR": env.str("MODERATION_LEXICON_DIR", default=""),
    # auto: Detoxify when DETOXIFY_CHECKPOINT is set, else the bundled profanity_check model.
    "TOXICITY_SCORER": env.str("MODERATION_TOXICITY_SCORER", default="auto"),
    "DETOXIFY_CHECKPOINT": env.str("DETOXIFY_CHECKPOINT", default=""),
    "DETOXIFY_HF_DIR": env.str("DETOXIFY_HF_DIR", default=""),
    # Detoxify's multilingual (XLM-R) model: messages in languages other than English go to it.
    "DETOXIFY_MULTILINGUAL_CHECKPOINT": env.str("DETOXIFY_MULTILINGUAL_CHECKPOINT", default=""),
    "DETOXIFY_MULTILINGUAL_HF_DIR": env.str("DETOXIFY_MULTILINGUAL_HF_DIR", default=""),
    "MODEL_THREADS": env.int("MODERATION_MODEL_THREADS", default=0),
    "MODEL_TIMEOUT_SECONDS": env.float("MODERATION_MODEL_TIMEOUT_SECONDS", default=30.0),
    # A message the model could not score goes to human review after this long.
    "UNSCORED_AFTER_SECONDS": env.int("MODERATION_UNSCORED_AFTER_SECONDS", default=120),
    "RETRY_SECONDS": env.int("MODERATION_RETRY_SECONDS", default=10),
    "BATCH_SIZE": env.int("MODERATION_BATCH_SIZE", default=32),
    # Health turns degraded when the oldest message waiting for a verdict is older than this.
    "QUEUE_ALERT_SECONDS": env.int("MODERATION_QUEUE_ALERT_SECONDS", default=60),
    # Sites every district allows; districts add their own (moderation.DistrictModeration).
    "LINK_ALLOWLIST": [
        ".edu",
        ".org",
        ".gov",
        ".k12.us",
        ".k12.*.us",
        "khanacademy.org",
        "wikipedia.org",
        "britannica.com",
        "code.org",
        "collegeboard.org",
        "commonapp.org",
        "desmos.com",
        "quizlet.com",
        "duolingo.com",
        "nasa.gov",
        "pbslearningmedia.org",
        "ck12.org",
        "studentaid.gov",
        "bls.gov",
        "scratch.mit.edu",
        "coursera.org",
        "edx.org",
        "988lifeline.org",
        # Schools' own class platforms (accounts the district issues and can see).
        "classroom.google.com",
        "schoology.com",
        "instructure.com",
        "clever.com",
    ],
}

# Real-time limits (messaging.consumers, messaging.limits). Rate and socket counts are shared by all
# server processes through Redis; without Redis they are per process.
TRELLIS_REALTIME = {
    "MAX_FRAME_BYTES": env.int("TRELLIS_WS_MAX_FRAME_BYTES", default=64 * 1024),
    "MAX_SOCKETS_PER_USER": env.int("TRELLIS_WS_MAX_SOCKETS_PER_USER", default=5),
    "SEND_RATE_PER_SECOND": env.float("TRELLIS_SEND_RATE_PER_SECOND", default=2.0),
    "SEND_BURST": env.int("TRELLIS_SEND_BURST", default=20),
    # Sends refused for the rate within a minute before the socket is closed and the user reported.
    "RATE_LIMIT_STRIKES": env.int("TRELLIS_RATE_LIMIT_STRIKES", default=50),
    # Bad frames (invalid JSON, unknown events, wrong fields) within a minute before closing (4400).
    "PROTOCOL_STRIKES": env.int("TRELLIS_PROTOCOL_STRIKES", default=10),
    # Threads of the pool a socket handshake's database lookup runs on (accounts.ws); 0: the
    # process's one database thread, with everything else.
    "HANDSHAKE_THREADS": env.int("TRELLIS_WS_HANDSHAKE_THREADS", default=0),
    # Threads of the pool the message send's database work runs on (messaging.sockets.db_send),
    # each with its own connection; 0: the process's one database thread. Connections per
    # server process: 1 + SEND_THREADS + HANDSHAKE_THREADS (README).
    "SEND_THREADS": env.int("TRELLIS_WS_SEND_THREADS", default=4),
}

# Periodic jobs: (name, function path, interval in seconds). Each function is idempotent and runs
# once per slot across all workers (scheduling.periodic).
TRELLIS_PERIODIC = [
    ("weekly-prompts", "messaging.cadence.prompts_post_due", 300),
    ("reply-nudges", "messaging.cadence.nudges_send_due", 600),
    ("stalled-jobs", "scheduling.periodic.tasks_recover_stalled", 300),
    ("meetings-materialize", "scheduling.services.meetings_materialize", 3600),
    ("meeting-reminders", "scheduling.services.reminders_send_due", 300),
    # Future meetings of closed matches and removed adults, whichever way they got there.
    ("meetings-cancel-removed", "scheduling.services.meetings_cancel_removed", 60),
    ("retention-purge", "messaging.retention.conversations_purge_expired", 3600),
    ("sessions-end-idle", "accounts.sessions.sessions_end_idle", 60),
    ("sign-in-failures-prune", "accounts.throttle.prune", 3600),
    # Restart and retry path for messages waiting on the toxicity model (docs/moderation.md).
    ("moderation-sweep", "moderation.services.messages_screen_pending", 30),
    ("urgent-reescalation", "moderation.review.escalation.review_escalate_stale", 60),
    # The audit log's latest (id, HMAC) to AUDIT_ANCHOR_PATH and the log stream: entries deleted
    # from the end of the log are caught by `audit_verify` once an anchor has named them.
    ("audit-anchor", "accounts.audit.audit_anchor_export", 300),
    # Progress e-mails to guardians, each program at its own interval (programs.guardians).
    ("guardian-digests", "programs.guardians.guardian_digests_send", 3600),
    # Every few weeks (ProgramRules.checkin_every_weeks) each match and group member answers one.
    ("checkins-open", "programs.checkins.checkins_open_due", 3600),
]
TRELLIS_STALLED_TASK_SECONDS = env.int("TRELLIS_STALLED_TASK_SECONDS", default=900)
