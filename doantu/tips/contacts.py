"""Who gave a tip, as a keyed hash: counting distinct contributors without decrypting anyone.

A named tip's person is told apart by their phone (its canonical form, so "0912 345 678", "+84 912.345.678" and
"0084912345678" are one subscriber), else by their name (Unicode NFC, lower case, spaces collapsed). That key is
hashed with HMAC-SHA256 under ``settings.CONTACT_HASH_KEY`` (not the field encryption key; see settings) and
stored on the tip (``Tip.contact_key``), set by ``Tip.save`` whenever the name, phone or anonymity is written:
intake, staff entry and the API all save through ``tips.services.tip_submit``; the withdrawal of consent erases
the name and phone and so clears the key. An anonymous tip, or a named one whose name and phone are empty, has
no key ("") and counts as one person of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings

from doantu.phones import normalise_phone

_NON_DIGITS = re.compile(r"\D")


def person_key(phone: str, name: str) -> str | None:
    """The normalised contact: "p" + the phone in its canonical form (``doantu.phones``: 0912…/+84912…/0084912…
    are one subscriber, and a fixed line keeps its area code, so 028 1234 5678 is not the mobile 0812 345 678),
    else "n" + the folded name, else None. A stored phone that is not a Vietnamese number (typed before phones
    were checked) is kept by its digits, if it has nine or more."""
    canonical = normalise_phone(phone or "")
    if canonical:
        return "p" + canonical
    digits = _NON_DIGITS.sub("", phone or "")
    if len(digits) >= 9:
        return "p" + digits
    folded = " ".join(unicodedata.normalize("NFC", name or "").lower().split())
    return "n" + folded if folded else None


def contact_key(*, anonymous: bool, phone: str, name: str) -> str:
    """The stored hash of a tip's contact ("" for an anonymous tip or one without name and phone)."""
    if anonymous:
        return ""
    person = person_key(phone, name)
    if person is None:
        return ""
    message = b"tip-contact\x1f" + person.encode()
    return hmac.new(settings.CONTACT_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def rehash(tip_model, *, only_missing: bool, batch: int = 2000, progress=None) -> int:
    """Recompute ``contact_key`` of the named tips, ``batch`` rows per transaction-sized step (by primary key, so
    memory stays flat at any size): the backfill of migration tips 0014 (``only_missing``: rows whose key is
    empty) and ``manage.py rehash_contacts`` after CONTACT_HASH_KEY changed (every row). Returns the rows
    changed. ``tip_model`` may be a migration's historical model (its encrypted fields decrypt as the real one)."""
    from django.db import transaction

    named = tip_model.objects.filter(anonymous=False)
    if only_missing:
        named = named.filter(contact_key="")
    changed = 0
    last = 0
    while True:
        rows = list(
            named.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "anonymous", "reporter_phone", "reporter_name", "contact_key")[:batch]
        )
        if not rows:
            return changed
        last = rows[-1][0]
        updates = []
        for pk, anonymous, phone, name, old in rows:
            new = contact_key(anonymous=anonymous, phone=phone, name=name)
            if new != old:
                updates.append(tip_model(pk=pk, contact_key=new))
        if updates:
            with transaction.atomic():
                tip_model.objects.bulk_update(updates, ["contact_key"], batch_size=500)
            changed += len(updates)
        if progress:
            progress(last, changed)
