"""Settings for the grid governance system: one module, configured only by environment variables.

With nothing set the site runs embedded (SQLite, a file-system Celery broker, in-process cache)
so that `make run` works on a bare machine. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=0 and ALLOWED_HOSTS.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from governance.env import ConfigurationError, env_bool, env_int, env_list, env_str, env_url
from governance.operations import logs as _operations_logs

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "casework",
    "grids",
    "incidents",
    "inspections",
    "contractors",
    "governance",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _without_jit(database: dict) -> dict:
    """PostgreSQL connections run with JIT compilation off. Our statements are short (tens of
    milliseconds), but aggregates with correlated subqueries cross `jit_above_cost` on their row
    estimate and PostgreSQL then spent 0.8 s compiling a hazard count that runs in 0.1 s
    (docs/performance.md, "Hazard measures"); JIT pays off only for long analytic queries."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return database


_without_jit(DATABASES["default"])

# --- Redis: cache and Celery broker ----------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # A write enqueues after commit and must not hang when Redis is down: fail fast, log, and let
    # the periodic sweep catch up.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"socket_connect_timeout": 1, "max_retries": 1, "interval_start": 0}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Embedded mode: kombu's file-system transport lets the web process and a worker on the
    # same machine exchange messages through a folder, with no broker server at all.
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # kombu's exchange table; its default is a `control/` folder in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-deadlines": {"task": "incidents.tasks.sweep_deadlines", "schedule": float(env_int("SWEEP_INTERVAL_SECONDS", 60, minimum=1))},
    "sweep-hazard-deadlines": {
        "task": "inspections.tasks.sweep_hazard_deadlines", "schedule": float(env_int("SWEEP_INTERVAL_SECONDS", 60, minimum=1)),
    },
    "sweep-interviews": {"task": "inspections.tasks.sweep_interviews", "schedule": 300.0},
    # Photos stored as received whose after-commit re-encoding did not run (casework.photos).
    "process-pending-photos": {"task": "casework.tasks.process_pending_photos", "schedule": 60.0},
}
# The weekly meeting's agenda is prepared by beat at this local time (Asia/Shanghai): Monday 08:00 by default.
MEETING_AGENDA_DAY_OF_WEEK = env_str("MEETING_AGENDA_DAY_OF_WEEK", "mon")
MEETING_AGENDA_HOUR = env_int("MEETING_AGENDA_HOUR", 8, minimum=0)
MEETING_AGENDA_MINUTE = env_int("MEETING_AGENDA_MINUTE", 0, minimum=0)
try:
    _agenda_at = crontab(day_of_week=MEETING_AGENDA_DAY_OF_WEEK, hour=MEETING_AGENDA_HOUR, minute=MEETING_AGENDA_MINUTE)
except ValueError as error:
    raise ConfigurationError(f"MEETING_AGENDA_DAY_OF_WEEK/HOUR/MINUTE do not make a valid time: {error}") from None
CELERY_BEAT_SCHEDULE["prepare-weekly-agenda"] = {"task": "governance.tasks.prepare_weekly_agenda", "schedule": _agenda_at}
# Between preparations beat keeps the coming weekly agenda current: a case that became a candidate
# (disputed, returned twice, red card) joins it within this many minutes; 0 leaves that to the
# chair's "refresh" button.
MEETING_AGENDA_REFRESH_MINUTES = env_int("MEETING_AGENDA_REFRESH_MINUTES", 10, minimum=0)
if MEETING_AGENDA_REFRESH_MINUTES:
    CELERY_BEAT_SCHEDULE["refresh-weekly-agenda"] = {
        "task": "governance.tasks.refresh_weekly_agenda",
        "schedule": float(MEETING_AGENDA_REFRESH_MINUTES * 60),
        "options": {"expires": MEETING_AGENDA_REFRESH_MINUTES * 60},  # a backlog runs once
    }
