"""Licence check of the RUNTIME dependency set (what `uv sync --no-dev` installs), for CI.

Đoàn Tụ is MIT-licensed and is deployed to public bodies: every package it runs with must be under a licence
on the allow-list below, or be a listed exception with its reason. Copyleft (GPL, AGPL, LGPL) and unknown
licences fail. The set is the lock file's own (`uv export --locked --no-dev --no-emit-project`), each package
read from its installed metadata (License-Expression, else License, else the trove classifiers), and the
installed version must be the locked one.

    uv run python tools/licences.py                  # the runtime set (exit 1 on any failure)
    uv run python tools/licences.py --extra s3       # extra `uv export` options, e.g. with the S3 extra
                                                     # (install it first: uv sync --extra s3)
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

# Licences an MIT project may depend on and ship with, unmodified, without changing its own terms (SPDX ids).
ALLOWED = {
    "MIT": "permissive",
    "MIT-0": "MIT without the attribution clause (cffi)",
    "MIT-CMU": "the CMU variant of MIT, Pillow's (also called HPND)",
    "HPND": "Historical Permission Notice and Disclaimer: permissive (older Pillow metadata)",
    "BSD-2-Clause": "permissive",
    "BSD-3-Clause": "permissive",
    "BSD": "a 'BSD License' trove classifier without the variant: every BSD variant is permissive",
    "0BSD": "permissive, no conditions",
    "Apache-2.0": "permissive, with a patent grant",
    "ISC": "permissive",
    "PSF-2.0": "the Python Software Foundation licence (typing-extensions)",
    "Python-2.0": "the Python licence",
    "Zlib": "permissive (parts of numpy)",
    "CC0-1.0": "public-domain dedication (parts of numpy)",
    "Unlicense": "public-domain dedication (django-otp)",
    "MPL-2.0": "file-level copyleft only: fine for a dependency used unmodified (e.g. certifi)",
}

# Packages allowed although their licence is not on the list above: (the licence they declare, the reason).
# If a new release declares another licence, the check fails until someone looks again.
EXCEPTIONS = {
    "psycopg": (
        "LGPL-3.0-only",
        "the PostgreSQL driver, installed as a separate, unmodified library and imported at run time (dynamic "
        "linking); the LGPL allows this from an MIT project; we distribute no modified copy.",
    ),
    "psycopg-binary": ("LGPL-3.0-only", "psycopg's compiled part (with libpq); same reasoning as psycopg."),
}

# What the older metadata fields say, mapped to SPDX ids.
CLASSIFIERS = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "BSD License": "BSD",
    "Apache Software License": "Apache-2.0",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "The Unlicense (Unlicense)": "Unlicense",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "zlib/libpng License": "Zlib",
    "GNU General Public License (GPL)": "GPL",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0",
    "GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0",
    "GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0",
    "GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0",
    "GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "GNU Affero General Public License v3": "AGPL-3.0",
}
LICENSE_TEXT = {
    "MIT": "MIT",
    "MIT License": "MIT",
    "BSD": "BSD",
    "BSD-3-Clause": "BSD-3-Clause",
    "Apache 2.0": "Apache-2.0",
}


def declared_licence(meta) -> str | None:
    """The package's licence as an SPDX expression, or None when it says nothing we can read."""
    if expression := meta.get("License-Expression"):
        return expression.strip()
    # The old free-text field: taken when it is a known name or a single SPDX-like word, not a whole
    # licence text pasted in.
    text = (meta.get("License") or "").strip()
    if text in LICENSE_TEXT:
        return LICENSE_TEXT[text]
    if re.fullmatch(r"\(*[A-Za-z0-9.+\-]+\)*( (AND|OR|WITH) \(*[A-Za-z0-9.+\-]+\)*)*", text):
        return text  # an SPDX expression written in the old field, e.g. tqdm's "MPL-2.0 AND MIT"
    found = []
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License :: "):
            name = classifier.split(" :: ")[-1]
            if name in CLASSIFIERS:
                found.append(CLASSIFIERS[name])
            elif name != "OSI Approved":
                found.append(f"UNKNOWN({name})")
    if found:
        # Several classifiers mean the package may be used under any of them.
        return " OR ".join(dict.fromkeys(found))
    return None


