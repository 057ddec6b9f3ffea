"""The arc-cosine kernels (relulib.kernels): closed forms, the laws a kernel obeys, and the
random-feature estimate that converges to them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from relulib.kernels import arccos_kernel, empirical_relu_kernel

coordinate = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)


def vectors(d=3):
    return arrays(np.float64, d, elements=coordinate).filter(lambda v: np.linalg.norm(v) > 1e-3)


def point_sets(d=3):
    return st.integers(1, 6).flatmap(
        lambda n: arrays(np.float64, (n, d), elements=coordinate).filter(
            lambda a: np.all(np.linalg.norm(a, axis=1) > 1e-3)
        )
    )


@given(vectors(), vectors(), st.sampled_from([0, 1, 2]))
def test_the_kernel_is_symmetric(x, y, degree):
    assert arccos_kernel(x, y, degree) == pytest.approx(arccos_kernel(y, x, degree), rel=1e-12)


@given(point_sets(), st.sampled_from([0, 1, 2]))
def test_every_gram_matrix_is_positive_semidefinite(points, degree):
    gram = arccos_kernel(points, degree=degree)
    np.testing.assert_allclose(gram, gram.T, rtol=1e-12, atol=0)
    scale = max(1.0, np.abs(gram).max())
    assert np.linalg.eigvalsh(gram).min() >= -1e-9 * scale


@given(vectors())
def test_equal_inputs_give_the_closed_forms(x):
    """theta = 0, so J_0 = pi, J_1 = pi, J_2 = 3 pi: k_0 = 1, k_1 = |x|^2, k_2 = 3 |x|^4."""
    norm = np.linalg.norm(x)
    assert arccos_kernel(x, x, 0) == pytest.approx(1.0, rel=1e-12)
    assert arccos_kernel(x, x, 1) == pytest.approx(norm**2, rel=1e-12)
    assert arccos_kernel(x, x, 2) == pytest.approx(3 * norm**4, rel=1e-12)


@given(vectors(), vectors(), st.floats(0.01, 100), st.sampled_from([0, 1, 2]))
def test_degree_n_is_positively_homogeneous_of_degree_n(x, y, c, degree):
    expected = c**degree * arccos_kernel(x, y, degree)
    assert arccos_kernel(c * x, y, degree) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_orthogonal_and_opposite_inputs():
    x, y = np.array([2.0, 0.0]), np.array([0.0, 5.0])
    assert arccos_kernel(x, y) == pytest.approx(2.0 * 5.0 / np.pi)  # J_1(pi/2) = 1
    assert arccos_kernel(x, y, 0) == pytest.approx(0.5)  # 1 - theta/pi
    assert arccos_kernel(x, -x) == pytest.approx(0.0, abs=1e-15)
    assert arccos_kernel(x, -x, 0) == pytest.approx(0.0, abs=1e-15)


def test_a_zero_input_has_kernel_zero_for_relu_units():
    assert arccos_kernel(np.zeros(3), np.ones(3)) == 0.0
    assert arccos_kernel(np.zeros(3), np.ones(3), 2) == 0.0


@pytest.mark.parametrize("degree", [0, 1, 2])
def test_the_closed_form_is_twice_a_gaussian_expectation(degree):
    """k_n(x, y) = 2 E[step(w.x) step(w.y) (w.x)^n (w.y)^n], checked by Monte Carlo."""
    rng = np.random.default_rng(0)
    points = rng.normal(size=(4, 3))
    w = rng.normal(size=(400_000, 3))
    proj = points @ w.T
    features = (proj > 0) * proj**degree
    samples = 2 * features[:, None, :] * features[None, :, :]
    estimate, error = samples.mean(-1), samples.std(-1) / np.sqrt(w.shape[0])
    assert np.all(np.abs(estimate - arccos_kernel(points, degree=degree)) < 5 * error + 1e-12)


def test_the_empirical_kernel_converges_like_one_over_root_width():
    points = np.random.default_rng(1).normal(size=(5, 3))
    exact = arccos_kernel(points)

    def rms_error(width):
        errors = [empirical_relu_kernel(points, width=width, seed=s) - exact for s in range(20)]
        return np.sqrt(np.mean(np.square(errors)))

    ratio = rms_error(100) / rms_error(10_000)
    assert ratio == pytest.approx(10, rel=0.35)  # sqrt(10_000 / 100)


def test_the_empirical_kernel_is_a_gram_matrix_of_relu_features():
    x, y = np.array([[1.0, -2.0], [0.5, 0.5]]), np.array([[3.0, 1.0]])
    width, seed = 7, 3
    w = np.random.default_rng(seed).standard_normal((width, 2))
    expected = 2 / width * np.maximum(x @ w.T, 0) @ np.maximum(y @ w.T, 0).T
    np.testing.assert_allclose(empirical_relu_kernel(x, y, width=width, seed=seed), expected)


def test_a_wider_layer_keeps_the_units_of_a_narrower_one():
    """Widths beyond one block of draws use the same weights as one big draw."""
    x = np.array([[1.0, 0.0, -1.0]])
    width = (1 << 14) + 5
    w = np.random.default_rng(0).standard_normal((width, 3))
    expected = 2 / width * np.sum(np.maximum(x @ w.T, 0) ** 2)
    assert empirical_relu_kernel(x, width=width, seed=0)[0, 0] == pytest.approx(expected)


def test_shapes_and_input_left_unchanged():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    original = x.copy()
    assert arccos_kernel(x).shape == (3, 3)
    assert arccos_kernel(x, x[:1]).shape == (3, 1)
    assert isinstance(arccos_kernel(x[0], x[1]), float | np.floating)
    assert empirical_relu_kernel(x, width=4).shape == (3, 3)
    np.testing.assert_array_equal(x, original)


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: arccos_kernel(np.ones(2), degree=3), ValueError, "degree must be 0, 1 or 2"),
        (lambda: arccos_kernel(np.ones(2), degree=True), ValueError, "degree must be"),
        (lambda: arccos_kernel(np.ones(2), np.ones(3)), ValueError, "same dimension"),
        (lambda: arccos_kernel(np.array([np.nan, 1.0])), ValueError, "finite"),
        (lambda: arccos_kernel(np.zeros(2), np.ones(2), 0), ValueError, "zero vector"),
        (lambda: arccos_kernel(np.ones((2, 2, 2))), ValueError, "vector of shape"),
        (lambda: arccos_kernel(["a", "b"]), TypeError, "real numbers"),
        (lambda: empirical_relu_kernel(np.ones(2), width=0), ValueError, "width"),
        (lambda: empirical_relu_kernel(np.ones(2), width=3, seed=-1), TypeError, "seed"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()
