"""Figures out of the page: frames as image files, images loaded when they come into view.

An interactive figure's kernel-free face (``relulib.widgets``) carries its frames as PNG data
URIs, so that a notebook's output is self-contained. In the book that would put megabytes of
base64 into each page, all downloaded before the reader sees the first paragraph. Here every
such data URI becomes an image file under ``_images/relulib/``, named by its content, and the
page refers to it; the face's script fetches a figure's frames when it scrolls into view.
On the way each PNG is re-encoded with a 256-colour palette when that makes it smaller (the
frames are line art: anti-aliased edges survive a palette).

Images in the page, static figures included, get ``loading="lazy"``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
import re
from pathlib import Path

from docutils import nodes

FRAMES_DIR = "_images/relulib"
_DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
_FACE = "relulib-figure"


def smaller_png(png: bytes) -> bytes:
    """``png`` with a 256-colour palette, or as it is if the palette does not make it smaller."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return min(png, buffer.getvalue(), key=len)


def write_frame(outdir: Path, png: bytes) -> str:
    """Write ``png`` (once) under ``outdir/FRAMES_DIR``; return its path relative to ``outdir``."""
    name = hashlib.sha256(png).hexdigest()[:20] + ".png"
    target = outdir / FRAMES_DIR / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(smaller_png(png))
    return f"{FRAMES_DIR}/{name}"


def frames_to_files(app, doctree, docname) -> None:
    """Replace the data URIs of every interactive figure on the page by image files."""
    if app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    page_dir = posixpath.dirname(app.builder.get_target_uri(docname).split("#")[0])
    for node in doctree.findall(nodes.raw):
        text = node.astext()
        if "html" not in node.get("format", "").split() or _FACE not in text:
            continue

        def to_file(match, page_dir=page_dir):
            path = write_frame(outdir, base64.b64decode(match.group(1)))
            return posixpath.relpath(path, page_dir or ".")

        node.children[:] = [nodes.Text(_DATA_URI.sub(to_file, text))]


def lazy_images(app, doctree, docname) -> None:
    """Static figures too are fetched only when they come near the reader's view."""
    for image in doctree.findall(nodes.image):
        image.setdefault("loading", "lazy")
