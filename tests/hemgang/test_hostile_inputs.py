"""A corpus of hostile inputs (tests/hostile_inputs.json) through every form and every API endpoint:
no server error, and a refused submission leaves every table as it was (nothing half-saved).

Forms are found as a user finds them: every page of the URL configuration is opened by every persona
who may see it (tests/walk.py), and each distinct POST form on it is sent back with hostile values,
several per submission: field i of submission j gets input j·k+i (k fields), the others as the page
filled them. Each form gets up to PER_FORM submissions starting at its own offset, so the whole corpus
goes through every kind of field across the forms within the runtime budget (~2 minutes); then one
submission per form with invalid UTF-8 in every field. API endpoints come from the OpenAPI schema, and
every input goes through every endpoint (packed the same way). Every submission runs in a savepoint that
is rolled back, so one that is accepted does not change the scene for the next.
"""

import reprlib
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from .. import hostile, walk

# Bookkeeping a refused request may write: the access log of the page it shows again, the read marks
# and the autosaved drafts, the submission keys, sessions.
NOT_COUNTED = {
    "cases_accesslog",
    "hemgang_submissionkey",
    "handover_messageread",
    "scheduling_journaldraft",
    "scheduling_historicaljournaldraft",
}
SKIPPED_ACTIONS = ("/logout/", "/i18n/", "/login/")
ERROR_MARKS = ('class="errorlist', "error-summary", 'role="alert"')
PER_FORM = 12  # submissions per form (each carries one input per field)
PER_PAGE = 5  # GETs per page (each carries one input per query parameter)
QUERY_PARAMETERS = ["date", "show", "who", "state", "mine", "unacknowledged", "limit", "offset", "page", "q"]
# The follow-up's choice of team and period and the planner's what-if.
QUERY_PARAMETERS += [
    "team",
    "period",
    "year",
    "month",
    "quarter",
    "start",
    "end",
    "clients_at_once",
    "average_length_days",
]


def _tables():
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if n.split("_", 1)[0] in walk.PROJECT_APPS and n not in NOT_COUNTED)


class Run:
    """Sends requests in rolled-back savepoints and collects what went wrong."""

    def __init__(self):
        self.tables = _tables()
        self._count_sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in self.tables)
        self.errors: list[str] = []
        self.half_saved: list[str] = []
        self.sent = 0

    def counts(self):
        with connection.cursor() as cursor:
            cursor.execute(self._count_sql)
            return cursor.fetchone()

    def send(self, what: str, request):
        self.sent += 1
        with transaction.atomic():
            before = self.counts()
            try:
                response = request()
            except Exception as exc:  # the test client re-raises what would have been a 500
                self.errors.append(f"{what}: {type(exc).__name__}: {str(exc)[:160]}")
                transaction.set_rollback(True)
                return None
            if response.status_code >= 500:
                self.errors.append(f"{what}: HTTP {response.status_code}")
            elif _refused(response):
                after = self.counts()
                if after != before:
                    changed = [t for t, b, a in zip(self.tables, before, after, strict=True) if a != b]
                    self.half_saved.append(f"{what}: {changed}")
            transaction.set_rollback(True)
        return response


def _refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return False
    page = response.content.decode(errors="replace")
    return any(mark in page for mark in ERROR_MARKS)


def _discover_forms(world, s, readers):
    """(persona, target, form) for every distinct POST form (its target and fields) some persona sees."""
    found, seen = [], set()
    for route, _name, url, is_api in walk.pages(world, s):
        if is_api or route.endswith(walk.DOWNLOADS):
            continue
        for who, http in readers.items():
            response = http.get(url)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            for form in hostile.post_forms(response.content.decode()):
                target = form.action or form.hx_post or url
                if target.startswith(SKIPPED_ACTIONS):
                    continue
                key = (target, tuple(sorted({n for n, _k, _v in form.fields})))
                if key not in seen:
                    seen.add(key)
                    found.append((who, target, form))
    return found


def _packed(names, inputs, *, offset, submissions):
    """`submissions` dicts giving each name its own input, walking the corpus from `offset`."""
    k = max(1, len(names))
    for j in range(submissions):
        yield {name: inputs[(offset + j * k + i) % len(inputs)] for i, name in enumerate(names)}


def _without_keys(data):
    return {k: v for k, v in data.items() if k not in ("csrfmiddlewaretoken", "submission_key")}