def acceptable(expression: str) -> bool:
    """Whether an SPDX expression is satisfied by the allow-list: OR needs one side, AND needs both; a
    `WITH` exception is judged by its licence."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    position = 0

    def parse_or() -> bool:
        nonlocal position
        ok = parse_and()
        while position < len(tokens) and tokens[position].upper() == "OR":
            position += 1
            ok = parse_and() or ok
        return ok

    def parse_and() -> bool:
        nonlocal position
        ok = parse_atom()
        while position < len(tokens) and tokens[position].upper() == "AND":
            position += 1
            ok = parse_atom() and ok
        return ok

    def parse_atom() -> bool:
        nonlocal position
        if position >= len(tokens):
            raise ValueError(f"incomplete licence expression: {expression!r}")
        token = tokens[position]
        position += 1
        if token == "(":
            ok = parse_or()
            if position >= len(tokens) or tokens[position] != ")":
                raise ValueError(f"unbalanced licence expression: {expression!r}")
            position += 1
        else:
            ok = token.removesuffix("+") in ALLOWED
        if position < len(tokens) and tokens[position].upper() == "WITH":
            position += 2
        return ok

    ok = parse_or()
    if position != len(tokens):
        raise ValueError(f"cannot read licence expression: {expression!r}")
    return ok


def runtime_set(export_args: list[str]) -> list[tuple[str, str, str]]:
    """(name, locked version, environment marker) of every runtime package in the lock file."""
    out = subprocess.run(
        [
            "uv",
            "export",
            "--locked",
            "--no-dev",
            "--no-emit-project",
            "--no-hashes",
            "--format",
            "requirements-txt",
            *export_args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = []
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement, _, marker = line.partition(";")
        name, _, version = requirement.strip().partition("==")
        found.append((re.sub(r"\[.*\]", "", name).strip(), version.strip(), marker.strip()))
    return found


def check(packages: list[tuple[str, str, str]], read=metadata.metadata) -> list[str]:
    """Lines of the report; those starting with 'FAIL' fail the check."""
    from packaging.markers import Marker

    report = []
    for name, version, marker in sorted(packages):
        if marker and not Marker(marker).evaluate():
            report.append(f"skip  {name} {version}: not installed here ({marker})")
            continue
        try:
            meta = read(name)
        except metadata.PackageNotFoundError:
            report.append(f"FAIL  {name} {version}: locked but not installed (run uv sync --locked)")
            continue
        if version and meta["Version"] != version:
            report.append(
                f"FAIL  {name}: {meta['Version']} installed, {version} locked (run uv sync --locked)"
            )
            continue
        licence = declared_licence(meta)
        key = name.lower().replace("_", "-")
        if key in EXCEPTIONS:
            expected, reason = EXCEPTIONS[key]
            if licence == expected:
                report.append(f"ok    {name} {version}: {licence} — exception: {reason}")
            else:
                report.append(
                    f"FAIL  {name} {version}: now {licence}, the exception was for {expected}: review it"
                )
        elif licence is None:
            report.append(f"FAIL  {name} {version}: no licence in its metadata")
        elif not _acceptable(licence):
            report.append(f"FAIL  {name} {version}: {licence} is not on the allow-list")
        else:
            report.append(f"ok    {name} {version}: {licence}")
    return report


def _acceptable(licence: str) -> bool:
    try:
        return acceptable(licence)
    except ValueError:
        return False


def main(argv: list[str]) -> int:
    report = check(runtime_set(argv))
    print("\n".join(report))
    failures = [line for line in report if line.startswith("FAIL")]
    print(f"{len(report)} runtime packages, {len(failures)} refused")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
