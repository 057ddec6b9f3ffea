"""Assignment 7's hidden tests catch the wrong answers its public tests let through.

Each case puts one plausible wrong answer into the master's solution, one that passes the
question's public test, and expects the planner (which runs every test on the solution,
without a sandbox) to report the hidden test that fails.
"""

import json

import pytest
from grading.masters import read_masters
from grading.replay import PlanError, plan

from tests.assignments.conftest import ASSIGNMENTS

NAME = "07-relu-today"

WRONG = [  # (right line of the solution, wrong line, the test that must fail)
    (
        "x = np.asarray(x, dtype=np.float64)",
        "x = np.nan_to_num(np.asarray(x, dtype=np.float64))",
        "test 2 of q1_gelu_grad",  # NaN must stay NaN
    ),
    (
        "gelu_x_star = (lo + hi) / 2",
        "gelu_x_star = round((lo + hi) / 2, 4)",
        "test 3 of q1_gelu_grad",  # the chapter's grid step is not 1e-8
    ),
    (
        "return x / (1 + np.exp(-x))",
        "return x * np.exp(x) / (1 + np.exp(x))",
        "test 2 of q2_silu_gelu_tanh",  # inf / inf = NaN far out
    ),
    (
        "return (gate / (1 + np.exp(-gate)) * (x @ V)) @ W2",
        "return np.squeeze((gate / (1 + np.exp(-gate)) * (x @ V)) @ W2)",
        "test 2 of q3_swiglu",  # one row in, one row out
    ),
    (
        "return 3 * d_model * d_ff",
        "return 2 * d_model * d_ff + d_ff",
        "test 3 of q3_swiglu",  # right for d_model = d_ff = 1 only
    ),
    (
        "return 2 * d_plain // 3",
        "return round(2 * d_plain / 3)",
        "test 4 of q3_swiglu",  # rounding up makes the gated block larger
    ),
    (
        "return np.maximum(x, 0) ** 2",
        "return np.maximum(np.asarray(x, dtype=np.float64), 0) ** 2",
        "test 2 of q4_squared_relu_zeros",  # float16 in, float16 out
    ),
    (
        "same_zeros_as_relu = False",
        "same_zeros_as_relu = True",
        "test 3 of q4_squared_relu_zeros",
    ),
    (
        "float16_extra_zeros = int(underflow.sum())",
        "float16_extra_zeros = int(underflow.sum()) - 1",
        "test 4 of q4_squared_relu_zeros",
    ),
]


def test_07_the_solution_passes_every_test():
    plan(read_masters(ASSIGNMENTS)[NAME])


@pytest.mark.parametrize(("right", "wrong", "failing"), WRONG, ids=[w[2] for w in WRONG])
def test_07_a_wrong_answer_fails_a_hidden_test(tmp_path, right, wrong, failing):
    master = json.loads((ASSIGNMENTS / f"{NAME}.ipynb").read_text())
    changed = 0
    for cell in master["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and right in source:
            cell["source"] = source.replace(right, wrong)
            changed += 1
    assert changed == 1, f"the master has no single solution line {right!r}"
    (tmp_path / f"{NAME}.ipynb").write_text(json.dumps(master))
    with pytest.raises(PlanError, match=f"the solution fails {failing}:"):
        plan(read_masters(tmp_path)[NAME])
