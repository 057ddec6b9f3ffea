"""Exact linear pieces and activation regions: published counts, arrangements, sampling, laws."""

import copy
import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from relulib.fitting import fit_hinges, grid_kinks
from relulib.regions import (
    activation_patterns,
    activation_regions,
    count_activation_regions,
    count_patterns_on_grid,
    count_pieces,
    hinge_network,
    l1_distance,
    linear_pieces,
    max_error_to_square,
    montufar_count,
    montufar_network,
    sawtooth_network,
    tent_network,
    yarotsky_square,
)

BOX = (-1.0, 1.0, -1.0, 1.0)
ACTIVATIONS = {"relu": nn.ReLU, "leaky": lambda: nn.LeakyReLU(0.1)}


def random_net(seed, d_in, widths, activation="relu", d_out=1):
    """A float32 MLP with N(0, 1/fan_in) weights from numpy's generator (no global RNG)."""
    rng = np.random.default_rng(seed)
    layers, fan_in = [], d_in
    for width in [*widths, d_out]:
        layer = nn.Linear(fan_in, width)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(rng.normal(0, fan_in**-0.5, (width, fan_in))))
            layer.bias.copy_(torch.from_numpy(rng.normal(0, 0.5, width)))
        layers += [layer, ACTIVATIONS[activation]()]
        fan_in = width
    return nn.Sequential(*layers[:-1])


def lines_net(weight, bias):
    """One hidden ReLU layer whose units are the lines ``weight @ x + bias = 0``."""
    weight = torch.as_tensor(weight, dtype=torch.float64)
    net = nn.Sequential(nn.Linear(weight.shape[1], weight.shape[0], dtype=torch.float64), nn.ReLU())
    with torch.no_grad():
        net[0].weight.copy_(weight)
        net[0].bias.copy_(torch.as_tensor(bias, dtype=torch.float64))
    return net


nets = st.builds(
    random_net,
    seed=st.integers(0, 2**32 - 1),
    d_in=st.sampled_from([1, 2]),
    widths=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
)
nets_1d = st.builds(
    random_net,
    seed=st.integers(0, 2**32 - 1),
    d_in=st.just(1),
    widths=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    d_out=st.integers(1, 2),
)


def forward64(net, x):
    """The net's output in float64 on a copy (``Module.double`` works in place)."""
    with torch.no_grad():
        return copy.deepcopy(net).double()(torch.as_tensor(x, dtype=torch.float64)).numpy()


def bounds_for(net):
    return BOX if net[0].in_features == 2 else BOX[:2]


# ------------------------------------------------------------------ Telgarsky 2016


def tent_by_hand(k):
    """t(x) = 2 ReLU(x) - 4 ReLU(x - 1/2), composed k times: float32, 2 units per layer."""
    layers, fan_in, read = [], 1, torch.ones(1, 1)
    for _ in range(k):
        layer = nn.Linear(fan_in, 2)
        with torch.no_grad():
            layer.weight.copy_(torch.ones(2, 1) @ read)
            layer.bias.copy_(torch.tensor([0.0, -0.5]))
        layers += [layer, nn.ReLU()]
        fan_in, read = 2, torch.tensor([[2.0, -4.0]])
    out = nn.Linear(2, 1)
    with torch.no_grad():
        out.weight.copy_(read)
        out.bias.zero_()
    return nn.Sequential(*layers, out)


@pytest.mark.parametrize("k", range(1, 9))
def test_tent_map_composed_k_times_has_2_to_the_k_pieces(k):
    net = tent_by_hand(k)
    assert count_pieces(net, 0.0, 1.0) == 2**k
    assert count_activation_regions(net, (0.0, 1.0)) == 2**k
    assert count_pieces(tent_network(k), 0, 1) == 2**k
    x = torch.linspace(0, 1, 257, dtype=torch.float64)[:, None]
    assert np.array_equal(forward64(tent_network(k), x), forward64(net, x))


def test_tent_map_pieces_alternate_between_rising_and_falling():
    pieces = linear_pieces(tent_network(3), 0.0, 1.0)
    assert [p.a for p in pieces] == [i / 8 for i in range(8)]
    assert [p.slope for p in pieces] == [8.0, -8.0] * 4


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12))
def test_one_hidden_layer_of_n_units_has_at_most_n_plus_1_pieces(seed, n):
    assert count_pieces(random_net(seed, 1, [n]), -3.0, 3.0) <= n + 1