@pytest.fixture
def scene(world, start_case, login):
    s = walk.scene(world, start_case)
    readers = {user.username: login(user) for user in walk.personas(world, s)}
    return s, readers


def test_hostile_inputs_through_every_form(world, scene):
    s, readers = scene
    inputs = [hostile.as_form_value(entry) for entry in hostile.corpus()]
    assert len(inputs) >= 200
    run = Run()
    used = set()
    with walk.at():
        forms = _discover_forms(world, s, readers)
        assert len(forms) >= 20, [f[1] for f in forms]
        for number, (who, target, form) in enumerate(forms):
            http, base = readers[who], _without_keys(form.defaults())
            names = [n for n in form.visible() + form.hidden() if n not in ("csrfmiddlewaretoken", "submission_key")]
            offset = number * 37
            for values in _packed(names, inputs, offset=offset, submissions=PER_FORM):
                used.update(values.values())
                data = base | values
                run.send(f"{who} POST {target} {values}"[:300], lambda d=data, h=http, t=target: h.post(t, d))
            raw = urlencode(base, doseq=True).encode() + b"".join(b"&" + n.encode() + b"=%ff%fe%c3" for n in names)
            run.send(
                f"{who} POST {target} invalid UTF-8",
                lambda r=raw, h=http, t=target: h.generic(
                    "POST", t, r, content_type="application/x-www-form-urlencoded"
                ),
            )
    assert len(used) >= 200  # the corpus went through the forms, not a handful of it
    assert run.errors == []
    assert run.half_saved == []


def test_hostile_query_parameters_on_every_page(world, scene):
    s, readers = scene
    inputs = [hostile.as_form_value(entry) for entry in hostile.corpus()]
    run = Run()
    https = list(readers.values())
    with walk.at():
        for number, (_route, _name, url, _is_api) in enumerate(walk.pages(world, s)):
            packed = _packed(QUERY_PARAMETERS, inputs, offset=number * 53, submissions=PER_PAGE)
            for j, params in enumerate(packed):
                http = https[(number + j) % len(https)]
                query = urlencode(params)
                run.send(f"GET {url}?{query}"[:300], lambda u=f"{url}?{query}", h=http: h.get(u))
    assert run.errors == []


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            properties = list(components.get(ref, {}).get("properties", {}))
            yield path, method, properties


def test_hostile_inputs_through_every_api_endpoint(world, scene):
    s, _readers = scene
    # The deeply nested entry is sent as raw JSON below: the test client's encoder would not reach it.
    values = [hostile.as_json_value(e) for e in hostile.corpus() if not (isinstance(e, dict) and "deep" in e)]
    run = Run()
    apis = {}
    for user in [world.integration, world.staff, world.coordinator, world.officer]:
        api = APIClient()
        api.force_authenticate(user)
        apis[user.username] = api
    operations = list(_operations())
    assert len(operations) >= 3
    with walk.at():
        for path, method, properties in operations:
            route = path.lstrip("/")
            ids = walk.kwargs_for(route, "", ["pk"] if "{id}" in path or "{pk}" in path else [], s)
            url = path.replace("{id}", str(ids.get("pk", ""))).replace("{pk}", str(ids.get("pk", "")))
            # The persona the endpoint is for: the first whose empty request is not refused as forbidden.
            api = next(
                (a for a in apis.values() if getattr(a, method)(url, {}, format="json").status_code not in (403, 404)),
                apis[world.integration.username],
            )
            names = properties or ["value"]
            for body in _packed(names, values, offset=0, submissions=-(-len(values) // len(names))):
                run.send(
                    f"{method.upper()} {url} {reprlib.repr(body)}",
                    lambda b=body, u=url, a=api, m=method: getattr(a, m)(u, b, format="json"),
                )
            run.send(
                f"{method.upper()} {url} not JSON",
                lambda u=url, a=api, m=method: getattr(a, m)(u, "x=1", content_type="text/plain"),
            )
            run.send(
                f"{method.upper()} {url} invalid UTF-8",
                lambda u=url, a=api, m=method: a.generic(
                    m.upper(), u, b'{"a": "\xff\xfe"}', content_type="application/json"
                ),
            )
            deep = hostile.as_form_value({"deep": 5000})  # raw text: json.dumps cannot nest this deep
            run.send(
                f"{method.upper()} {url} deep JSON",
                lambda u=url, a=api, m=method, d=deep: a.generic(m.upper(), u, d, content_type="application/json"),
            )
    assert run.errors == []
    assert run.half_saved == []
