"""The demo catalog's media: large JPEGs with full rights metadata and a short H.264 clip.

Everything is generated (no binary files in the repository), deterministically and fast:
`make run` seeds a shop with it and tests use it as realistic originals.
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import av
import pyvips

from shop_media import iptc
from shop_media.store import MediaStore, write_atomically
from shop_media.synth import landscape
from shop_media.xmp import build_xmp

USAGE_TERMS = "Licensed use only. No redistribution without a license from the photographer."


@dataclass(frozen=True, slots=True)
class DemoMedia:
    key: str  # media store key
    title: str
    kind: Literal["image", "video"]
    width: int
    height: int
    credit: str
    seed: int
    seconds: float | None = None  # video only


DEMO_MEDIA: list[DemoMedia] = [
    DemoMedia("demo/alpine-lake.jpg", "Alpine Lake at Dusk", "image", 4000, 2667, "Ana Berg", 1),
    DemoMedia("demo/fjord-morning.jpg", "Fjord Morning", "image", 3000, 4000, "Ana Berg", 2),
    DemoMedia("demo/sierra-panorama.jpg", "Sierra Panorama", "image", 4500, 3000, "Leo Marin", 3),
    DemoMedia("demo/ridge-drift.mp4", "Ridge Drift", "video", 640, 360, "Leo Marin", 4, 2.0),
]


def copyright_notice(credit: str) -> str:
    return f"Copyright {credit}. All rights reserved."


@functools.cache
def srgb_profile() -> bytes:
    """libvips' built-in sRGB ICC profile (taken from a 1x1 image: cheap)."""
    pixel = (pyvips.Image.black(1, 1, bands=3) + 128).cast("uchar").copy(interpretation="srgb")
    return bytes(pixel.icc_transform("srgb").get("icc-profile-data"))


def make_demo_jpeg(
    dest: Path, *, width: int, height: int, title: str, credit: str, seed: int
) -> None:
    """A synthetic landscape JPEG carrying EXIF, XMP, IPTC and an sRGB ICC profile."""
    image = landscape(width, height, seed).copy()
    notice = copyright_notice(credit)
    text = pyvips.GValue.gstr_type
    # libvips builds the EXIF block from these fields at save time.
    image.set_type(text, "exif-ifd0-Artist", credit)
    image.set_type(text, "exif-ifd0-Copyright", notice)
    image.set_type(text, "exif-ifd0-ImageDescription", title)
    image.set_type(text, "exif-ifd2-DateTimeOriginal", f"2024:06:{1 + seed % 28:02d} 06:30:00")
    image.set_type(text, "exif-ifd2-ColorSpace", "1")  # 1 = sRGB, matching the profile
    xmp = build_xmp(
        title=title, creator=credit, rights=notice, credit=credit, usage_terms=USAGE_TERMS
    )
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    iim = iptc.encode_iim([(2, 5, title), (2, 80, credit), (2, 110, credit), (2, 116, notice)])
    image.set_type(pyvips.GValue.blob_type, "iptc-data", iptc.wrap_photoshop(iim))
    image.set_type(pyvips.GValue.blob_type, "icc-profile-data", srgb_profile())
    write_atomically(dest, lambda tmp: image.jpegsave(str(tmp), Q=88, optimize_coding=True))


@functools.cache
def video_codec() -> str:
    """The best MP4 video encoder the bundled FFmpeg has: H.264 if present, else MPEG-4."""
    for name in ("libx264", "h264", "mpeg4"):
        try:
            av.codec.Codec(name, "w")
        except (av.FFmpegError, ValueError):
            continue
        return name
    raise RuntimeError("the bundled FFmpeg has neither an H.264 nor an MPEG-4 encoder")


def make_demo_video(
    dest: Path,
    *,
    seconds: float = 2.0,
    width: int = 640,
    height: int = 360,
    fps: int = 24,
    seed: int = 4,
) -> None:
    """A short MP4 panning across a synthetic landscape (< 1 MB for the defaults)."""
    if width % 2 or height % 2:
        raise ValueError("video width and height must be even (yuv420p)")
    frames = max(1, round(seconds * fps))
    step = 3  # pixels panned per frame
    # PyAV's from_bytes takes RGBA (not RGB24): add an opaque alpha band once.
    scene = landscape(width + step * frames, height, seed).bandjoin(255).copy_memory()
    codec = video_codec()

    def write(tmp: Path) -> None:
        with av.open(str(tmp), mode="w", format="mp4") as container:
            stream = container.add_stream(codec, rate=fps)
            if not isinstance(stream, av.VideoStream):  # narrows the type for mypy
                raise TypeError(f"{codec} did not give a video stream")
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            if codec == "mpeg4":
                stream.bit_rate = 1_000_000
            else:
                stream.options = {"preset": "veryfast", "crf": "20"}
            for index in range(frames):
                pixels = bytes(scene.crop(index * step, 0, width, height).write_to_memory())
                frame = av.VideoFrame.from_bytes(pixels, width, height, format="rgba")
                frame.pts = index
                container.mux(stream.encode(frame.reformat(format="yuv420p")))
            container.mux(stream.encode(None))  # flush the encoder's delayed frames

    write_atomically(dest, write)


def make_demo_file(entry: DemoMedia, dest: Path) -> None:
    if entry.kind == "video":
        make_demo_video(
            dest,
            seconds=entry.seconds or 2.0,
            width=entry.width,
            height=entry.height,
            seed=entry.seed,
        )
    else:
        make_demo_jpeg(
            dest,
            width=entry.width,
            height=entry.height,
            title=entry.title,
            credit=entry.credit,
            seed=entry.seed,
        )


def ensure_demo_media(store: MediaStore) -> list[DemoMedia]:
    """Create the demo files missing from `store` (idempotent); return the whole catalog."""
    for entry in DEMO_MEDIA:
        if store.exists(entry.key):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(entry.key).name
            make_demo_file(entry, path)
            store.put_file(entry.key, path)
    return list(DEMO_MEDIA)