# ------------------------------------------------------------ Montúfar et al. 2014


@pytest.mark.parametrize(
    "widths", [[1], [5], [2, 2], [3, 3, 2], [4, 3], [2, 2, 2, 3], [1, 1, 3], [3, 2, 1]]
)
def test_montufar_folding_in_1d_reaches_the_formula(widths):
    net = montufar_network(widths)
    expected = math.prod(widths[:-1]) * (widths[-1] + 1)
    assert montufar_count(widths) == expected
    assert count_activation_regions(net, (0, 1)) == expected
    if widths[-1] >= 2 or len(widths) == 1:
        assert count_pieces(net, 0, 1) == expected
    else:  # a lone last unit is flat near y = 1, so the pieces either side of a fold merge
        assert count_pieces(net, 0, 1) < expected


@pytest.mark.parametrize("widths", [[3], [2, 3], [4, 4, 3], [5, 5, 4], [6, 3], [4, 2, 2]])
def test_montufar_folding_in_2d_reaches_the_formula(widths):
    p = [n // 2 for n in widths[:-1]]
    n = widths[-1]
    expected = math.prod(q * q for q in p) * (1 + n + math.comb(n, 2))
    assert montufar_count(widths, n0=2) == expected
    assert count_activation_regions(montufar_network(widths, n0=2), (0, 1, 0, 1)) == expected


def test_sawtooth_has_the_product_of_widths_pieces():
    assert count_pieces(sawtooth_network([3, 4, 2]), 0, 1) == 24


# ------------------------------------------------------------ arrangements of lines


def test_three_lines_in_general_position_make_seven_regions():
    net = lines_net([[1, 0], [0, 1], [1, 1]], [0.0, 0.0, -0.5])
    assert count_activation_regions(net, BOX) == 7
    assert len(activation_regions(net, BOX)) == 7


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_parallel_lines_make_n_plus_1_regions(n):
    net = lines_net(np.tile([[1.0, 2.0]], (n, 1)), np.linspace(-1.5, 1.5, n))
    assert count_activation_regions(net, BOX) == n + 1


@pytest.mark.parametrize(
    ("weight", "bias", "expected"),
    [
        ([[1, 0], [0, 1], [1, 1]], [0, 0, 0], 6),  # three lines through one point
        ([[1, 1]], [-2.0], 1),  # touches the corner (1, 1) only
        ([[1, 0]], [5.0], 1),  # misses the box
        ([[1, 0], [1, 0]], [0.0, 0.0], 2),  # the same line twice
        ([[1, 0], [-2, 0]], [0.5, -1.0], 2),  # the same line, scaled and flipped
        ([[0, 0]], [0.0], 1),  # a dead unit with zero weights
        ([[1, 0]], [1.0], 1),  # runs along the box's edge x = -1
    ],
)
def test_degenerate_arrangements(weight, bias, expected):
    net = lines_net(weight, bias)
    assert count_activation_regions(net, BOX) == expected
    assert len(activation_regions(net, BOX)) == expected


@pytest.mark.parametrize(("delta", "expected"), [(1e-6, 1), (1e-4, 2)])
def test_a_corner_sliver_below_the_area_tolerance_is_not_split_off(delta, expected):
    # x + y = 2 - delta cuts a triangle of area delta**2 / 2 off the corner (1, 1); the
    # tolerance is AREA_RTOL * 4 = 4e-12, so 5e-13 is not split off and 5e-9 is
    net = lines_net([[1.0, 1.0]], [-(2 - delta)])
    regions = activation_regions(net, BOX)
    assert len(regions) == count_activation_regions(net, BOX) == expected
    assert regions[-1].pattern == (False,)
    check_tiling(net, BOX, regions)


def test_breakpoints_closer_than_the_tolerance_merge_in_1d():
    net = lines_net([[1.0], [1.0]], [0.0, 1e-12])
    assert count_activation_regions(net, (-1, 1)) == 2
    net = lines_net([[1.0], [1.0]], [0.0, 1e-6])
    assert count_activation_regions(net, (-1, 1)) == 3


def box_crossings(weight, bias):
    """Lines that cross the box and their pairwise intersections strictly inside it."""
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]])
    values = corners @ weight.T + bias
    crossing = (values.min(axis=0) < 0) & (values.max(axis=0) > 0)
    inside = 0
    for i in range(len(weight)):
        for j in range(i):
            point = np.linalg.solve(weight[[i, j]], -bias[[i, j]])
            inside += bool(np.all(np.abs(point) < 1))
    return int(crossing.sum()), inside


