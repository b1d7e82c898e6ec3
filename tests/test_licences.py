"""The licence check of the runtime dependency set (tools/licences.py, run by .ci/run)."""

import importlib.util
from email.message import Message
from importlib import metadata
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("licences", Path(__file__).parents[1] / "tools" / "licences.py")
licences = importlib.util.module_from_spec(spec)
spec.loader.exec_module(licences)


def meta(version="1.0", expression=None, text=None, classifiers=()):
    message = Message()
    message["Version"] = version
    if expression:
        message["License-Expression"] = expression
    if text:
        message["License"] = text
    for classifier in classifiers:
        message["Classifier"] = classifier
    return message


def verdict(**kwargs):
    (line,) = licences.check([("pkg", "1.0", "")], read=lambda name: meta(**kwargs))
    return line.split()[0]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"expression": "MIT"}, "ok"),
        ({"expression": "Apache-2.0 OR BSD-3-Clause"}, "ok"),
        ({"expression": "BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0"}, "ok"),
        ({"expression": "MIT OR GPL-3.0-only"}, "ok"),  # we may take it under MIT
        ({"expression": "(MIT AND GPL-2.0-or-later)"}, "FAIL"),  # part of it is GPL
        ({"expression": "GPL-2.0-or-later"}, "FAIL"),
        ({"expression": "AGPL-3.0-only"}, "FAIL"),
        ({"expression": "LGPL-3.0-only"}, "FAIL"),  # not excepted for this package
        ({"expression": "MIT AND"}, "FAIL"),  # unreadable
        ({"text": "MIT"}, "ok"),
        ({"text": "MPL-2.0 AND MIT"}, "ok"),  # an expression in the old field (tqdm)
        ({"text": "GPL-2.0+ AND MIT"}, "FAIL"),
        ({"text": "GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991 ..."}, "FAIL"),  # a pasted text: unknown
        ({"classifiers": ["License :: OSI Approved :: BSD License"]}, "ok"),
        (
            {"classifiers": ["License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)"]},
            "FAIL",
        ),
        ({"classifiers": ["License :: Other/Proprietary License"]}, "FAIL"),
        ({}, "FAIL"),  # says nothing
    ],
)
def test_licences_are_judged_by_the_allow_list(kwargs, expected):
    assert verdict(**kwargs) == expected


def test_an_exception_holds_only_for_the_licence_it_was_granted_for():
    (ok,) = licences.check([("psycopg", "1.0", "")], read=lambda name: meta(expression="LGPL-3.0-only"))
    (changed,) = licences.check([("psycopg", "1.0", "")], read=lambda name: meta(expression="AGPL-3.0-only"))
    assert ok.startswith("ok") and "exception" in ok
    assert changed.startswith("FAIL") and "review" in changed


def test_the_installed_version_must_be_the_locked_one_and_other_platforms_are_skipped():
    (line,) = licences.check([("pkg", "2.0", "")], read=lambda name: meta(version="1.0", expression="MIT"))
    assert line.startswith("FAIL") and "locked" in line
    (line,) = licences.check([("tzdata", "1", "sys_platform == 'nonexistent'")], read=None)
    assert line.startswith("skip")


def test_unidecode_which_vietnamadminunits_pulls_in_is_refused():
    """The package that moved vietnamadminunits out of the runtime set (it is installed here for the build)."""
    (line,) = licences.check([("unidecode", metadata.version("unidecode"), "")])
    assert line.startswith("FAIL") and "GPL" in line
