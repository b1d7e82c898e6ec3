"""Vietnamese phone numbers as people write them, in one canonical form for storage and comparison.

Where the rule comes from (the national numbering plan, Ministry of Information and Communications):

- mobile numbers have 10 digits, ``0`` + 9, starting 03, 05, 07, 08 or 09 since the conversion of the 11-digit
  mobile numbers in 2018 (Quyết định 798/QĐ-BTTTT, 2018; plan: Thông tư 22/2014/TT-BTTTT);
- fixed lines have 11 digits, ``0`` + the area code + the subscriber number: ``024`` (Hà Nội) and ``028``
  (TP. HCM) with 8 digits, every other province ``02xx`` with 7 (Quyết định 2036/QĐ-BTTTT, 2015, in force
  since 2017: e.g. 0208 Thái Nguyên, 0209 Bắc Kạn). So "0209 3871 234" and "(0208) 3855 123" are fixed lines;
- from abroad or in international notation the leading ``0`` is replaced by ``+84`` (or ``0084``/``84``).

People write them with spaces, dots, dashes or the area code in brackets; all of that is dropped. The canonical
form is the national one with its leading ``0`` and digits only ("0912345678", "02093871234"): what is stored,
and what the status check's last four digits are taken from.
"""

import re

# Area codes of fixed lines after the 2017 change (Quyết định 2036/QĐ-BTTTT), without the leading 0. 24 and 28
# (Hà Nội, TP. HCM) are two digits followed by 8; the others are three digits followed by 7: 11 digits in all.
AREA_CODES = frozenset(
    [
        "203",
        "204",
        "205",
        "206",
        "207",
        "208",
        "209",
        "210",
        "211",
        "212",
        "213",
        "214",
        "215",
        "216",
        "218",
        "219",
        "220",
        "221",
        "222",
        "225",
        "226",
        "227",
        "228",
        "229",
        "232",
        "233",
        "234",
        "235",
        "236",
        "237",
        "238",
        "239",
        "251",
        "252",
        "254",
        "255",
        "256",
        "257",
        "258",
        "259",
        "260",
        "261",
        "262",
        "263",
        "269",
        "270",
        "271",
        "272",
        "273",
        "274",
        "275",
        "276",
        "277",
        "290",
        "291",
        "292",
        "293",
        "294",
        "296",
        "297",
        "299",
    ]
)
MOBILE_RE = re.compile(r"^0[35789]\d{8}$")
FIXED_RE = re.compile(r"^02\d{9}$")
_SEPARATORS = re.compile(r"[\s.\-()/]")

PHONE_ERROR = (
    "Số điện thoại chưa đúng. Nhập số di động 10 chữ số (ví dụ: 0912 345 678) hoặc số cố định có mã vùng "
    "(ví dụ: 0209 3871 234); có thể bắt đầu bằng +84."
)


def normalise_phone(raw: str) -> str | None:
    """The canonical form of a Vietnamese mobile or fixed-line number, or None if it is not one."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]  # the international prefix dialled from Vietnam: 0084…
    if not digits.isdigit() or not digits.isascii():
        return None
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if MOBILE_RE.match(digits):
        return digits
    if FIXED_RE.match(digits) and (digits[1:3] in ("24", "28") or digits[1:4] in AREA_CODES):
        return digits
    return None