# Dashboards: their numbers are cached this long (0: off). With a shared cache (Redis), beat
# recomputes the default views (this month, the sub-district and each zone) every
# DASHBOARD_WARM_SECONDS when cases changed, so nobody waits for them; 0 turns that off. The embedded
# in-process cache is not shared with the worker, so warming is off by default there.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)
DASHBOARD_WARM_SECONDS = env_int("DASHBOARD_WARM_SECONDS", 60 if REDIS_URL else 0, minimum=0)
if DASHBOARD_WARM_SECONDS:
    CELERY_BEAT_SCHEDULE["warm-dashboards"] = {
        "task": "governance.tasks.warm_dashboards",
        "schedule": float(DASHBOARD_WARM_SECONDS),
        "options": {"expires": DASHBOARD_WARM_SECONDS},  # a backlog after an outage runs once, not N times
    }
# The escalation ladder: a case still overdue this many hours after its yellow card gets a red one.
ESCALATION_RED_AFTER_HOURS = env_int("ESCALATION_RED_AFTER_HOURS", 24, minimum=1)
# The hazard's rectification loop (SAFETY.md §8.3): after-photos farther than this from the
# enterprise are flagged; the recheck falls due, a referral's feedback too, in working days; a
# general hazard overdue this many working days gets its red card; a resume request is reviewed
# within this many days.
RECTIFICATION_PHOTO_MAX_DISTANCE_M = env_int("RECTIFICATION_PHOTO_MAX_DISTANCE_M", 500, minimum=1)
RECHECK_WORKING_DAYS = env_int("RECHECK_WORKING_DAYS", 3, minimum=1)
REFERRAL_FEEDBACK_WORKING_DAYS = env_int("REFERRAL_FEEDBACK_WORKING_DAYS", 5, minimum=1)
HAZARD_RED_AFTER_WORKING_DAYS = env_int("HAZARD_RED_AFTER_WORKING_DAYS", 5, minimum=1)
RESUME_REVIEW_DAYS = env_int("RESUME_REVIEW_DAYS", 10, minimum=1)

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "grids.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Security: login, sessions, tokens --------------------------------------------------------
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures for one username or from one
# IP address the HTML login, the admin login and the API token endpoint refuse for
# LOGIN_COOLOFF_MINUTES; `manage.py axes_reset` (or the admin's "Access attempts") lifts it.
INSTALLED_APPS.append("axes")
MIDDLEWARE += ["governance.security.sessions.SessionLimitsMiddleware", "axes.middleware.AxesMiddleware"]
# Outside interview participants (procuratorate, police) reach only what is opened to them.
MIDDLEWARE += ["grids.external.ExternalScopeMiddleware"]
EXTERNAL_HOME = "inspections:interview-list"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_LOCKOUT_CALLABLE = "governance.security.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Passwords: Django's validators (their messages are in Django's zh_Hans catalogue).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "governance.security.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions: logged out after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE seconds
# after login whatever the activity (both checked by SessionLimitsMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# API tokens expire API_TOKEN_DAYS after they were issued; DELETE /api/v1/auth/token/ revokes one.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)
# Personal data (PIPL): phone numbers and ID numbers in cases closed more than this many days ago
# are removed by a nightly beat task (governance.security.retention); the cases stay.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365, minimum=1)
CELERY_BEAT_SCHEDULE["remove-expired-personal-data"] = {
    "task": "governance.tasks.remove_expired_personal_data",
    "schedule": crontab(hour=3, minute=30),
}
# Assessment: the current periods' provisional scores nightly; appeal deadlines swept every 5 minutes.
CELERY_BEAT_SCHEDULE["compute-assessment-scores"] = {
    "task": "governance.tasks.compute_assessment_scores",
    "schedule": crontab(hour=2, minute=15),
}
CELERY_BEAT_SCHEDULE["sweep-appeals"] = {"task": "governance.tasks.sweep_appeals", "schedule": 300.0}