@settings(max_examples=40)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8))
def test_random_lines_make_1_plus_lines_plus_crossings_regions(seed, n):
    rng = np.random.default_rng(seed)
    weight, bias = rng.normal(size=(n, 2)), rng.normal(scale=0.8, size=n)
    lines, crossings = box_crossings(weight, bias)
    assert count_activation_regions(lines_net(weight, bias), BOX) == 1 + lines + crossings


# -------------------------------------------------------------- regions are right


def check_tiling(net, bounds, regions):
    """Regions tile the box, are convex and counter-clockwise, and hold the right maps."""
    assert (
        len({r.pattern for r in regions}) == len(regions) == count_activation_regions(net, bounds)
    )
    if len(bounds) == 2:
        ends = np.array([r.vertices[:, 0] for r in regions])
        assert ends[0, 0] == bounds[0] and ends[-1, 1] == bounds[1]
        assert np.array_equal(ends[1:, 0], ends[:-1, 1]) and np.all(ends[:, 1] > ends[:, 0])
        return
    total = 0.0
    for r in regions:
        v = r.vertices
        edges = np.roll(v, -1, axis=0) - v
        turns = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(edges[:, 0], -1)
        assert len(v) >= 3 and np.all(turns > -1e-12)
        total += 0.5 * np.sum(v[:, 0] * np.roll(v[:, 1], -1) - np.roll(v[:, 0], -1) * v[:, 1])
    assert total == pytest.approx((bounds[1] - bounds[0]) * (bounds[3] - bounds[2]), rel=1e-9)


def check_points(net, bounds, regions, n_points=200):
    """Random points have a region's pattern, lie in it, and the region's map is the net."""
    rng = np.random.default_rng(0)
    lo, hi = np.array(bounds[::2]), np.array(bounds[1::2])
    x = lo + (hi - lo) * rng.random((n_points, len(lo)))
    index = {r.pattern: i for i, r in enumerate(regions)}
    owner = np.array([index[tuple(p)] for p in activation_patterns(net, x).tolist()])
    y = forward64(net, x)
    weight = np.stack([regions[i].weight for i in owner])
    bias = np.stack([regions[i].bias for i in owner])
    np.testing.assert_allclose(np.einsum("pod,pd->po", weight, x) + bias, y, atol=1e-9)
    for i in np.unique(owner):
        v, p = regions[i].vertices, x[owner == i]
        if len(lo) == 1:
            assert np.all((v[0, 0] <= p) & (p <= v[1, 0]))
            continue
        edges = np.roll(v, -1, axis=0) - v
        rel = p[:, None, :] - v[None]
        cross = edges[None, :, 0] * rel[..., 1] - edges[None, :, 1] * rel[..., 0]
        assert np.all(cross > -1e-9)


@settings(max_examples=25)
@given(net=nets)
def test_regions_tile_the_box_and_hold_the_networks_affine_maps(net):
    bounds = bounds_for(net)
    regions = activation_regions(net, bounds)
    check_tiling(net, bounds, regions)
    check_points(net, bounds, regions)


def test_a_wider_net_in_2d_tiles_the_box():
    net = random_net(7, 2, [16, 16, 8])
    regions = activation_regions(net, BOX)
    check_tiling(net, BOX, regions)
    check_points(net, BOX, regions, n_points=2000)


# -------------------------------------------------------------- dense-grid sampling


@settings(max_examples=20)
@given(net=nets)
def test_a_grid_sees_at_most_the_exact_regions_and_only_real_patterns(net):
    bounds = bounds_for(net)
    exact = {r.pattern for r in activation_regions(net, bounds)}
    res = 60 if len(bounds) == 4 else 2000
    lo, hi = np.array(bounds[::2]), np.array(bounds[1::2])
    axes = [a + (np.arange(res) + 0.5) * (b - a) / res for a, b in zip(lo, hi, strict=True)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(lo))
    seen = {tuple(p) for p in activation_patterns(net, grid).tolist()}
    assert seen <= exact
    assert count_patterns_on_grid(net, bounds, res) == len(seen) <= len(exact)


