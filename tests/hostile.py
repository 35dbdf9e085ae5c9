"""Forms as a browser sees them, and the hostile values to fill them with (tests/hostile_inputs.json)."""

import json
from html.parser import HTMLParser
from pathlib import Path

CORPUS = Path(__file__).with_name("hostile_inputs.json")


def corpus() -> list:
    return json.loads(CORPUS.read_text())["inputs"]


def as_json_value(entry):
    """The entry as a JSON value for the API."""
    if isinstance(entry, str):
        return entry
    if "repeat" in entry:
        return entry["repeat"] * entry["times"]
    if "json" in entry:
        return entry["json"]
    value = []
    for _ in range(entry["deep"] - 1):
        value = [value]
    return value


def as_form_value(entry) -> str:
    """The entry as a form field's text (structured values as their JSON text)."""
    if isinstance(entry, dict) and "deep" in entry:
        return "[" * entry["deep"] + "]" * entry["deep"]
    value = as_json_value(entry)
    return value if isinstance(value, str) else json.dumps(value)


class Form:
    def __init__(self, attrs):
        self.method = (attrs.get("method") or "get").lower()
        self.action = attrs.get("action")
        self.hx_post = attrs.get("hx-post")
        self.fields: list[tuple[str, str, str]] = []  # (name, kind, default value)
        self.choices: dict[str, list[str]] = {}

    def defaults(self) -> dict[str, list[str]]:
        data: dict[str, list[str]] = {}
        for name, kind, value in self.fields:
            if kind in ("checkbox", "radio") and value is None:
                continue
            data.setdefault(name, []).append(value or "")
        return data

    def visible(self) -> list[str]:
        return list(dict.fromkeys(n for n, kind, _ in self.fields if kind not in ("hidden", "submit")))

    def hidden(self) -> list[str]:
        return list(dict.fromkeys(n for n, kind, _ in self.fields if kind == "hidden"))


class FormParser(HTMLParser):
    """Every form of a page with its fields and their defaults (the checked box, the selected option)."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag not in ("option",)):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.choices.setdefault(a["name"], []).append(a.get("value", "on"))
                value = a.get("value", "on") if "checked" in a else None
            else:
                value = a.get("value", "")
            self._form.fields.append((a["name"], kind, value))
        elif tag == "button" and a.get("value") is not None:
            self._form.fields.append((a["name"], "submit", a["value"]))
        elif tag == "select":
            self._select = [a["name"], "multiple" in a, None, []]
        elif tag == "option" and self._select is not None:
            self._select[3].append(a.get("value", ""))
            if "selected" in a:
                self._select[2] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, selected, options = self._select
            self._form.choices[name] = options
            if selected is not None or (options and not multiple):
                self._form.fields.append((name, "select", selected if selected is not None else options[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "textarea", self._textarea[1].lstrip("\n")))
            self._textarea = None


def post_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return [f for f in parser.forms if f.method == "post" or f.hx_post]
