"""The widget mechanism: live update path, kernel-free HTML face, and the mime bundle."""

import base64
import io
import json
import re

import numpy as np
import pytest

from relulib.plotting import draw_hinge, style
from relulib.widgets import FRAMES_ENV, interactive_figure, responsive_figure

GRID = {"w": [-1.0, 0.0, 2.0], "b": [-1.0, 1.0]}


@pytest.fixture
def hinge():
    return interactive_figure(draw_hinge, GRID, alt="hinge", figsize=(3, 2), dpi=40)


def embedded_frames(html):
    payload = re.search(
        r'<script type="application/json" class="relulib-frames">(.*?)</script>', html
    )
    return json.loads(payload.group(1).replace("<\\/", "</"))


def test_update_redraws_for_every_grid_value(hinge):
    seen = {hinge.png}
    for w in GRID["w"]:
        for b in GRID["b"]:
            png = hinge.update(w=w, b=b)
            assert png.startswith(b"\x89PNG")
            assert hinge.params == {"w": w, "b": b}
            seen.add(png)
    assert len(seen) == len(GRID["w"]) * len(GRID["b"])


def test_live_widget_shows_the_new_frame_when_a_control_moves(hinge):
    widget = hinge.widget
    controls, image = widget.children[0].children, widget.children[1]
    before = image.value
    controls[0].value = 2.0
    assert hinge.params["w"] == 2.0
    assert image.value == hinge.png != before


def test_html_face_has_one_frame_per_grid_point_and_a_control_per_parameter(hinge):
    html = hinge.to_html(all_frames=True)
    data = embedded_frames(html)
    assert len(data["frames"]) == len(set(data["frames"])) == 6
    assert data["strides"] == [2, 1]
    assert data["labels"] == [["-1", "0", "2"], ["-1", "1"]]
    assert html.count('type="range"') == 2
    assert all(base64.b64decode(f.split(",", 1)[1]).startswith(b"\x89PNG") for f in data["frames"])


def test_html_face_starts_on_the_current_frame(hinge):
    hinge.update(w=2.0, b=-1.0)
    html = hinge.to_html(all_frames=True)
    data = embedded_frames(html)
    current = data["frames"][2 * 2 + 0]  # w index 2, b index 0
    assert f'<img src="{current}"' in html
    assert 'alt="hinge (w = 2, b = -1)"' in html


def test_menu_for_non_numeric_values():
    fig = interactive_figure(lambda ax, kind: ax.set_title(kind), {"kind": ["relu", "elu"]})
    html = fig.to_html()
    assert "<select" in html and html.count("<option") == 2


def test_snapshot_face_embeds_only_the_current_frame(hinge, monkeypatch):
    monkeypatch.delenv(FRAMES_ENV, raising=False)
    bundle = hinge._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].count("data:image/png") == 1
    assert "relulib-frames" not in bundle["text/html"]


def test_book_build_embeds_all_frames(hinge, monkeypatch):
    monkeypatch.setenv(FRAMES_ENV, "all")
    assert len(embedded_frames(hinge._repr_mimebundle_()["text/html"])["frames"]) == 6


