"""Words for the audit trail: each domain registers how its actions, fields and coded values read, so one
timeline can show entries from every domain (a tip's timeline holds tip, forward, note and registry-link
entries). Field words are kept per domain (the app label of the changed record's type): "status" means one
thing for a tip and another for a martyr's record."""

import re

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")

ACTIONS: dict[str, str] = {}
FIELDS: dict[tuple[str, str], tuple[str, dict]] = {}


def register(
    domain: str, *, actions: dict[str, str] | None = None, fields: dict[str, tuple[str, dict]] | None = None
) -> None:
    ACTIONS.update(actions or {})
    FIELDS.update({(domain, name): words for name, words in (fields or {}).items()})


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def _words(value, values: dict):
    if isinstance(value, str) and _ISO_DATE.match(value):
        y, m, d = value[:10].split("-")
        return f"{d}/{m}/{y}" + (f" {value[11:16]}" if len(value) > 10 else "")
    return values.get(value, value)


def change_row(object_type: str, field: str, before, after) -> tuple[str, object, object, bool]:
    """(field label, before, after, changed) with coded values and dates in words. Unchanged values are
    context (which agency a forward went to), shown without an arrow."""
    label, values = FIELDS.get((object_type.split(".", 1)[0], field), (field, {}))
    return label, _words(before, values), _words(after, values), before != after
