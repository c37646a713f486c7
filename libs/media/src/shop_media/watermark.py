"""The photographer's watermark on a preview: a text or a PNG logo, placed at a corner or
the centre, sized as a share of the preview's width, at an opacity."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyvips

Position = Literal["center", "top-left", "top-right", "bottom-left", "bottom-right"]
POSITIONS: tuple[Position, ...] = ("center", "top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True, slots=True)
class Watermark:
    kind: Literal["text", "logo"]
    text: str = ""
    logo: Path | None = None  # a PNG (its alpha is kept)
    position: Position = "center"
    size_pct: int = 40  # the mark's width, as a share of the picture's width
    opacity_pct: int = 35


@functools.lru_cache(maxsize=32)
def _text_mark(text: str, width: int) -> pyvips.Image:
    """White text with a dark edge, as RGBA, about `width` wide (rendered once per size:
    most previews are 1600 px wide)."""
    height = max(8, width // max(2, len(text) // 2 + 1))
    mask = pyvips.Image.text(
        text or " ", font="sans bold", width=width, height=height, align="centre"
    )
    pad = max(2, mask.height // 12)
    mask = mask.embed(pad, pad, mask.width + 2 * pad, mask.height + 2 * pad)
    edge = mask.gaussblur(max(1.0, pad / 2)).linear(2.0, 0).cast("uchar")
    white = (mask.new_from_image([255, 255, 255])).copy(interpretation="srgb")
    black = (mask.new_from_image([0, 0, 0])).copy(interpretation="srgb")
    shadow = black.bandjoin(edge)
    letters = white.bandjoin(mask)
    return shadow.composite2(letters, "over").copy_memory()


def _logo_mark(path: Path, width: int) -> pyvips.Image:
    logo = pyvips.Image.pngload(str(path), fail_on="error")
    if logo.interpretation not in ("srgb", "b-w"):
        logo = logo.colourspace("srgb")
    if logo.format != "uchar":
        logo = logo.cast("uchar")
    if logo.bands in (1, 3):
        logo = logo.bandjoin(255)
    if logo.bands == 2:  # grey + alpha
        logo = logo[0].bandjoin([logo[0], logo[0], logo[1]])
    return logo.resize(width / logo.width)


def apply_watermark(image: pyvips.Image, mark: Watermark) -> pyvips.Image:
    """`image` (sRGB, 3 bands, uchar) with the mark composited over it."""
    width = max(8, image.width * max(1, min(100, mark.size_pct)) // 100)
    if mark.kind == "logo" and mark.logo is not None:
        overlay = _logo_mark(mark.logo, width)
    else:
        overlay = _text_mark(mark.text, width)
    if overlay.width > image.width or overlay.height > image.height:
        scale = min(image.width / overlay.width, image.height / overlay.height)
        overlay = overlay.resize(scale)
    opacity = max(0, min(100, mark.opacity_pct)) / 100
    alpha = (overlay[3] * opacity).cast("uchar")
    overlay = overlay.extract_band(0, n=3).bandjoin(alpha).copy(interpretation="srgb")
    x, y = _place(mark.position, image, overlay)
    # Blend only the patch under the mark (composite works in float), then put it back.
    patch = image.crop(x, y, overlay.width, overlay.height)
    patch = patch.composite2(overlay, "over").extract_band(0, n=3).cast("uchar")
    return image.insert(patch.copy(interpretation=image.interpretation), x, y)


def _place(position: Position, image: pyvips.Image, overlay: pyvips.Image) -> tuple[int, int]:
    margin = max(4, min(image.width, image.height) // 40)
    free_x, free_y = image.width - overlay.width, image.height - overlay.height
    left, top = min(margin, free_x), min(margin, free_y)
    right, bottom = max(0, free_x - margin), max(0, free_y - margin)
    return {
        "top-left": (left, top),
        "top-right": (right, top),
        "bottom-left": (left, bottom),
        "bottom-right": (right, bottom),
    }.get(position, (free_x // 2, free_y // 2))