# The security audit trail (governance.audit): kept AUDIT_RETENTION_DAYS, never fewer than 180
# (Cybersecurity Law art. 21: six months); beat deletes older entries nightly.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 200, minimum=180)
CELERY_BEAT_SCHEDULE["purge-audit-trail"] = {"task": "governance.audit.tasks.purge_audit_trail", "schedule": crontab(hour=3, minute=45)}
# Records every 403 (those of the middlewares after it too) and keeps the request for the audit
# trail's receivers: right after authentication.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "governance.audit.middleware.AuditMiddleware")

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files are private: no URL serves MEDIA_ROOT. Views check visible_to(user) and answer
# with casework.files.private_file_response, which hands the sending to the web server when
# PRIVATE_MEDIA_ACCEL is "x-accel" (nginx, internal location PRIVATE_MEDIA_ACCEL_PREFIX aliased to
# MEDIA_ROOT) or "x-sendfile"; empty, Django streams the file itself (development).
MEDIA_URL = "media/"  # used by no route; FieldFile.url is never rendered
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
for _public in (STATIC_ROOT, *STATICFILES_DIRS):
    _public = Path(_public).resolve()
    if MEDIA_ROOT == _public or MEDIA_ROOT.is_relative_to(_public) or _public.is_relative_to(MEDIA_ROOT):
        raise ConfigurationError(f"MEDIA_ROOT ({MEDIA_ROOT}) must lie outside the static folders ({_public})")
PRIVATE_MEDIA_ACCEL = env_str("PRIVATE_MEDIA_ACCEL").lower()
if PRIVATE_MEDIA_ACCEL not in ("", "x-accel", "x-sendfile"):
    raise ConfigurationError("PRIVATE_MEDIA_ACCEL must be empty, x-accel or x-sendfile")
PRIVATE_MEDIA_ACCEL_PREFIX = env_str("PRIVATE_MEDIA_ACCEL_PREFIX", "/protected/")
if not (PRIVATE_MEDIA_ACCEL_PREFIX.startswith("/") and PRIVATE_MEDIA_ACCEL_PREFIX.endswith("/")):
    raise ConfigurationError("PRIVATE_MEDIA_ACCEL_PREFIX must start and end with /")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: a refused or missing token answers 401 with WWW-Authenticate.
        "governance.security.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "grids.external.ExternalScopePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "casework.http.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Grid governance API",
    "DESCRIPTION": "Cases, territory and people of a sub-district's grid-based social governance.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CommunityKindEnum": "grids.choices.CommunityKind",
        "DepartmentKindEnum": "grids.choices.DepartmentKind",
        "CaseStatusEnum": "incidents.choices.Status",
        "CaseEventKindEnum": "incidents.choices.EventKind",
        "PhotoKindEnum": "incidents.models.PhotoKind",
        "LimitKindEnum": "casework.choices.LimitKind",
        "SeverityEnum": "incidents.choices.Severity",
        "MeetingKindEnum": "governance.meetings.choices.MeetingKind",
        "MeetingStatusEnum": "governance.meetings.choices.MeetingStatus",
        "EnterpriseStatusEnum": "inspections.choices.EnterpriseStatus",
        "SectorEnum": "inspections.choices.Sector",
        "FlagEnum": "inspections.choices.Flag",
        "RiskLevelEnum": "inspections.choices.RiskLevel",
        "TargetKindEnum": "inspections.choices.TargetKind",
        "InspectionKindEnum": "inspections.choices.InspectionKind",
        "InspectionStatusEnum": "inspections.choices.InspectionStatus",
        "HazardStatusEnum": "inspections.choices.HazardStatus",
        "HazardSourceEnum": "inspections.choices.HazardSource",
        "HazardLevelEnum": "inspections.choices.HazardLevel",
        "InterviewStatusEnum": "inspections.interview_choices.InterviewStatus",
        "InterviewOutcomeEnum": "inspections.interview_choices.Outcome",
        "InterviewActionEnum": "inspections.interview_choices.InterviewAction",
        "InterviewEventKindEnum": "inspections.interview_choices.InterviewEventKind",
        "ParticipantBodyEnum": "inspections.interview_choices.Body",
        "DecisionActionEnum": "governance.meetings.choices.DecisionAction",
        "SignatureKindEnum": "inspections.choices.SignatureKind",
    },
}

