import os

from celery import Celery, signals

from hemgang import means

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hemgang.settings")

app = Celery("hemgang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _act_as_task(task_id=None, task=None, **kwargs):
    """What a task changes is recorded as done by a background task (hemgang.means)."""
    task.request.means_token = means.enter(means.TASK)


@signals.task_postrun.connect
def _done_as_task(task_id=None, task=None, **kwargs):
    token = getattr(task.request, "means_token", None)
    if token is not None:
        means.leave(token)
