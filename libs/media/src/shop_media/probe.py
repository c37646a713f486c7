"""What a media file is: kind, MIME type, pixel size and, for video, duration and codec."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyvips

MediaKind = Literal["image", "video", "other"]

# libvips loader name -> (format, MIME type, extension); `mimetypes` misses some of these.
LOADER_FORMATS: dict[str, tuple[str, str, str]] = {
    "jpegload": ("jpeg", "image/jpeg", ".jpg"),
    "tiffload": ("tiff", "image/tiff", ".tif"),
    "pngload": ("png", "image/png", ".png"),
    "webpload": ("webp", "image/webp", ".webp"),
}


@dataclass(frozen=True, slots=True)
class MediaInfo:
    kind: MediaKind
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    codec: str | None = None


def guess_mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def image_header(path: Path) -> pyvips.Image | None:
    """The image's header (no pixels decoded), or None when libvips cannot load it."""
    try:
        # revalidate: the operation cache must not serve an older file under the same name.
        return pyvips.Image.new_from_file(str(path), access="sequential", revalidate=True)
    except pyvips.Error:
        return None


def upright_size(image: pyvips.Image) -> tuple[int, int]:
    """Width and height as displayed: EXIF orientations 5-8 swap the two sides."""
    orientation = image.get("orientation") if image.get_typeof("orientation") else 1
    if orientation in (5, 6, 7, 8):
        return image.height, image.width
    return image.width, image.height


def probe(path: Path) -> MediaInfo:
    """Inspect a file without decoding it: images via libvips headers, video via PyAV."""
    mime = guess_mime(path)
    size = path.stat().st_size
    if mime.startswith("video/"):
        return _probe_video(path, mime, size)
    if mime.startswith("image/") or mime == "application/octet-stream":
        header = image_header(path)
        if header is not None:
            loader = str(header.get("vips-loader"))
            mime = LOADER_FORMATS.get(loader, ("", mime, ""))[1]
            width, height = upright_size(header)
            return MediaInfo("image", mime, size, width, height)
    return MediaInfo("other", mime, size)


def _probe_video(path: Path, mime: str, size: int) -> MediaInfo:
    import av  # here: PyAV costs ~30 MB of memory, and only videos need it

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return MediaInfo("other", mime, size)
            stream = container.streams.video[0]
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            ctx = stream.codec_context
            return MediaInfo("video", mime, size, ctx.width, ctx.height, duration, ctx.name)
    except av.FFmpegError:
        return MediaInfo("other", mime, size)
