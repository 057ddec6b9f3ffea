"""relulib.data: tiny deterministic datasets (shapes, dtypes, balance, seeds, geometry)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
data = pytest.importorskip("relulib.data")

CLASSIFICATION = [data.two_moons, data.xor, data.two_spirals]
ALL = [*CLASSIFICATION, data.sine_regression]
IDS = [f.__name__ for f in ALL]


@pytest.mark.parametrize("make", CLASSIFICATION, ids=IDS[:3])
def test_classification_shapes_and_dtypes(make):
    X, y = make(40, noise=0.1, seed=0)
    assert X.shape == (40, 2) and X.dtype == torch.float32
    assert y.shape == (40,) and y.dtype == torch.int64
    assert set(y.tolist()) == {0, 1}
    assert X.device.type == "cpu" and torch.isfinite(X).all()


def test_regression_shapes_and_dtypes():
    X, y = data.sine_regression(30, noise=0.1, seed=0)
    assert X.shape == y.shape == (30, 1)
    assert X.dtype == y.dtype == torch.float32


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_same_seed_gives_bit_identical_tensors_and_other_seeds_differ(make):
    X1, y1 = make(50, noise=0.1, seed=7)
    X2, y2 = make(50, noise=0.1, seed=7)
    X3, _ = make(50, noise=0.1, seed=8)
    assert torch.equal(X1, X2) and torch.equal(y1, y2)
    assert not torch.equal(X1, X3)


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_the_global_random_state_is_not_touched(make):
    state = torch.get_rng_state()
    make(20, noise=0.1, seed=0)
    assert torch.equal(torch.get_rng_state(), state)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(4, 301), seed=st.integers(0, 2**31 - 1))
def test_classes_are_balanced_for_any_n(n, seed):
    for make in CLASSIFICATION:
        _, y = make(n, noise=0.1, seed=seed)
        counts = torch.bincount(y, minlength=2).tolist()
        assert sum(counts) == n
        assert max(counts) - min(counts) <= 1


def test_xor_blobs_are_balanced_and_labelled_by_their_corner():
    X, y = data.xor(203, noise=0.0, seed=0)
    corners = {(a, b) for a, b in X.tolist()}
    assert corners == {(1.0, 1.0), (-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0)}
    sizes = [int(((X[:, 0] == a) & (X[:, 1] == b)).sum()) for a, b in sorted(corners)]
    assert sorted(sizes) == [50, 51, 51, 51]
    assert torch.equal(y, (X[:, 0] * X[:, 1] < 0).long())


def test_xor_with_little_noise_stays_in_its_quadrant():
    X, y = data.xor(400, noise=0.2, seed=0)  # 5 sigma from the axes
    assert torch.equal(y, (X[:, 0] * X[:, 1] < 0).long())


def test_two_moons_without_noise_lies_on_two_half_circles():
    X, y = data.two_moons(101, noise=0.0, seed=0)
    X = X.double()
    upper, lower = X[y == 0], X[y == 1]
    torch.testing.assert_close(upper.norm(dim=1), torch.ones(len(upper), dtype=torch.float64))
    assert (upper[:, 1] >= 0).all()
    centre = torch.tensor([1.0, 0.5], dtype=torch.float64)
    torch.testing.assert_close(
        (lower - centre).norm(dim=1), torch.ones(len(lower), dtype=torch.float64)
    )
    assert (lower[:, 1] <= 0.5).all()
    # the end points t = 0 and t = pi are included
    assert {(1.0, 0.0), (-1.0, 0.0)} <= {(round(a, 6), round(b, 6)) for a, b in upper.tolist()}


def test_two_spirals_are_point_reflections_of_each_other():
    X, y = data.two_spirals(100, noise=0.0, seed=0)
    a, b = X[y == 0].double(), X[y == 1].double()
    key = lambda t: sorted(map(tuple, t.mul(1e5).round().tolist()))  # noqa: E731
    assert key(a) == key(-b)
    radius = X.double().norm(dim=1)
    assert radius.max().item() == pytest.approx(1.0)
    assert radius.min().item() == pytest.approx(1 / 8, rel=1e-6)


def test_two_spirals_turns_sets_the_winding():
    X, y = data.two_spirals(1000, noise=0.0, seed=0, turns=2.0)
    a = X[y == 0].double()
    angle = torch.atan2(a[:, 1], a[:, 0])
    r = a.norm(dim=1)
    # r = t / t_max with t the unwrapped angle: the wrapped angle matches t mod 2 pi
    t = r * 2 * math.pi * 2.0
    diff = torch.remainder(angle - t + math.pi, 2 * math.pi) - math.pi
    assert diff.abs().max().item() < 1e-5


def test_sine_regression_without_noise_is_the_sine():
    X, y = data.sine_regression(200, noise=0.0, seed=0)
    assert X.min() >= -math.pi and X.max() <= math.pi
    assert X.min() < -3.0 and X.max() > 3.0
    torch.testing.assert_close(y, torch.sin(X.double()).float())


def test_noise_has_the_requested_scale():
    X0, _ = data.xor(4000, noise=0.0, seed=0)
    X1, _ = data.xor(4000, noise=0.3, seed=0)
    assert (X1 - X0).std().item() == pytest.approx(0.3, rel=0.05)
    _, y0 = data.sine_regression(4000, noise=0.0, seed=0)
    _, y1 = data.sine_regression(4000, noise=0.3, seed=0)
    assert (y1 - y0).std().item() == pytest.approx(0.3, rel=0.05)


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_errors_name_the_argument(make):
    name = make.__name__
    with pytest.raises(ValueError, match=f"{name}: n must be a positive integer"):
        make(0)
    with pytest.raises(ValueError, match=f"{name}: n must be a positive integer"):
        make(True)
    with pytest.raises(ValueError, match=f"{name}: noise is a standard deviation"):
        make(10, noise=-0.1)
    with pytest.raises(TypeError, match=f"{name}: noise must be a finite real number"):
        make(10, noise="0.1")
    with pytest.raises(ValueError, match=f"{name}: noise must be a finite real number"):
        make(10, noise=float("nan"))
    with pytest.raises(TypeError, match=f"{name}: seed must be an integer"):
        make(10, seed=1.0)
    for seed in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match=rf"{name}: seed must be in \[-2\*\*63, 2\*\*64\)"):
            make(10, seed=seed)


def test_too_few_samples_and_bad_turns():
    with pytest.raises(ValueError, match="xor: n must be at least 4, got 3"):
        data.xor(3)
    with pytest.raises(ValueError, match="two_moons: n must be at least 2, got 1"):
        data.two_moons(1)
    with pytest.raises(ValueError, match="two_spirals: turns must be > 0"):
        data.two_spirals(10, turns=0)
    assert data.sine_regression(1)[0].shape == (1, 1)


# --- digits: the real dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def digit_split():
    return data.digits(test_fraction=0.25, seed=0)


def test_digits_shapes_dtypes_and_range(digit_split):
    (X_train, y_train), (X_test, y_test) = digit_split
    assert X_train.dtype == X_test.dtype == torch.float32
    assert y_train.dtype == y_test.dtype == torch.int64
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert len(X_train) == len(y_train) and len(X_test) == len(y_test)
    assert len(X_train) + len(X_test) == 1797  # scikit-learn's bundled copy
    for X in (X_train, X_test):
        assert X.min() == 0 and X.max() == 1
        # pixels were integers 0..16: X * 16 is whole
        assert torch.equal(X * 16, (X * 16).round())


def test_digits_are_sklearns_images_divided_by_16(digit_split):
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    bunch = sklearn_datasets.load_digits()
    (X_train, y_train), (X_test, y_test) = digit_split
    X = torch.cat([X_train, X_test]).double() * 16
    y = torch.cat([y_train, y_test])
    # every image appears once, with its label: compare the sorted rows
    ours = sorted(zip(map(tuple, X.tolist()), y.tolist(), strict=True))
    theirs = sorted(zip(map(tuple, bunch.data.tolist()), bunch.target.tolist(), strict=True))
    assert ours == theirs


def test_digits_split_is_stratified_and_disjoint(digit_split):
    (_, y_train), (_, y_test) = digit_split
    counts = torch.bincount(torch.cat([y_train, y_test]), minlength=10)
    test_counts = torch.bincount(y_test, minlength=10)
    expected = [round(0.25 * int(c)) for c in counts]
    assert test_counts.tolist() == expected
    assert len(y_test) == sum(expected)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_digits_any_fraction_keeps_every_digit_on_both_sides(fraction):
    (_, y_train), (_, y_test) = data.digits(test_fraction=fraction, seed=3)
    assert set(y_train.tolist()) == set(y_test.tolist()) == set(range(10))
    assert len(y_test) == pytest.approx(fraction * 1797, abs=10)


def test_digits_seeded_bit_identical_and_other_seeds_differ():
    (a, ya), (b, yb) = data.digits(seed=5)
    (c, yc), (d, yd) = data.digits(seed=5)
    (e, _), _ = data.digits(seed=6)
    assert torch.equal(a, c) and torch.equal(ya, yc) and torch.equal(b, d) and torch.equal(yb, yd)
    assert not torch.equal(a, e)


def test_digits_seed_changes_which_images_are_held_out():
    """Not only the order of the rows: another seed holds out other images of each digit."""

    def held_out(seed):
        _, (X_test, y_test) = data.digits(seed=seed)
        return {(tuple(x), int(y)) for x, y in zip(X_test.tolist(), y_test.tolist(), strict=True)}

    first, second = held_out(0), held_out(1)
    assert len(first) == len(second) == 450
    assert len(first & second) < 0.5 * len(first)  # about a quarter meet by chance


def test_digits_rows_are_shuffled_and_global_state_untouched():
    state = torch.get_rng_state()
    (_, y_train), _ = data.digits(seed=0)
    assert torch.equal(torch.get_rng_state(), state)
    # not sorted by digit: minibatches mix the classes
    assert (y_train[1:] != y_train[:-1]).float().mean() > 0.5


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction must be in (0, 1), got 0.0"),
        ({"test_fraction": 1}, ValueError, "test_fraction must be in (0, 1)"),
        ({"test_fraction": "0.2"}, TypeError, "digits: test_fraction must be a finite real"),
        ({"test_fraction": float("nan")}, ValueError, "test_fraction"),
        ({"test_fraction": 0.001}, ValueError, "leaves digit 0 with 0 of its 178 images"),
        ({"test_fraction": 0.999}, ValueError, "both sets need one"),
        ({"seed": 1.5}, TypeError, "digits: seed must be an integer"),
        ({"seed": True}, TypeError, "seed"),
        ({"seed": 2**64}, ValueError, "digits: seed must be in [-2**63, 2**64), got"),
    ],
)
def test_digits_rejects_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error) as info:
        data.digits(**kwargs)
    assert fragment in str(info.value)
