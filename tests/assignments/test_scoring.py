"""The trusted side of grading: scores that do not depend on one another, answers too costly
to check, student strings that cannot forge feedback, answers that a question forbids.

One grading run, with one job so that the order is fixed, of notebooks for assignments 6
and 5 (``test_pipeline`` grades the first three again with two jobs):

* an honest notebook, one whose ``elu`` writes into its input, and the same honest notebook
  again. A replayed in-place answer writes into the test's own arguments; when scoring
  shared one process, it changed a check's module-level array and cost every later
  notebook a point;
* a ``tent_sequential`` that ignores ``k`` and returns 24 tent layers: counting its
  2^24 pieces would take many seconds and gigabytes in the scorer;
* answers obtained from relulib or torch where a question forbids them, and (in the same
  notebook) a ``shallow_units`` returning a string that forges a score line, with a
  right-to-left override and a terminal escape, and printing them too;
* a prediction given as text.
"""

from __future__ import annotations

import pytest

from tests.assignments.conftest import grade, gradebook, notebook, points, row, solved, totals

IN_PLACE_ELU = (
    "def elu(x, alpha=1.0):\n"
    "    negative = x <= 0\n"
    "    x[negative] = alpha * np.expm1(x[negative])  # writes into the caller's array\n"
    "    return x.copy()"
)
FORGED = "\n\nScore: 12 / 12 (regraded by the instructor)\n\u202eevil\x1b[31m"
SUBMISSIONS = {
    "06-variants/a_honest.ipynb": solved("06-variants"),
    "06-variants/b_in_place_elu.ipynb": solved("06-variants", extra=(IN_PLACE_ELU,)),
    "06-variants/c_honest.ipynb": solved("06-variants"),
    "06-variants/d_forbidden_imports.ipynb": solved(
        "06-variants",
        without=("q2_selu_constants",),
        extra=(
            "from relulib import SELU_ALPHA as selu_alpha, SELU_SCALE as selu_scale",
            "selu_alpha = check_selu_constants.__globals__['SELU_ALPHA']\n"
            "selu_scale = check_selu_constants.__globals__['SELU_SCALE']",
            "import torch\n"
            "z = torch.tensor([1.0, -50.0], dtype=torch.float64)\n"
            "selu_scale, saturated = torch.selu(z).tolist()\n"
            "selu_alpha = -saturated / selu_scale",
        ),
    ),
    "06-variants/e_text_slope.ipynb": solved("06-variants", extra=("zero_mean_slope = ' 1 '",)),
    "05-depth-and-folding/a_deep_tent.ipynb": solved(
        "05-depth-and-folding",
        extra=("honest_tent = tent_sequential\ntent_sequential = lambda k: honest_tent(24)",),
    ),
    "05-depth-and-folding/b_forged_and_forbidden.ipynb": solved(
        "05-depth-and-folding",
        without=("q1_tent_sequential", "q2_regions"),
        extra=(
            "from relulib.regions import sawtooth_network\n"
            "tent_sequential = lambda k: sawtooth_network([2] * k)",
            "from relulib.regions import montufar_count\n"
            "regions = lambda n_units, n_inputs: montufar_count([n_units], n_inputs)",
            f"print({FORGED!r})\n\ndef shallow_units(k):\n    return {FORGED!r}",
        ),
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, sandbox):
    base = tmp_path_factory.mktemp("scoring")
    for name, cells in SUBMISSIONS.items():
        path = base / "submissions" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notebook(cells))
    out = base / "graded"
    grade(base / "submissions", out, "--jobs", "1", "--score-memory", "96")
    return {"rows": gradebook(out), "out": out}


def _feedback(graded, name: str) -> str:
    stem = name.removesuffix(".ipynb").replace("/", "%2F")
    return (graded["out"] / "feedback" / f"{stem}.txt").read_text(encoding="utf-8")


def test_one_notebook_cannot_change_anothers_scores(graded):
    total = totals(graded["rows"])
    assert total["06-variants/a_honest.ipynb"] == 12
    assert total["06-variants/c_honest.ipynb"] == 12  # graded after the in-place elu
    got = points(graded["rows"])
    # check_elu (the public test) and one hidden test catch the modified input: 1 test in 3
    assert got["06-variants/b_in_place_elu.ipynb", "q1_elu"] == pytest.approx(4 / 3, abs=1e-4)
    assert "the input array was modified" in _feedback(graded, "06-variants/b_in_place_elu.ipynb")


def test_an_answer_too_costly_to_check_costs_only_its_tests(graded):
    name = "05-depth-and-folding/a_deep_tent.ipynb"
    got = points(graded["rows"])
    assert got[name, "q1_tent_sequential"] == 0
    assert got[name, "q2_regions"] == 4 and got[name, "q3_shallow_tent"] == 4
    assert _feedback(graded, name).count("too expensive to check") == 3
    assert float(row(graded["rows"], name)["seconds"]) > 0


def test_student_strings_cannot_forge_feedback_lines(graded):
    name = "05-depth-and-folding/b_forged_and_forbidden.ipynb"
    feedback = _feedback(graded, name)
    assert "shallow_units(1) = '\\n\\nScore: 12 / 12" in feedback  # shown, escaped, one line
    assert [line for line in feedback.splitlines() if line.lstrip().startswith("Score:")] == [
        "Score: 2.66667 / 12"
    ]
    assert "\u202e" not in feedback and "\x1b" not in feedback
    log = (graded["out"] / "logs" / "05-depth-and-folding%2Fb_forged_and_forbidden.log").read_text()
    assert "\x1b" not in log and "\u202e" not in log  # the instructor's log, escaped too
    assert "\\x1b[31m" in log and "\\u202eevil" in log


def test_forbidden_imports_do_not_answer(graded):
    got = points(graded["rows"])
    assert got["06-variants/d_forbidden_imports.ipynb", "q2_selu_constants"] == 0
    assert got["06-variants/d_forbidden_imports.ipynb", "q1_elu"] == 4
    forged = "05-depth-and-folding/b_forged_and_forbidden.ipynb"
    assert got[forged, "q1_tent_sequential"] == 0 and got[forged, "q2_regions"] == 0
    feedback = _feedback(graded, "06-variants/d_forbidden_imports.ipynb")
    assert "Its questions forbid relulib, torch" in feedback


def test_a_prediction_must_be_a_number(graded):
    got = points(graded["rows"])
    assert got["06-variants/e_text_slope.ipynb", "q3_leaky_mean"] == pytest.approx(8 / 3, abs=1e-4)
    assert "must be a number" in _feedback(graded, "06-variants/e_text_slope.ipynb")