@pytest.mark.parametrize(
    ("net", "bounds", "res"),
    [
        (lines_net([[1, 0], [0, 1], [1, 1]], [0.0, 0.0, -0.5]), BOX, 100),
        (montufar_network([4, 3], n0=2), (0, 1, 0, 1), 200),
        (tent_network(5), (0, 1), 1000),
        (montufar_network([3, 3, 2]), (0, 1), 1000),
    ],
)
def test_a_fine_grid_finds_every_region_when_regions_are_large(net, bounds, res):
    assert count_patterns_on_grid(net, bounds, res) == count_activation_regions(net, bounds)


# ------------------------------------------------------------------------ laws


@settings(max_examples=30)
@given(net=nets_1d)
def test_pieces_are_at_most_activation_regions_and_match_the_net(net):
    pieces = linear_pieces(net, -2.0, 2.0)
    assert len(pieces) == count_pieces(net, -2.0, 2.0) <= count_activation_regions(net, (-2, 2))
    assert pieces[0].a == -2.0 and pieces[-1].b == 2.0
    assert all(p.b == q.a for p, q in itertools.pairwise(pieces))
    x = np.concatenate([np.linspace(p.a, p.b, 5) for p in pieces])
    slope = np.concatenate([np.tile(np.atleast_1d(p.slope), (5, 1)) for p in pieces])
    icpt = np.concatenate([np.tile(np.atleast_1d(p.intercept), (5, 1)) for p in pieces])
    y = forward64(net, x[:, None])
    np.testing.assert_allclose(slope * x[:, None] + icpt, y, atol=1e-9)
    steps = np.abs(np.diff([np.atleast_1d(p.slope) for p in pieces], axis=0)).max(axis=1)
    assert np.all(steps > 0)


@settings(max_examples=25)
@given(net=nets, where=st.integers(0, 10), scale=st.sampled_from([-3.0, 0.5, 1e3]))
def test_identity_nesting_and_output_scale_change_no_count(net, where, scale):
    bounds = bounds_for(net)
    layers = list(net)
    where = where % (len(layers) + 1)
    padded = nn.Sequential(*layers[:where], nn.Identity(), nn.Sequential(*layers[where:]))
    count = count_activation_regions(net, bounds)
    assert count_activation_regions(padded, bounds) == count
    if len(bounds) == 2:
        scaled = nn.Sequential(*layers[:-1], nn.Linear(layers[-1].in_features, 1))
        with torch.no_grad():
            scaled[-1].weight.copy_(scale * layers[-1].weight)
            scaled[-1].bias.copy_(scale * layers[-1].bias)
        assert count_pieces(scaled, *bounds) == count_pieces(padded, *bounds)


@settings(max_examples=15)
@given(net=nets)
def test_the_model_is_left_untouched(net):
    net[0].weight.grad = None
    before = {k: v.clone() for k, v in net.state_dict().items()}
    bounds = bounds_for(net)
    count_activation_regions(net, bounds)
    activation_regions(net, bounds)
    count_patterns_on_grid(net, bounds, 20)
    if len(bounds) == 2:
        count_pieces(net, *bounds)
        linear_pieces(net, *bounds)
    after = net.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) and after[k].dtype == torch.float32 for k in after)
    assert all(p.requires_grad and p.grad is None for p in net.parameters())
    assert torch.is_grad_enabled()


def test_returned_arrays_are_copies():
    net = lines_net([[1.0, 0.0]], [0.0])
    region = activation_regions(net, BOX)[0]
    region.weight[...] = 7.0
    region.vertices[...] = 7.0
    assert torch.equal(net[0].weight, torch.tensor([[1.0, 0.0]], dtype=torch.float64))
    assert count_activation_regions(net, BOX) == 2


