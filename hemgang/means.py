"""By what means a change is made: through the web pages, the API, a background task, or the system itself
(a management command, the seed data, a migration). The case event log records it with every event.

A context variable, so that services need not be told: the middleware sets it for each request, the
Celery signal for each task; anything else is the system.
"""

import contextvars
from contextlib import contextmanager

WEB, API, TASK, SYSTEM = "web", "api", "task", "system"

_current = contextvars.ContextVar("hemgang_means", default=SYSTEM)


def current() -> str:
    return _current.get()


def enter(means: str) -> contextvars.Token:
    return _current.set(means)


def leave(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_through(means: str):
    token = enter(means)
    try:
        yield
    finally:
        leave(token)


class MeansMiddleware:
    """Requests under /api/ act through the API, the rest through the web pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_through(API if request.path.startswith("/api/") else WEB):
            return self.get_response(request)
