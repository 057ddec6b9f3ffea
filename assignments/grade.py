"""Grade a folder of submitted notebooks, each in its own sandbox: ``make grade`` runs this.

Usage::

    python assignments/grade.py SUBMISSIONS [--assignment NAME] [--out DIR] [--jobs N]
        [--timeout SECONDS] [--memory MIB] [--unsafe-no-sandbox] ...

Each notebook runs in a bubblewrap sandbox (no network, no other file of the machine, an
unprivileged user, limits on time, memory, processes, files and output); the tests run
here, outside it, on its answers as data. ``--help`` lists every option; the instructor
guide (``book/instructors.md``) explains the guarantees. Results go to ``OUT`` (default:
``SUBMISSIONS-graded``, beside the submissions): ``gradebook.csv`` (columns ``submission,
assignment, question, points, max_points, message, sha256, status, seconds``; one row per
question and a ``TOTAL`` row per submission), ``feedback/<name>.txt`` for each student and
``logs/<name>.log`` for the instructor.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grading.batch import main

if __name__ == "__main__":
    sys.exit(main())
