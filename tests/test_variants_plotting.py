"""Figures of the Variants chapter draw headlessly on a matplotlib Figure."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from relulib.plotting.variants import (
    draw_maxout_tangents,
    draw_variant,
    maxout_tangent_error,
    tangent_max,
)


@pytest.mark.parametrize("variant", ["leaky_relu", "elu"])
@pytest.mark.parametrize("param", [0.0, 0.3, 2.0])
def test_draw_variant_two_panels(variant, param):
    ax_f, ax_df = draw_variant(Figure().subplots(1, 2), variant, param)
    assert len(ax_f.lines) == 2 + 2 and len(ax_df.lines) == 2 + 2  # + the axes lines
    assert ax_df.get_title() == f"{variant}'(x)"
    assert ax_df.get_ylim()[1] >= 1.1 * param


def test_draw_variant_rejects_unknown():
    with pytest.raises(ValueError, match="variant"):
        draw_variant(Figure().subplots(1, 2), "gelu", 1.0)


def test_tangent_max_below_square_and_touches():
    x = np.linspace(-1, 1, 1001)
    for k in (2, 3, 5):
        assert np.all(tangent_max(x, k) <= x**2 + 1e-12)
        a = np.linspace(-1, 1, k)
        assert np.allclose(tangent_max(a, k), a**2)
    with pytest.raises(ValueError):
        tangent_max(x, 1)


@pytest.mark.parametrize("k", range(2, 9))
def test_maxout_error_formula(k):
    assert maxout_tangent_error(k) == pytest.approx((1 / (k - 1)) ** 2, rel=1e-12)


def test_draw_maxout_tangents():
    ax = draw_maxout_tangents(Figure().subplots(), 3)
    assert len(ax.lines) == 3 + 2
    assert "0.2500" in ax.get_title()