def test_leaky_relu_with_slope_1_changes_patterns_but_not_pieces():
    net = random_net(3, 1, [6, 6])
    leaky = nn.Sequential(*(nn.LeakyReLU(1.0) if isinstance(m, nn.ReLU) else m for m in net))
    assert count_pieces(leaky, -3, 3) == 1
    w1, b1 = net[0].weight.double(), net[0].bias.double()  # every pre-activation is affine
    w2, b2 = net[2].weight.double() @ w1, net[2].weight.double() @ b1 + net[2].bias.double()
    zeros = -torch.cat([b1, b2]) / torch.cat([w1, w2]).ravel()
    inside = zeros[(zeros > -3) & (zeros < 3)].detach().numpy()
    assert count_activation_regions(leaky, (-3, 3)) == 1 + len(np.unique(inside)) > 1


def test_prelu_counts_like_the_equal_leaky_relu():
    net = random_net(5, 2, [5, 4], activation="leaky")
    prelu = nn.Sequential(net[0], nn.PReLU(5, init=0.1), net[2], nn.PReLU(1, init=0.1), net[4])
    assert count_activation_regions(prelu, BOX) == count_activation_regions(net, BOX)


@pytest.mark.parametrize(
    ("net", "pieces", "regions_2d"),
    [
        (nn.Sequential(), 1, 1),
        (nn.Sequential(nn.Identity()), 1, 1),
        (nn.Sequential(nn.ReLU()), 2, 4),  # ReLU of the input itself: the axes split the box
        (nn.Sequential(nn.Linear(1, 3, bias=False), nn.ReLU()), None, None),
    ],
)
def test_edge_models(net, pieces, regions_2d):
    if pieces is None:  # bias-free lines through the origin: one breakpoint at 0
        with torch.no_grad():
            net[0].weight.copy_(torch.tensor([[1.0], [-2.0], [3.0]]))
        assert count_pieces(net, -1, 1) == 2
        assert count_activation_regions(net, (-1, 1)) == 2
        return
    assert count_pieces(net, -1, 1) == pieces
    assert count_activation_regions(net, BOX) == regions_2d


def test_regions_and_pieces_agree_with_their_counts_in_1d():
    net = montufar_network([3, 2])
    regions = activation_regions(net, (0, 1))
    assert [r.vertices.shape for r in regions] == [(2, 1)] * 9
    assert [r.vertices[0, 0] for r in regions] == pytest.approx(
        [p.a for p in linear_pieces(net, 0, 1)]
    )


# ------------------------------------------------------------------ bad inputs

