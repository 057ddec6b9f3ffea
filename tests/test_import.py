"""`import relulib` stays light: numpy only, no torch."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["relulib", "relulib.checks", "relulib.plotting", "relulib.widgets"]
)
def test_module_does_not_import_torch(module):
    code = f"import sys, {module}; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0, f"{module} imported torch"
