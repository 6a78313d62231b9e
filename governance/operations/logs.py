"""Structured logs (structlog): one JSON object a line in production, readable text in development.

Why structlog: it renders the standard library's records too (Django's, Celery's, gunicorn's
errors) through one `ProcessorFormatter`, so every line of a process has one shape; context bound
once (the request id) is merged into every line logged while it is bound, through contextvars,
which also hold across the `sync_to_async` hops of an async view. django-structlog would add its
own request middleware and Celery receivers whose fields we would then rename; the ones we need
are twenty lines here (governance.operations.requests and .celery_signals).

`logging_config(json=...)` is the LOGGING dict of the settings; `configure_structlog()` runs once
at settings import.
"""

from __future__ import annotations

import structlog

# Applied to structlog's own events and to the standard library's records alike.
SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_structlog() -> None:
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *SHARED, structlog.stdlib.PositionalArgumentsFormatter(),
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        foreign_pre_chain=SHARED,
    )


def console_formatter() -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback),
        ],
        foreign_pre_chain=SHARED,
    )


def logging_config(*, json: bool, level: str) -> dict:
    formatter = "json" if json else "console"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": json_formatter},
            "console": {"()": console_formatter},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": formatter}},
        "root": {"handlers": ["console"], "level": level},
        # Django's default config gives the "django" logger its own console handler, and the record
        # then propagates to root's as well: every request warning was printed twice. Our request
        # line replaces Django's development server line and gunicorn's access log.
        "loggers": {
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            # A failed check is in /readyz's body; the library would add a traceback per probe.
            "health_check": {"handlers": [], "level": "ERROR", "propagate": True},
        },
    }
