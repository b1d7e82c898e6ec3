"""Words for the audit trail: each domain registers how its actions, fields and coded values read, so one
timeline can show entries from every domain (a tip's timeline holds tip, forward, note and registry-link
entries). Field words are kept per domain (the app label of the changed record's type): "status" means one
thing for a tip and another for a martyr's record."""

ACTIONS: dict[str, str] = {}
FIELDS: dict[tuple[str, str], tuple[str, dict]] = {}


def register(
    domain: str, *, actions: dict[str, str] | None = None, fields: dict[str, tuple[str, dict]] | None = None
) -> None:
    ACTIONS.update(actions or {})
    FIELDS.update({(domain, name): words for name, words in (fields or {}).items()})


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def change_row(object_type: str, field: str, before, after) -> tuple[str, object, object]:
    """(field label, before, after) with coded values in words."""
    label, values = FIELDS.get((object_type.split(".", 1)[0], field), (field, {}))
    return label, values.get(before, before), values.get(after, after)
