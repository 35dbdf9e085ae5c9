"""What a change is made through (hemgang/means.py): the web pages, the API, a task, or the system."""

from celery import shared_task

from hemgang import means


@shared_task
def _report_means() -> str:
    return means.current()


def test_a_task_acts_as_a_task_and_the_caller_keeps_its_own_means():
    with means.acting_through(means.WEB):
        assert _report_means.delay().get() == means.TASK
        assert means.current() == means.WEB
    assert means.current() == means.SYSTEM


def test_the_middleware_tells_the_api_from_the_web_pages(rf):
    seen = []
    middleware = means.MeansMiddleware(lambda request: seen.append(means.current()))
    middleware(rf.get("/api/v1/cases/"))
    middleware(rf.get("/cases/1/"))
    assert seen == [means.API, means.WEB] and means.current() == means.SYSTEM