def test_frames_leave_the_current_frame_drawn(hinge):
    before = hinge.render(**hinge.params)
    hinge.frames()
    assert hinge.render(**hinge.params) == before


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"draw": 3, "grid": GRID}, TypeError, "draw"),
        ({"draw": draw_hinge, "grid": {}}, TypeError, "grid"),
        ({"draw": draw_hinge, "grid": {"w": []}}, ValueError, "'w'"),
        (
            {"draw": draw_hinge, "grid": {"w": list(range(8)), "b": list(range(8))}},
            ValueError,
            "64 frames",
        ),
        ({"draw": draw_hinge, "grid": GRID, "initial": {"w": 5.0}}, ValueError, "initial: w=5.0"),
        (
            {"draw": draw_hinge, "grid": GRID, "initial": {"z": 1}},
            ValueError,
            "unknown parameter 'z'",
        ),
        ({"draw": draw_hinge, "grid": GRID, "layout": (0, 1)}, ValueError, "layout"),
        ({"draw": draw_hinge, "grid": GRID, "labels": {"z": "zed"}}, ValueError, "labels: unknown"),
        ({"draw": draw_hinge, "grid": GRID, "labels": {"w": ""}}, ValueError, "labels: 'w'"),
        ({"draw": draw_hinge, "grid": GRID, "figsize": (5.0, -1)}, ValueError, "figsize"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        interactive_figure(**kwargs)


def test_update_rejects_values_off_the_grid(hinge):
    with pytest.raises(ValueError, match=r"w=0\.5 is not on the grid"):
        hinge.update(w=0.5)
    assert hinge.params["w"] != 0.5


def test_multi_panel_layout_passes_an_array_of_axes():
    def two_panels(axes, k):
        assert len(axes) == 2
        axes[0].plot(np.arange(3) * k)
        axes[1].plot(-np.arange(3) * k)

    fig = interactive_figure(two_panels, {"k": [1, 2]}, layout=(1, 2))
    assert len(fig.frames()) == 2


def test_a_partial_drawing_function_is_named_after_its_function():
    import functools

    fig = interactive_figure(functools.partial(draw_hinge, lo=-2.0), GRID)
    assert repr(fig).startswith("<InteractiveFigure draw_hinge(")


def png_size(png):
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_labels_name_the_controls_in_both_faces_and_the_alt_text(hinge):
    fig = interactive_figure(
        draw_hinge, GRID, labels={"w": "weight of the input"}, figsize=(3, 2), dpi=40
    )
    html = fig.to_html()
    assert ">weight of the input<input" in html and 'data-param="w"' in html
    assert 'alt="weight of the input = 0, b = -1"' in html
    controls = fig.widget.children[0].children
    assert [c.description for c in controls] == ["weight of the input", "b"]
    assert hinge.to_html().count(">w<input") == 1  # without labels: the parameter's name


def test_frames_are_hidpi_and_shown_at_the_book_width():
    fig = interactive_figure(draw_hinge, GRID)
    width, height = fig.css_size
    assert (width, height) == style.css_size(style.layout_figsize(1, 1)) == (480, 288)
    assert png_size(fig.png) == (2 * width, 2 * height)
    assert f'width="{width}" height="{height}"' in fig.to_html()


def test_text_stays_readable_on_a_phone_even_when_the_draw_asks_for_small_text():
    def tiny(ax, k):
        ax.plot([0, k])
        ax.set_title("tiny title", fontsize=5)
        ax.legend(["line"], fontsize="xx-small")
        ax.tick_params(labelsize=4)

    for figsize in [None, (6.4, 3.6)]:
        fig = interactive_figure(tiny, {"k": [1, 2]}, figsize=figsize, dpi=40)
        html = fig.to_html()
        text_px = float(re.search(r'data-text-px="([\d.]+)"', html).group(1))
        width = fig.css_size[0]
        at_phone = text_px * style.PHONE_COLUMN_PX / width
        assert at_phone >= style.MIN_TEXT_PX - 0.01, (figsize, at_phone)


def test_a_row_of_panels_also_has_stacked_frames_for_phones():
    def two_panels(axes, k):
        axes[0].plot(np.arange(3) * k)
        axes[1].plot(-np.arange(3) * k)

    fig = interactive_figure(two_panels, {"k": [1, 2, 3]}, layout=(1, 2), dpi=40)
    assert fig.narrow_layout == (2, 1)
    narrow = fig.narrow_frames()
    assert len(narrow) == 3 and len(set(narrow)) == 3
    wide_w, wide_h = png_size(fig.frames()[0][1])
    narrow_w, narrow_h = png_size(narrow[0])
    assert narrow_w < wide_w and narrow_h > wide_h
    html = fig.to_html()
    assert f'<source media="{style.NARROW_MEDIA}"' in html
    assert len(embedded_frames(html)["narrow"]) == 3


def test_one_panel_has_no_stacked_frames(hinge):
    assert hinge.narrow_frames() is None
    assert "<source" not in hinge.to_html()


def test_html_face_fetches_its_images_lazily(hinge):
    html = hinge.to_html()
    assert 'loading="lazy"' in html and "IntersectionObserver" in html


def test_responsive_figure_is_a_png_in_jupyter_and_a_picture_in_the_book():
    def relu_and_step(axes):
        axes[0].plot([-1, 0, 1], [0, 0, 1])
        axes[1].plot([-1, 0, 0, 1], [0, 0, 1, 1])

    fig = responsive_figure(relu_and_step, alt="ReLU and its derivative", dpi=40)
    data, metadata = fig._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert metadata["image/png"]["width"] == fig.css_size[0]
    assert "application/vnd.jupyter.widget-view+json" not in data
    html = data["text/html"]
    assert html.count("<source") == 1 and "<input" not in html and "<script" not in html
    assert 'alt="ReLU and its derivative"' in html


def test_draw_functions_that_adjust_their_subplots_draw_without_warnings(recwarn):
    def adjusted(ax, k):
        ax.figure.subplots_adjust(bottom=0.2)
        ax.plot([0, k])

    interactive_figure(adjusted, {"k": [1, 2]}, dpi=40).frames()
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
