"""Words for the audit trail: each domain registers how its actions, fields and coded values read, so one
timeline can show entries from every domain (a tip's timeline holds tip, forward, note and registry-link
entries)."""

ACTIONS: dict[str, str] = {}
FIELDS: dict[str, tuple[str, dict]] = {}


def register(
    *, actions: dict[str, str] | None = None, fields: dict[str, tuple[str, dict]] | None = None
) -> None:
    ACTIONS.update(actions or {})
    FIELDS.update(fields or {})


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def change_row(field: str, before, after) -> tuple[str, object, object]:
    """(field label, before, after) with coded values in words."""
    label, values = FIELDS.get(field, (field, {}))
    return label, values.get(before, before), values.get(after, after)
