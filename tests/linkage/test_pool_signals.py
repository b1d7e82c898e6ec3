"""The engine's worker pool ends even inside a process that handles SIGTERM itself (a task worker's graceful
shutdown): its workers take the default action, so the pool's terminate() is not ignored."""

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import csv, signal, sys
signal.signal(signal.SIGTERM, lambda *_: None)   # what a graceful worker installs, and forked children inherit
from doantu.linkage.engine import MemoryEngine
path = sys.argv[1]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["Mã", "Họ và tên", "Năm sinh", "Quê quán"])
    for i in range(600):
        w.writerow([f"LS{i}", f"Nguyễn Văn Hùng {i}", 1940 + i % 30, "Thái Nguyên"])
eng = MemoryEngine.from_csv(path, workers=2, parts_per_worker=3)
print(len(eng.table.ids))
"""


def test_pool_ends_when_the_parent_handles_sigterm(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "r.csv")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "600"
