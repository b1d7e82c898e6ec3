"""Every free-text input is bounded: the staff and public forms, and the API's schema (query parameters and
bodies), with limits no larger than the database column's."""

import inspect

import pytest
from django import forms

from doantu.registry import forms as registry_forms
from doantu.registry import models as registry_models
from doantu.tips import forms as tips_forms
from doantu.tips import models as tips_models

# Which model each form writes to (a form field named like a model field must fit its column).
FORM_MODELS = {
    "TipForm": tips_models.Tip,
    "TipEditForm": tips_models.Tip,
    "SourceForm": tips_models.Source,
    "MartyrForm": registry_models.Martyr,
    "GraveForm": registry_models.Grave,
    "RelativeForm": registry_models.Relative,
    "WitnessForm": registry_models.Witness,
    "DocumentForm": registry_models.Document,
}


def _form_fields():
    for module in (tips_forms, registry_forms):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            fields = dict(cls.base_fields)
            if name == "MartyrForm" and module is registry_forms:  # fields made in __init__ (import columns)
                fields.update(cls().fields)
            for field_name, field in fields.items():
                yield name, field_name, field


def test_every_free_text_form_field_has_a_maximum_length(db):
    unbounded = [
        f"{form}.{name}"
        for form, name, field in _form_fields()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert unbounded == []


def test_form_maximum_lengths_fit_the_database_columns(db):
    too_long = []
    for form, name, field in _form_fields():
        model = FORM_MODELS.get(form)
        if model is None or not isinstance(field, forms.CharField) or field.max_length is None:
            continue
        try:
            column = model._meta.get_field(name)
        except Exception:
            continue
        if getattr(column, "max_length", None) and field.max_length > column.max_length:
            too_long.append(f"{form}.{name}: {field.max_length} > {column.max_length}")
    assert too_long == []


def _request_strings(schema):
    """(where, name, schema) of every string an operation takes: query/path parameters and body properties."""
    components = schema["components"]["schemas"]

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(where, name, node):
        node = resolve(node)
        for option in node.get("anyOf", []):
            yield from walk(where, name, option)
        if node.get("type") == "string" and node.get("format") not in {"binary", "date", "date-time"}:
            yield where, name, node
        for prop, sub in node.get("properties", {}).items():
            yield from walk(where, prop, sub)
        if "items" in node:
            yield from walk(where, name, node["items"])

    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                yield from walk(where, param["name"], param["schema"])
            for content in op.get("requestBody", {}).get("content", {}).values():
                yield from walk(where, "body", content["schema"])


@pytest.mark.django_db
def test_every_string_the_api_takes_has_a_maximum_length(client):
    schema = client.get("/api/openapi.json").json()
    unbounded = [
        f"{where}: {name}"
        for where, name, node in _request_strings(schema)
        if "maxLength" not in node and "enum" not in node
    ]
    assert unbounded == []