# --- Map tiles ---------------------------------------------------------------------------------
# "osm" (default) or "tianditu"; Tianditu needs a key from https://console.tianditu.gov.cn.
MAP_TILES = env_str("MAP_TILES", "osm")
if MAP_TILES not in ("osm", "tianditu", "none"):
    raise ConfigurationError(f"MAP_TILES must be osm, tianditu or none, got {MAP_TILES!r}")
TIANDITU_KEY = env_str("TIANDITU_KEY")
if MAP_TILES == "tianditu" and not TIANDITU_KEY:
    raise ConfigurationError("MAP_TILES=tianditu needs TIANDITU_KEY")
# The hosts the tiles come from: the only images from outside the site the CSP lets in.
MAP_TILE_HOSTS = {
    "osm": [f"https://{s}.tile.openstreetmap.org" for s in "abc"],
    "tianditu": [f"https://t{n}.tianditu.gov.cn" for n in range(8)],
    "none": [],
}[MAP_TILES]

# --- Headers and Content-Security-Policy (django-csp) -----------------------------------------
# No inline script and no inline handler anywhere: scripts come from our static files (vendored
# libraries under static/vendor), data reaches them through json_script blocks. Styles may still be
# inline (Leaflet and ECharts set style attributes from their markup). Images: ours, data:/blob:
# (photo previews before upload, Leaflet and ECharts), and the map tile hosts. The page may be
# framed by nobody; forms post only to us.
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "governance.security.headers.PermissionsPolicyMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *MAP_TILE_HOSTS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The intake page's service worker and web manifest (the installable offline intake).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages that may use geolocation and the camera (Permissions-Policy); every other page may not.
PERMISSIONS_POLICY_FIELDWORK_URLS = {"incidents:new", "inspections:inspection-form"}
PERMISSIONS_POLICY_FIELDWORK_URLS |= {"incidents:new-offline"}  # the intake page's offline copy

# --- Notifications ------------------------------------------------------------------------------
# Channels besides the in-app inbox, as dotted paths of classes with name and send(notification).
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", [])
if NOTIFICATION_CHANNELS:  # re-sends what the channels did not take: broker down, channel error
    CELERY_BEAT_SCHEDULE["resend-notifications"] = {"task": "grids.tasks.resend_due_notifications", "schedule": 60.0}
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@grid.example.cn")
# A hung mail server must not hold the outbox's locked rows (and a worker) for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

# --- Security in production --------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, in production by default: plain HTTP is redirected (behind a TLS proxy that already
# redirects, turn it off explicitly with SECURE_SSL_REDIRECT=0) and browsers are told to use HTTPS
# for SECURE_HSTS_SECONDS (0: no HSTS header).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)  # allows (does not make) a preload-list entry

SITE_NAME = _("Grid governance")
DEMO_PASSWORD = "demo-2026"

# The modules whose `SOURCES` fill the homes' to-do lists (grids.todo); a feature adds its module here.
HOME_SOURCE_MODULES = ["grids.todo", "incidents.todo", "governance.meetings.todo", "inspections.todo"]
HOME_SOURCE_MODULES += ["governance.assessment.todo"]
# A refused form (expired or missing CSRF token) gets a page in the site's layout, not Django's.
CSRF_FAILURE_VIEW = "governance.errors.csrf_failure"

# --- Intake: where a report may be filed ---------------------------------------------------------
# A point outside every cell may be filed in a cell chosen by hand only if it lies this close to
# it (and inside the sub-district's extent); a phone fix vaguer than INTAKE_POOR_ACCURACY_M is
# flagged on the case for the zone leader.
INTAKE_MAX_CELL_DISTANCE_M = env_int("INTAKE_MAX_CELL_DISTANCE_M", 2000, minimum=1)
INTAKE_POOR_ACCURACY_M = env_int("INTAKE_POOR_ACCURACY_M", 100, minimum=1)

