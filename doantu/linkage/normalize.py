"""Vietnamese text normalisation for record linkage.

Three forms of a word are used throughout the engine:

* ``canon``  — lower case, vowel marks kept (â ê ô ă ơ ư đ), the tone moved out of the letters into a trailing
  digit (VNI order: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng). ``hòa``, ``hoà`` (old/new tone placement), NFC and NFD
  all give ``hoa2``. Used for the *exact* agreement level, where diacritics really distinguish names (Hùng ≠ Hưng).
* ``fold``   — plain ASCII lower case, ``đ`` → ``d``. What the public types; the *folded* level.
* keystroke repair — words typed with an input method switched off (Telex ``Nguyeenx``, VNI ``Nguye6n``) are
  decoded before either form is taken, but only when the decoded word is a well-formed Vietnamese syllable, so
  that minority-language names (``Ksor``) and ordinary typos are left alone.

Everything here is pure, deterministic and cached where inputs repeat (names, places and units repeat a lot in
a registry, so caching is what keeps a million-row build fast).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "TONE_DIGIT",
    "canon_word",
    "canon_text",
    "fold",
    "fold_plain",
    "fold_word",
    "has_marks",
    "nfc",
    "repair_keystrokes",
    "split_syllable",
    "words",
]

# Combining tone marks → VNI tone digit. U+0340/U+0341 are deprecated duplicates that NFD maps to 0300/0301.
TONE_DIGIT: dict[str, str] = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_DIGIT_TONE = {v: k for k, v in TONE_DIGIT.items()}

# Letters that legacy encodings or careless typing put in place of Đ/đ (Icelandic eth, African D).
_D_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})


_HAS_LOOKALIKE = re.compile("[" + "".join(map(chr, _D_LOOKALIKES)) + "]")


def nfc(text: str) -> str:
    """NFC with look-alike letters for đ replaced, so every later step sees one spelling of each letter."""
    if _HAS_LOOKALIKE.search(text):  # rare; str.translate costs ~0.17 µs a character on Vietnamese text
        text = text.translate(_D_LOOKALIKES)
    return unicodedata.normalize("NFC", text)


def _build_fold_table() -> dict[int, str]:
    # One output character per NFC input character: this keeps positions aligned between a name and its
    # folded form, which the spaceless-name splitter relies on.
    table: dict[int, str] = {}
    for cp in range(0x00C0, 0x1F00):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha() and base != ch:
            table[cp] = base.lower()
    for ch, repl in {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ơ": "o", "Ơ": "o", "ư": "u", "Ư": "u"}.items():
        table[ord(ch)] = repl
    return table


_FOLD_TABLE = _build_fold_table()
assert min(_FOLD_TABLE) >= 128  # ASCII stays as it is: ``fold_chars`` relies on it


def fold_chars(text: str) -> str:
    """``text`` with each accented letter replaced by its small ASCII base letter (Ấ → a, Đ → d), one character
    for one (positions kept); ASCII letters keep their case (callers lower-case first). Word by word through a
    cache: ``str.translate`` costs ~0.17 µs a character on Vietnamese text (measured: 7 µs for a 44-character
    place), and the words of names, units and places repeat far more than whole texts do."""
    if text.isascii():
        return text
    return " ".join([_fold_piece(w) for w in text.split(" ")])


@lru_cache(maxsize=100_000)
def _fold_piece(piece: str) -> str:
    return piece.translate(_FOLD_TABLE)


_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """ASCII, lower case, punctuation to single spaces: what someone without a Vietnamese keyboard types.

    Keystroke leftovers are repaired first (``Nguyeenx`` folds to ``nguyen``, not ``nguyeenx``).
    """
    if not text:
        return ""
    return fold_plain(" ".join(repair_keystrokes(w) for w in nfc(text).split()))


@lru_cache(maxsize=200_000)
def fold_plain(text: str) -> str:
    """``fold`` without keystroke repair, for codes and numbers (``c3d1e141``, ``KB 12345``, dates)."""
    if not text:
        return ""
    low = fold_chars(nfc(text).lower())
    # Whatever survives (combining marks in odd orders, other scripts) is stripped the slow way.
    if not low.isascii():
        low = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
        low = low.encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", low).strip()


def fold_word(word: str) -> str:
    """Fold one word, dropping all non-alphanumerics (so ``H'Hen`` → ``hhen``)."""
    return fold(word).replace(" ", "")


def has_marks(text: str) -> bool:
    """True if the text carries any Vietnamese diacritic (tone, vowel mark or đ)."""
    return not text.isascii()


@lru_cache(maxsize=200_000)
def split_syllable(word: str) -> tuple[str, str]:
    """Split a word into (base with vowel marks, tone digit or '').

    The base is NFC lower case without the tone; if a (malformed) word carries two tones, the first wins.
    """
    nfd = unicodedata.normalize("NFD", nfc(word).lower())
    tone = ""
    kept = []
    for c in nfd:
        t = TONE_DIGIT.get(c)
        if t is not None:
            if not tone:
                tone = t
            continue
        kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def canon_word(word: str) -> str:
    """Tone-placement-independent spelling: ``Hòa``/``Hoà``/NFD → ``hoa2``; ``Nguyễn`` → ``nguyên4``."""
    base, tone = split_syllable(repair_keystrokes(word))
    return base + tone


@lru_cache(maxsize=200_000)
def canon_text(text: str) -> str:
    """``canon_word`` of every word, joined by single spaces (punctuation dropped)."""
    out = []
    for w in nfc(text).split():
        c = canon_word(w)
        c = "".join(ch for ch in c if ch.isalnum())
        if c:
            out.append(c)
    return " ".join(out)


def words(text: str) -> list[str]:
    """Split on whitespace and punctuation, keeping letters with their diacritics (NFC)."""
    return [w for w in re.split(r"[^\w]+", nfc(text)) if w]


# --- keystroke repair -------------------------------------------------------------------------------------------

# A Vietnamese syllable, folded: onset, 1–3 vowels, optional final consonant. Used to decide whether decoding a
# word as Telex/VNI produced Vietnamese or nonsense (in which case the word is left as typed).
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?([aeiouy]{1,3})(ch|ng|nh|[cmnpt])?$"
)

