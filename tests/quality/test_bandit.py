"""bandit finds nothing of medium severity or above in the application code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_reports_nothing_of_medium_severity_or_above():
    run = subprocess.run([sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", "finder", "-ll", "-f", "json",
                          "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really scanned the code
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}: {r['issue_text']}"
                for r in report["results"]]
    assert findings == []
    assert report["errors"] == []
