"""A stand-in for otter-grader inside the grading sandbox.

Student notebooks start with ``grader = otter.Notebook(...)`` and call ``grader.check(...)``
after each question. While a notebook is graded those calls do nothing: the grader runs
every test itself, outside the sandbox. This stub makes them cheap and harmless.
"""


class _Nothing:
    """Any attribute, any call: returns itself and shows as a short note."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __repr__(self):
        return "(otter's checks do not run while the notebook is graded)"


def Notebook(*args, **kwargs):  # otter's name
    return _Nothing()