NET1, NET2 = random_net(0, 1, [3]), random_net(0, 2, [3])
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: count_pieces(nn.Linear(1, 1), 0, 1), TypeError, "model must be a torch.nn.Seq"),
        (
            lambda: count_pieces(nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Tanh()), 0, 1),
            TypeError,
            "count_pieces: unsupported layer Tanh at index 2; expected nn.Linear, nn.ReLU",
        ),
        (
            lambda: count_activation_regions(
                nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Dropout())), BOX
            ),
            TypeError,
            "unsupported layer Dropout at index 1.1",
        ),
        (
            lambda: count_pieces(NET2, 0, 1),
            ValueError,
            "lo, hi describe a 1-D input, but layer 0 (Linear) has in_features=2",
        ),
        (
            lambda: count_activation_regions(NET2, (0, 1)),
            ValueError,
            "bounds describe a 1-D input, but layer 0 (Linear) has in_features=2",
        ),
        (
            lambda: count_activation_regions(NET1, BOX),
            ValueError,
            "bounds describe a 2-D input, but layer 0 (Linear) has in_features=1",
        ),
        (
            lambda: count_activation_regions(random_net(0, 3, [2]), BOX),
            ValueError,
            "has in_features=3 (only 1-D and 2-D inputs are supported)",
        ),
        (
            lambda: count_pieces(nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(4, 1)), 0, 1),
            ValueError,
            "the layers before it give 3 features, but layer 2 (Linear) has in_features=4",
        ),
        (
            lambda: count_pieces(nn.Sequential(nn.Linear(1, 2), nn.PReLU(3)), 0, 1),
            ValueError,
            "num_parameters=3",
        ),
        (lambda: count_pieces(NET1, 1, 0), ValueError, "need lo < hi, got 1.0 and 0.0"),
        (lambda: count_pieces(NET1, 1, 1), ValueError, "need lo < hi"),
        (lambda: count_pieces(NET1, NAN, 1), ValueError, "lo must be a finite real number"),
        (lambda: count_pieces(NET1, 0, INF), ValueError, "hi must be a finite real number"),
        (lambda: count_pieces(NET1, "0", 1), TypeError, "lo must be a finite real number"),
        (lambda: linear_pieces(NET1, 0, None), TypeError, "linear_pieces: hi must be"),
        (lambda: count_activation_regions(NET1, None), TypeError, "bounds must be (lo, hi)"),
        (lambda: count_activation_regions(NET1, "01"), TypeError, "bounds must be (lo, hi)"),
        (lambda: count_activation_regions(NET1, (0, 1, 2)), ValueError, "got 3 numbers"),
        (lambda: count_activation_regions(NET2, (0, 1, 1, 0)), ValueError, "bounds[2] < bounds[3]"),
        (
            lambda: activation_regions(NET2, (0, 1, NAN, 1)),
            ValueError,
            "bounds[2] must be a finite real number",
        ),
        (lambda: count_patterns_on_grid(NET1, (0, 1), 0), ValueError, "resolution must be a pos"),
        (lambda: activation_patterns(NET2, np.zeros((2, 2, 2))), ValueError, "shape (N, in_feat"),
        (lambda: activation_patterns(NET2, np.zeros((4, 3))), ValueError, "x has a 3-D input"),
        (lambda: montufar_network([2, 2], n0=3), ValueError, "n0 must be 1 or 2"),
        (lambda: montufar_network([], n0=1), ValueError, "widths must hold at least one"),
        (lambda: montufar_network([1, 3], n0=2), ValueError, "widths[0] = 1 must be at least n0"),
        (lambda: sawtooth_network(3), TypeError, "widths must be a sequence of integers"),
        (lambda: tent_network(0), ValueError, "depth must be a positive integer"),
        (lambda: montufar_count([2, 0]), ValueError, "widths[1] must be a positive integer"),
        (lambda: yarotsky_square(-1), ValueError, "m must be an integer >= 0"),
        (lambda: yarotsky_square(2.0), ValueError, "m must be an integer >= 0"),
        (lambda: yarotsky_square(True), ValueError, "m must be an integer >= 0"),
        (lambda: hinge_network([], []), ValueError, "kinks must be at least one finite"),
        (lambda: hinge_network([0, NAN], [1, 1]), ValueError, "kinks must be at least one"),
        (lambda: hinge_network([0, 1], [1]), ValueError, "weights must be 2 finite numbers"),
        (lambda: hinge_network([0], [1], bias="c"), TypeError, "bias must be a finite real"),
        (lambda: hinge_network(["a"], [1]), TypeError, "hinge_network: expected real numbers"),
        (
            lambda: max_error_to_square(random_net(0, 1, [3], d_out=2)),
            ValueError,
            "max_error_to_square: model must have one output, got 2",
        ),
        (
            lambda: l1_distance(NET1, random_net(0, 1, [3], d_out=2), 0, 1),
            ValueError,
            "l1_distance: other must have one output, got 2",
        ),
        (lambda: l1_distance(NET1, NET2, 0, 1), ValueError, "l1_distance: lo, hi describe a 1-D"),
        (lambda: l1_distance(NET1, NET1, 1, 0), ValueError, "need lo < hi"),
    ],
)
def test_bad_input_is_named_in_the_error(call, error, fragment):
    with pytest.raises(error, match=None) as info:
        call()
    assert fragment in str(info.value)


# ------------------------------------------------ Yarotsky 2017: x^2 from folds, exact errors


def yarotsky_formula(x, m):
    """f_m(x) = x - sum_s g_s(x) / 4^s, g_s the tent map composed s times (numpy)."""
    total, g = np.array(x, dtype=np.float64), np.array(x, dtype=np.float64)
    for s in range(1, m + 1):
        g = 1.0 - np.abs(2.0 * g - 1.0)
        total = total - g / 4.0**s
    return total