_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
_BREVE = {"a": "ă"}
_TELEX_TONES = {"s": "1", "f": "2", "r": "3", "x": "4", "j": "5"}
_VOWELS = set("aeiouyâêôăơư")
_DIGIT_RUN = re.compile(r"\d{3}")


def _place_tone(letters: list[str], tone: str) -> str:
    """Put a tone digit's mark on a vowel (placement only matters for display; canon ignores it)."""
    word = "".join(letters)
    if not tone:
        return unicodedata.normalize("NFC", word)
    idx = [i for i, c in enumerate(letters) if c in _VOWELS]
    # 'qu' and 'gi' onsets: their u/i are not the nucleus when another vowel follows.
    low = word.lower()
    if idx and (low.startswith("qu") or low.startswith("gi")) and len(idx) > 1 and idx[0] == 1:
        idx = idx[1:]
    if not idx:
        return unicodedata.normalize("NFC", word)
    marked = [i for i in idx if letters[i] in "âêôăơư"]
    if marked:
        pos = marked[-1]
    elif len(idx) == 1:
        pos = idx[0]
    elif idx[-1] < len(letters) - 1:  # closed syllable: last vowel
        pos = idx[-1]
    elif len(idx) == 3:
        pos = idx[1]
    else:
        pos = idx[1] if low.endswith(("oa", "oe", "uy")) else idx[0]
    letters = list(letters)
    letters[pos] = letters[pos] + _DIGIT_TONE[tone]
    return unicodedata.normalize("NFC", "".join(letters))


def _valid(letters: list[str]) -> bool:
    return bool(_SYLLABLE.match(fold_chars("".join(letters))))


