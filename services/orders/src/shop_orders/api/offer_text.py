"""What a client reads about a license before buying it: the file they get, in words
("JPEG, 1024 px on the long side"), from the license's delivery spec."""

from __future__ import annotations

from typing import Any

from shop_orders.domain.catalog import Media

FORMATS = {"jpeg": "JPEG", "tiff": "TIFF", "png": "PNG", "webp": "WebP"}


def _size(spec: dict[str, Any], media: Media) -> str:
    mode = spec.get("mode", "original")
    if mode == "long_edge":
        return f"{spec.get('long_edge')} px on the long side"
    if mode == "fit":
        return f"fits within {spec.get('width')} x {spec.get('height')} px"
    if mode == "fill":
        return f"at least {spec.get('width')} x {spec.get('height')} px"
    if mode == "megabytes":
        return f"about {spec.get('megabytes'):g} MB uncompressed"
    return f"full size, {media.width} x {media.height} px"


def delivery_text(spec: dict[str, Any], media: Media) -> str:
    """`{"mode": "long_edge", "long_edge": 1024, "format": "jpeg"}` -> "JPEG, 1024 px on the
    long side"; the original -> "The original file, full size, 4000 x 2667 px"."""
    if media.kind == "video":
        height = spec.get("video_max_height")
        if height:
            return f"MP4 video, up to {height} lines high"
        return f"The original clip, {media.width} x {media.height}"
    if spec.get("mode", "original") == "original":
        return f"The original file, {_size(spec, media)}"
    kind = FORMATS.get(str(spec.get("format", "same")), "Same format as the original")
    return f"{kind}, {_size(spec, media)}"