@pytest.mark.parametrize("m", range(0, 10))
def test_yarotsky_square_is_the_formula_with_2_to_the_m_pieces_and_its_error(m):
    net = yarotsky_square(m)
    x = np.linspace(0.0, 1.0, 4097)
    assert np.allclose(forward64(net, x[:, None]).ravel(), yarotsky_formula(x, m), atol=1e-15)
    nodes = np.arange(2**m + 1) / 2**m  # f_m interpolates x^2 at j / 2^m
    assert np.allclose(forward64(net, nodes[:, None]).ravel(), nodes**2, atol=1e-15)
    assert count_pieces(net, 0.0, 1.0) == 2**m
    assert max_error_to_square(net) == pytest.approx(2.0 ** (-2 * m - 2), rel=1e-12)
    hidden = [layer.out_features for layer in net if isinstance(layer, nn.Linear)][:-1]
    assert sum(hidden) == max(3 * m - 1, 0) and len(hidden) == m


def test_yarotsky_square_error_shrinks_by_4_per_fold():
    errors = [max_error_to_square(yarotsky_square(m)) for m in range(8)]
    assert np.allclose(np.array(errors[:-1]) / np.array(errors[1:]), 4.0)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 12),
    lo=st.floats(-2.0, 0.5),
    width=st.floats(0.1, 3.0),
)
def test_hinge_network_computes_the_hinge_fit(seed, n, lo, width):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, lo + width, 50))
    fit = fit_hinges(x, np.sin(3 * x), rng.uniform(lo, lo + width, n))
    net = hinge_network(fit.kinks, fit.weights, fit.bias)
    assert np.allclose(forward64(net, x[:, None]).ravel(), fit(x), atol=1e-9)
    assert count_pieces(net, lo, lo + width) <= n + 1


def test_hinge_interpolant_of_the_square_has_error_one_over_4n2():
    for n in [1, 3, 8, 20]:
        nodes = np.linspace(0.0, 1.0, n + 1)
        fit = fit_hinges(nodes, nodes**2, grid_kinks(0.0, 1.0, n))
        error = max_error_to_square(hinge_network(fit.kinks, fit.weights, fit.bias))
        assert error == pytest.approx(1 / (4 * n * n), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(net=nets_1d.filter(lambda net: net[-1].out_features == 1))
def test_max_error_to_square_bounds_every_sampled_error_and_is_attained(net):
    x = np.linspace(-1.0, 1.0, 20001)
    sampled = np.abs(forward64(net, x[:, None]).ravel() - x**2)
    exact = max_error_to_square(net, -1.0, 1.0)
    assert sampled.max() <= exact * (1 + 1e-9) + 1e-12
    slopes = [abs(p.slope) for p in linear_pieces(net, -1.0, 1.0)]
    assert exact - sampled.max() <= (max(slopes) + 2.0) * 1e-4  # grid step 1e-4


one_output = nets_1d.filter(lambda net: net[-1].out_features == 1)


@settings(max_examples=30, deadline=None)
@given(a=one_output, b=one_output, c=one_output)
def test_l1_distance_is_a_metric_and_matches_quadrature(a, b, c):
    d_ab, d_ba = l1_distance(a, b, -1.0, 1.0), l1_distance(b, a, -1.0, 1.0)
    assert d_ab == pytest.approx(d_ba, rel=1e-12, abs=1e-15)
    assert l1_distance(a, a, -1.0, 1.0) == 0.0
    d_ac, d_cb = l1_distance(a, c, -1.0, 1.0), l1_distance(c, b, -1.0, 1.0)
    assert d_ab <= d_ac + d_cb + 1e-12
    x = np.linspace(-1.0, 1.0, 200001)
    gap = np.abs(forward64(a, x[:, None]) - forward64(b, x[:, None])).ravel()
    assert d_ab == pytest.approx(np.trapezoid(gap, x), rel=1e-4, abs=1e-8)


def test_l1_distance_of_the_tent_map_from_one_half_is_one_quarter():
    half = hinge_network([0.0], [0.0], bias=0.5)
    for k in [1, 3, 6]:
        assert l1_distance(tent_network(k), half, 0.0, 1.0) == pytest.approx(0.25, rel=1e-12)
    assert l1_distance(tent_network(6), tent_network(6), 0.0, 1.0) == 0.0


@settings(max_examples=30, deadline=None)
@given(net=nets)
def test_region_areas_add_up_to_the_box(net):
    bounds = bounds_for(net)
    size = math.prod(hi - lo for lo, hi in zip(bounds[::2], bounds[1::2], strict=True))
    regions = activation_regions(net, bounds)
    assert all(r.area > 0 for r in regions)
    assert sum(r.area for r in regions) == pytest.approx(size, rel=1e-9)
