"""Tests of the course assignments and their sandboxed grader (``assignments/``)."""

import sys
from pathlib import Path

# the grader is a package of assignments/, which is not installed: put it on the path
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "assignments"))
