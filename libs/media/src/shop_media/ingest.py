"""Check an uploaded file before it joins the library: its type by content, its size in
pixels (before anything is decoded), that it really decodes, and what it says about itself.

Blocking and CPU bound (libvips, PyAV): async callers run `inspect_upload` in their pool.
Every refusal is an `UploadError` whose message names the problem for the photographer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pyvips

from shop_media.descriptive import Descriptive, describe_image, describe_video_tags
from shop_media.errors import MediaError
from shop_media.probe import upright_size
from shop_media.sniff import SNIFF_BYTES, FileType, describe_refusal, sniff

DEFAULT_MAX_PIXELS = 200_000_000  # a 200 Mpixel header in a small file is an image bomb
DEFAULT_MAX_VIDEO_PIXELS = 8192 * 8192
CHECK_EDGE = 64  # the decode that proves the file is whole is a thumbnail this wide


class UploadError(MediaError):
    """An upload the library refuses; the message says why."""


class EmptyFileError(UploadError):
    pass


class UnsupportedFileError(UploadError):
    """Not one of the types the shop takes (decided by content)."""


class UnreadableFileError(UploadError):
    """The right type, but truncated or corrupt: it does not decode."""


class TooManyPixelsError(UploadError):
    """Its header declares more pixels than the shop decodes (an image bomb)."""


@dataclass(frozen=True, slots=True)
class Inspected:
    type: FileType
    width: int
    height: int
    duration_s: float | None
    descriptive: Descriptive

    @property
    def kind(self) -> str:
        return self.type.kind


def read_head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SNIFF_BYTES)


def file_type(path: Path) -> FileType:
    """The file's type by content, or an `UploadError`."""
    head = read_head(path)
    if not head:
        raise EmptyFileError("the file is empty")
    found = sniff(head)
    if found is None:
        raise UnsupportedFileError(describe_refusal(head))
    return found


def inspect_upload(
    path: Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_video_pixels: int = DEFAULT_MAX_VIDEO_PIXELS,
    decode: bool = True,
) -> Inspected:
    """`decode=False`: an image's header only (the caller decodes it whole itself, e.g.
    while making its previews, and reports failures with `unreadable`)."""
    found = file_type(path)
    if found.kind == "video":
        return _inspect_video(path, found, max_video_pixels)
    return _inspect_image(path, found, max_pixels, decode=decode)


def _load_header(path: Path, found: FileType) -> pyvips.Image:
    assert found.loader is not None
    load = getattr(pyvips.Image, found.loader)
    try:
        # The loader the content named (never libvips' guess); headers only, no pixels.
        image: pyvips.Image = load(str(path), access="sequential", fail_on="error")
        return image
    except pyvips.Error as exc:
        raise unreadable(found, exc, path) from exc


def unreadable(found: FileType, exc: pyvips.Error, path: Path) -> UploadError:
    """The refusal of a file of type `found` that libvips failed to decode."""
    # libvips names the file: never show the server's paths to the client
    message = " ".join(str(exc).replace(str(path), "the file").split())
    if found.format == "heif" and any(
        word in message.lower() for word in ("unsupported", "no decoder", "codec")
    ):
        return UnsupportedFileError(
            f"this server cannot decode this {found.mime_type} file ({message[:200]}); "
            "export it as JPEG or TIFF"
        )
    return UnreadableFileError(
        f"the {found.format.upper()} file is truncated or corrupt ({message[:200]})"
    )


def _inspect_image(path: Path, found: FileType, max_pixels: int, *, decode: bool) -> Inspected:
    header = _load_header(path, found)
    width, height = upright_size(header)
    if width < 1 or height < 1:
        raise UnreadableFileError("the image has no pixels")
    if width * height > max_pixels:
        raise TooManyPixelsError(
            f"the image declares {width} x {height} pixels, over the limit of "
            f"{max_pixels // 1_000_000} megapixels"
        )
    if not decode:
        return Inspected(found, width, height, None, describe_image(path, header))
    try:
        # Decode it whole (shrink-on-load where the format has it): a truncated or corrupt
        # file fails here, not later in a preview or a client's delivery.
        if found.format == "heif":  # thumbnail() could read the embedded preview only
            header.avg()
        else:
            check = pyvips.Image.thumbnail(str(path), CHECK_EDGE, fail_on="error")
            check.avg()
    except pyvips.Error as exc:
        raise unreadable(found, exc, path) from exc
    return Inspected(found, width, height, None, describe_image(path, header))


def _inspect_video(path: Path, found: FileType, max_pixels: int) -> Inspected:
    import av  # PyAV (~30 MB): loaded when a video comes

    try:
        with av.open(str(path), mode="r") as container:
            if "mp4" not in container.format.name and "mov" not in container.format.name:
                raise UnsupportedFileError(f"the file is a {container.format.name} container")
            if not container.streams.video:
                raise UnsupportedFileError("the file has no video stream")
            stream = container.streams.video[0]
            frame = next(container.decode(stream), None)
            if frame is None:
                raise UnreadableFileError("the video has no decodable frame")
            width, height = frame.width, frame.height
            if width * height > max_pixels:
                raise TooManyPixelsError(f"the video is {width} x {height} pixels, too large")
            if round(frame.rotation or 0) % 180:
                width, height = height, width
            duration = _duration(container, stream)
            tags = {str(k): str(v) for k, v in container.metadata.items()}
            expected = stream.frames
        if expected:  # every packet the index promises must be there (read, not decoded)
            with av.open(str(path), mode="r") as again:
                packets = again.demux(again.streams.video[0])
                found_packets = sum(1 for packet in packets if packet.size)
                if found_packets < expected:
                    raise UnreadableFileError(
                        f"the video is truncated: {found_packets} of its {expected} frames "
                        "are in the file"
                    )
    except av.FFmpegError as exc:
        reason = " ".join(str(exc).replace(str(path), "the file").split())
        raise UnreadableFileError(f"the video is truncated or corrupt ({reason})") from exc
    return Inspected(found, width, height, duration, describe_video_tags(tags))


def _duration(container: object, stream: object) -> float | None:
    import av

    value: float | None = None
    sd, tb = getattr(stream, "duration", None), getattr(stream, "time_base", None)
    if sd is not None and tb is not None:
        value = float(sd * tb)
    elif getattr(container, "duration", None) is not None:
        value = container.duration / av.time_base  # type: ignore[attr-defined]
    if value is None or math.isnan(value) or value <= 0:
        return None
    return round(value, 3)
