"""Pure arithmetic: the pixel size a delivery spec gives an image. Never upscales."""

from __future__ import annotations

import math

from shop_media.spec import DeliverySpec

BYTES_PER_PIXEL = 3  # 8-bit RGB: the trade's "1 Mpixel = 3 MB" convention
MEGABYTE = 1_000_000


def requested_scale(spec: DeliverySpec, width: int, height: int) -> float:
    """The factor the spec asks for on a `width` x `height` image, before the no-upscale cap."""
    if spec.mode == "long_edge" and spec.long_edge is not None:
        scale = spec.long_edge / max(width, height)
    elif spec.mode in ("fit", "fill") and spec.width is not None and spec.height is not None:
        ratios = (spec.width / width, spec.height / height)
        # fit: the tighter side decides; fill: the looser side, so the box is covered.
        scale = min(ratios) if spec.mode == "fit" else max(ratios)
    elif spec.mode == "megabytes" and spec.megabytes is not None:
        pixels = spec.megabytes * MEGABYTE / BYTES_PER_PIXEL
        scale = math.sqrt(pixels / (width * height))
    else:
        scale = 1.0
    return scale


def scale_for(spec: DeliverySpec, width: int, height: int) -> float:
    """The factor to apply to a `width` x `height` image, at most 1."""
    return min(requested_scale(spec, width, height), 1.0)


def exceeds_original(spec: DeliverySpec, width: int, height: int) -> bool:
    """True when the license asks for more pixels than the original has: never offered."""
    return requested_scale(spec, width, height) > 1.0 + 1e-9


def target_size(spec: DeliverySpec, width: int, height: int) -> tuple[int, int]:
    """The rendition's width and height: the longer side is rounded, the other follows."""
    scale = scale_for(spec, width, height)
    if scale >= 1.0:
        return width, height
    if width >= height:
        new_width = max(1, round(width * scale))
        return new_width, max(1, round(height * new_width / width))
    new_height = max(1, round(height * scale))
    return max(1, round(width * new_height / height)), new_height
