"""The workplace's linkage scorer (``../shared/tools/score_linkage.py``), loaded by path: it is a script, not a
package. The benchmarks score our output with it, never with a copy of their own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_linkage.py"


def load_scorer(path: Path = SCORER):
    spec = importlib.util.spec_from_file_location("score_linkage", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod
