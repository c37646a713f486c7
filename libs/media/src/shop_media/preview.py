"""Previews for the storefront: a thumbnail and a large, watermarked preview of an image; a
poster frame and a short, small, silent clip of a video.

Every preview is a fresh JPEG or MP4 with no metadata at all (no EXIF, so no GPS position,
no serial numbers, no XMP or IPTC): only the pixels, upright and in sRGB.
Blocking and CPU bound: run them in a bounded pool.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pyvips

from shop_media.store import write_atomically
from shop_media.watermark import Watermark, apply_watermark

THUMB_EDGE = 400
LARGE_EDGE = 1500  # a 6000 px original shrinks on load by 4: a quarter of the decode
CLIP_SECONDS = 4.0
CLIP_HEIGHT = 360
JPEG_QUALITY = 82


def _srgb(image: pyvips.Image) -> pyvips.Image:
    if image.interpretation not in ("srgb", "b-w") or image.format != "uchar":
        image = image.colourspace("srgb")
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.bands == 1:
        image = image.bandjoin([image, image])
    if image.format != "uchar":
        image = image.cast("uchar")
    return image.copy(interpretation="srgb")


def _save_jpeg(image: pyvips.Image, dest: Path) -> None:
    # keep="none": no EXIF (GPS), XMP, IPTC or ICC reaches the storefront.
    write_atomically(
        dest,
        lambda tmp: image.jpegsave(str(tmp), Q=JPEG_QUALITY, keep="none", subsample_mode="on"),
    )


def image_preview(
    src: Path, dest: Path, *, long_edge: int, watermark: Watermark | None = None
) -> tuple[int, int]:
    """Write a JPEG preview of `src` at most `long_edge` on its longer side; its size."""
    image = pyvips.Image.thumbnail(
        str(src), long_edge, height=long_edge, size="down", fail_on="error"
    )
    image = _srgb(image)
    if watermark is not None:
        image = apply_watermark(image, watermark)
    _save_jpeg(image, dest)
    return image.width, image.height


def image_previews(
    src: Path,
    *,
    thumb: Path,
    large: Path,
    watermark: Watermark | None,
    thumb_edge: int = THUMB_EDGE,
    large_edge: int = LARGE_EDGE,
) -> tuple[int, int]:
    """The thumbnail and the large preview from one decode of `src` (the costly part of a
    24 Mpixel JPEG): the large one first, the thumbnail shrunk from it in memory. Raises
    `pyvips.Error` when the file does not decode whole (fail_on="error")."""
    base = pyvips.Image.thumbnail(
        str(src), large_edge, height=large_edge, size="down", fail_on="error"
    )
    base = _srgb(base).copy_memory()  # decoded here: a truncated file fails now
    small = base.thumbnail_image(thumb_edge, height=thumb_edge, size="down")
    _save_jpeg(small, thumb)
    _save_jpeg(apply_watermark(base, watermark) if watermark is not None else base, large)
    return base.width, base.height


def video_poster(
    src: Path, dest: Path, *, long_edge: int, watermark: Watermark | None = None
) -> tuple[int, int]:
    """A JPEG of the video's first frame (upright), at most `long_edge` on its longer side."""
    import av

    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream), None)
        if frame is None:
            raise ValueError(f"{src.name} has no decodable frame")
        rotation = round(frame.rotation or 0) % 360
        rgb = frame.reformat(format="rgb24")
        plane = rgb.planes[0]
        stride = plane.line_size  # rows may be padded past width * 3
        data = bytes(plane)
        width, height = rgb.width, rgb.height
    if stride != width * 3:
        data = b"".join(data[row * stride : row * stride + width * 3] for row in range(height))
    image = pyvips.Image.new_from_memory(data, width, height, 3, "uchar")
    image = image.copy(interpretation="srgb")
    image = {90: image.rot270, 180: image.rot180, 270: image.rot90}.get(rotation, image.copy)()
    scale = min(1.0, long_edge / max(image.width, image.height))
    if scale < 1.0:
        image = image.resize(scale)
    if watermark is not None:
        image = apply_watermark(image, watermark)
    _save_jpeg(image, dest)
    return image.width, image.height


def _marked_frame(frame: Any, watermark: Watermark) -> Any:
    """The frame with the watermark: through libvips in RGB, back to YUV for the encoder."""
    import av

    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    width, height, stride = rgb.width, rgb.height, plane.line_size
    data = bytes(plane)
    if stride != width * 3:
        data = b"".join(data[row * stride : row * stride + width * 3] for row in range(height))
    image = pyvips.Image.new_from_memory(data, width, height, 3, "uchar")
    marked = apply_watermark(image.copy(interpretation="srgb"), watermark).bandjoin(255)
    pixels = bytes(marked.write_to_memory())  # PyAV takes RGBA, not RGB24
    out = av.VideoFrame.from_bytes(pixels, width, height, format="rgba")
    return out.reformat(format="yuv420p")


def video_clip(
    src: Path,
    dest: Path,
    *,
    seconds: float = CLIP_SECONDS,
    max_height: int = CLIP_HEIGHT,
    watermark: Watermark | None = None,
) -> None:
    """A short silent H.264 MP4 of the video's start, at most `max_height` high, with the
    watermark on every frame."""
    import av

    from shop_media.demo import video_codec
    from shop_media.video import drain, inspect_video, scale_graph, target_video_size

    source = inspect_video(src)
    width, height = target_video_size(source, max_height)
    codec = video_codec()

    def write(tmp: Path) -> None:
        with av.open(str(src)) as inp, av.open(str(tmp), mode="w", format="mp4") as out:
            v_in = inp.streams.video[0]
            rate = v_in.average_rate or v_in.guessed_rate or 25
            v_out = out.add_stream(codec, rate=rate)
            assert isinstance(v_out, av.VideoStream)
            v_out.width, v_out.height, v_out.pix_fmt = width, height, "yuv420p"
            if codec == "mpeg4":
                v_out.bit_rate = 600_000
            else:
                v_out.options = {"preset": "veryfast", "crf": "30"}
            # the default (bicubic) scaler: a preview needs no lanczos
            graph = scale_graph(v_in, source, (width, height), flags="bicubic")
            count, limit = 0, max(1, int(float(rate) * seconds))
            step = 1 / Fraction(rate)
            v_out.codec_context.time_base = step

            def encode(scaled: Any) -> None:
                nonlocal count
                if watermark is not None:
                    scaled = _marked_frame(scaled, watermark)
                scaled.pts = count
                scaled.time_base = step
                out.mux(v_out.encode(scaled))
                count += 1

            for frame in inp.decode(v_in):
                if count >= limit:
                    break
                graph.vpush(frame)
                drain(graph, encode)
            out.mux(v_out.encode(None))

    write_atomically(dest, write)