# --- Open311 GeoReport v2 (incidents/open311, /open311/v2/) --------------------------------------
# The jurisdiction_id clients may send (empty: any is accepted, one jurisdiction is served); what
# discovery tells a client about contact and keys; each client's api_key may file this many reports
# an hour (a client's own figure in the admin wins); the public read rounds the points of sensitive
# categories to this many decimals (2: about a kilometre); "realtime" answers a report with its
# service_request_id, "batch" with a token to look up under tokens/.
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "")
OPEN311_RATE_LIMIT_PER_HOUR = env_int("OPEN311_RATE_LIMIT_PER_HOUR", 120, minimum=1)
OPEN311_SENSITIVE_DECIMALS = env_int("OPEN311_SENSITIVE_DECIMALS", 2, minimum=0)
OPEN311_SERVICE_TYPE = env_str("OPEN311_SERVICE_TYPE", "realtime")
if OPEN311_SERVICE_TYPE not in ("realtime", "batch"):
    raise ConfigurationError("OPEN311_SERVICE_TYPE must be realtime or batch")
# A report written with no signal carries the time the worker observed it: at most this many days
# old, and at most INTAKE_CLOCK_SKEW_SECONDS ahead of the server (a phone's clock running fast).
INTAKE_OBSERVED_MAX_DAYS = env_int("INTAKE_OBSERVED_MAX_DAYS", 7, minimum=1)
INTAKE_CLOCK_SKEW_SECONDS = env_int("INTAKE_CLOCK_SKEW_SECONDS", 300, minimum=0)
# Contractors: a major hazard found on a visit is reported within 2 hours; beat marks the late ones.
CELERY_BEAT_SCHEDULE["sweep-contractor-major-reports"] = {"task": "contractors.tasks.sweep_major_reports", "schedule": 60.0}
# The contractor's visit page takes the phone's position and photos on site.
PERMISSIONS_POLICY_FIELDWORK_URLS = PERMISSIONS_POLICY_FIELDWORK_URLS | {"contractors:visit-detail"}
# --- Operations: health, heartbeat, logs, read replica (governance.operations, docs/operations.md) ---
# Logs: JSON lines (one per request and per task) in production or with LOG_FORMAT=json, readable
# text in development. The request line comes first so that it times and ids every answer.
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json").lower()
if LOG_FORMAT not in ("json", "console"):
    raise ConfigurationError(f"LOG_FORMAT must be json or console, got {LOG_FORMAT!r}")
_operations_logs.configure_structlog()
LOGGING = _operations_logs.logging_config(json=LOG_FORMAT == "json", level=env_str("LOG_LEVEL", "INFO"))
MIDDLEWARE = ["governance.operations.requests.RequestLogMiddleware", *MIDDLEWARE]
# A probe on the machine itself (http://127.0.0.1:8000/readyz) is not sent to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# /readyz reports a beat entry late after this many minutes (a weekly one: after its slot).
HEARTBEAT_STALE_MINUTES = env_int("HEARTBEAT_STALE_MINUTES", 5, minimum=1)
# A read replica (PostgreSQL streaming replica) for the dashboards and exports; without it they
# read the primary like everything else.
DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _without_jit(
        dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0)))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["governance.operations.replica.ReplicaRouter"]
REPLICA_READ_VIEWS = {
    "dashboard:subdistrict", "dashboard:zone", "dashboard:export", "dashboard:zone-export",
    "api-dashboard", "api-dashboard-zone",
    "incidents:export", "inspections:enterprise-export", "inspections:campaign-ledger", "meetings:decisions-export",
}
MIDDLEWARE += ["governance.operations.replica.ReplicaReadsMiddleware"]  # last: it calls the view
