"""A real Celery worker and beat as subprocesses, on the test database, the local Redis and a queue of
their own, sending through a test SMTP server. For the tests of what no in-process worker can show: beat's
schedule, a worker killed with SIGKILL."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def wait_for(condition, *, seconds: float = 40, what: str = "the condition"):
    """Poll `condition` until it is true; a loaded CI machine gets generous time, and the failure says
    what was awaited."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def _database_url(alias: str = "default") -> str:
    db = connections[alias].settings_dict  # at run time: the test database pytest created, as its role
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryProcesses:
    """Starts `celery -A hemgang worker --pool solo` and `celery -A hemgang beat`; `stop()` ends them all."""

    def __init__(self, *, broker_url: str, queue: str, smtp_port: int, tmp_path: Path, lease_seconds: int = 600):
        self.tmp_path = tmp_path
        self.queue = queue
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": _database_url(),
            "DATABASE_OWNER_URL": _database_url("owner"),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": broker_url,
            "CELERY_QUEUE": queue,
            "REMINDER_SWEEP_SECONDS": "1",
            "NOTIFICATION_SWEEP_SECONDS": "1",
            "NOTIFICATION_CLAIM_LEASE_SECONDS": str(lease_seconds),
            "NOTIFICATION_RETRY_BASE_SECONDS": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "60",  # a hanging server holds the worker until the test kills it
            "SITE_URL": "https://hemgang.example.se",
            "DEBUG": "false",
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        with open(self.tmp_path / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [str(CELERY), "-A", "hemgang", *args],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, ended as a whole
            )
        self.processes[name] = process
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen:
        # No mingle, gossip or heartbeat: other test runs' workers on the same Redis are none of its business.
        return self._start(
            name,
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{name}-{os.getpid()}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        )

    def beat(self, name: str = "beat") -> subprocess.Popen:
        schedule = self.tmp_path / f"{name}-schedule"
        return self._start(name, "beat", "--loglevel", "INFO", "--schedule", str(schedule), "--max-interval", "1")

    def kill(self, name: str) -> None:
        """SIGKILL: no warm shutdown, nothing acknowledged or put back — a worker that died."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def log(self) -> str:
        return "".join(path.read_text(errors="replace") for path in sorted(self.tmp_path.glob("*.log")))

    def finished(self, task: str, result: str | None = None) -> int:
        """How many runs of `task` (its short name) the workers logged as succeeded (with `result`)."""
        pattern = rf"Task notifications\.tasks\.{task}\[[^\]]+\] succeeded in [\d.e-]+s: "
        if result is not None:
            pattern += re.escape(result)
        return len(re.findall(pattern, self.log()))

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self.processes.clear()


def forget_queue(app, queue: str) -> None:
    """Remove what the test left in Redis: its queue (with kombu's priority lists and bindings) and the
    unacknowledged messages of a killed worker, which Redis would otherwise hand back to the queue after
    the visibility timeout."""
    with app.connection_for_write() as conn:
        redis = conn.default_channel.client
        for key in redis.scan_iter(match=f"*{queue}*"):
            redis.delete(key)
        for tag, raw in redis.hgetall("unacked").items():
            if queue.encode() in raw:
                redis.hdel("unacked", tag)
                redis.zrem("unacked_index", tag)