def _apply_horn(letters: list[str], *, breve: bool) -> bool:
    """Horn on the nearest o/u ('uo' → 'ươ'); with ``breve`` (Telex 'w', unlike VNI '7') an a nearer still
    becomes ă."""
    for i in range(len(letters) - 1, -1, -1):
        c = letters[i]
        if c == "o" and i > 0 and letters[i - 1] == "u":
            letters[i - 1], letters[i] = "ư", "ơ"
            return True
        if c in _HORN:
            letters[i] = _HORN[c]
            return True
        if breve and c in _BREVE:
            letters[i] = _BREVE[c]
            return True
    return False


def _mark_last(letters: list[str], marks: dict[str, str]) -> bool:
    """Put a VNI mark on the last letter that takes it (6: â ê ô, 8: ă, 9: đ)."""
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in marks:
            letters[i] = marks[letters[i]]
            return True
    return False


_VNI_MARKS = {"6": _CIRCUMFLEX, "8": _BREVE, "9": {"d": "đ"}}


def _decode_vni(low: str) -> tuple[list[str], str] | None:
    letters: list[str] = []
    tone = ""
    for ch in low:
        if not ch.isdigit():
            letters.append(ch)
        elif ch in "12345":
            tone = ch
        elif ch == "7":
            if not _apply_horn(letters, breve=False):
                return None
        elif ch not in _VNI_MARKS or not _mark_last(letters, _VNI_MARKS[ch]):  # 0 is not a VNI key
            return None
    return letters, tone


def _decode_telex(low: str) -> tuple[list[str], str] | None:
    tone = ""
    body = low
    if len(body) > 1 and body[-1] in _TELEX_TONES:
        tone = _TELEX_TONES[body[-1]]
        body = body[:-1]
    letters: list[str] = []
    changed = bool(tone)
    i = 0
    while i < len(body):
        c = body[i]
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if c == "d" and nxt == "d" and not letters:
            letters.append("đ")
            i += 2
            changed = True
            continue
        if c in _CIRCUMFLEX and nxt == c:
            letters.append(_CIRCUMFLEX[c])
            i += 2
            changed = True
            continue
        if c == "w":
            if not _apply_horn(letters, breve=True):
                letters.append("ư")  # a bare 'w' types ư
            i += 1
            changed = True
            continue
        letters.append(c)
        i += 1
    # A tone key typed mid-word before the final consonant ("Hufng") is also common.
    if not tone:
        for j in range(1, len(letters) - 1):
            if letters[j] in _TELEX_TONES and letters[j - 1] in _VOWELS and not _valid(letters):
                trial = letters[:j] + letters[j + 1 :]
                if _valid(trial):
                    tone = _TELEX_TONES[letters[j]]
                    letters = trial
                    changed = True
                    break
    return (letters, tone) if changed else None


@lru_cache(maxsize=200_000)
def repair_keystrokes(word: str) -> str:
    """Decode one word typed with Telex or VNI keystrokes left in; return it unchanged if it is not one.

    ``Nguyeenx`` → ``Nguyễn``, ``Vawn`` → ``Văn``, ``Hungf`` → ``Hùng``, ``Nguye6n`` → ``Nguyên``,
    ``Va8n`` → ``Văn``, ``Hu2ng`` → ``Hùng``, ``d9o^`` is not touched (not a letter/digit word).
    Only pure-ASCII words are candidates: anything already carrying diacritics was typed with a working IME.
    """
    if not word.isascii() or not word.isalnum() or not word[0].isalpha() or len(word) < 2:
        return word
    low = word.lower()
    if any(ch.isdigit() for ch in low):
        # Unit codes (e141, F312, KB12345) are one letter and a number, not VNI: a VNI word has at least two
        # letters and never three digits in a row.
        if sum(ch.isalpha() for ch in low) < 2 or _DIGIT_RUN.search(low):
            return word
        decoded = _decode_vni(low)
    else:
        if _valid(list(low)):
            return word  # already a well-formed plain syllable: nothing to repair
        decoded = _decode_telex(low)
    if decoded is None:
        return word
    letters, tone = decoded
    if not letters or not _valid(letters):
        return word
    out = _place_tone(letters, tone)
    if word[0].isupper():
        out = out[0].upper() + out[1:]
        if word.isupper() and len(word) > 1:
            out = out.upper()
    return out
