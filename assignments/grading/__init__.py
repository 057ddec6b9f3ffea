"""Sandboxed grading of course assignments: see ``assignments/grade.py`` and the instructor guide.

Modules, in the order a submission meets them: :mod:`grading.submissions` (safe snapshots),
:mod:`grading.masters` (what the author wrote), :mod:`grading.replay` (inputs out of the
tests, answers back into them), :mod:`grading.sandbox` (bubblewrap and limits),
``grading/sandboxed/`` (the only code that runs next to student code),
:mod:`grading.scoring` (points and feedback) and :mod:`grading.batch` (the parallel run).
"""
