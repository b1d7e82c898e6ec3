"""The paper slip (phiếu cung cấp thông tin): the public form's own questions and consent statements laid out for
paper, read from ``TipForm`` itself, so the slip cannot drift from the web form's wording."""

from dataclasses import dataclass, field

from django import forms

from .forms import TipForm

# Fields that make no sense on paper: files are handed over with the slip, coordinates come from a phone, the
# rest is machinery of the web form.
NOT_ON_PAPER = frozenset({"files", "latitude", "longitude"})


@dataclass
class SlipItem:
    name: str
    label: str
    kind: str  # "choices" (tick boxes), "check" (one box + statement), "lines" (ruled lines to write on)
    help_text: str = ""
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (label, ticked)
    rows: int = 1
    consent: bool = False


def slip_items(*, form: TipForm, preset: dict | None = None) -> list[SlipItem]:
    """The form's visible fields in form order, each as what a person fills in on paper. ``preset`` ticks
    choices already known (the residential group of the group's own slip): field name -> value."""
    preset = preset or {}
    items = []
    fields = list(form.fields.items())
    # the first martyr block's questions come after the account, as on the web form (the slip has room for one;
    # a second martyr is written in the account or on a second slip)
    at = next(i for i, (name, _) in enumerate(fields) if name == "account") + 1
    block = form.martyr_forms[0]
    fields[at:at] = [(f"martyr_{name}", f) for name, f in block.fields.items()]
    for name, f in fields:
        if name in NOT_ON_PAPER or f.widget.is_hidden:
            continue
        help_text = str(f.help_text or "")
        if isinstance(f, forms.BooleanField):
            items.append(
                SlipItem(name, str(f.label), "check", help_text, consent=name.startswith("consent_"))
            )
        elif isinstance(f, forms.ChoiceField):
            chosen = preset.get(name)
            choices = [
                (str(label), chosen is not None and str(value) == str(chosen))
                for value, label in f.choices
                if value not in ("", None)
            ]
            if chosen is not None:
                choices = [c for c in choices if c[1]]  # known already: print only that one, ticked
            items.append(SlipItem(name, str(f.label), "choices", help_text, choices=choices))
        else:
            rows = int(f.widget.attrs.get("rows", 1)) if isinstance(f.widget, forms.Textarea) else 1
            items.append(SlipItem(name, str(f.label), "lines", help_text, rows=rows))
    return items
