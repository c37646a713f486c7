"""One entry point for a delivery spec's file, image or video, and the key it is cached under.

- Images: `render_image` (original, or resized/re-encoded with the metadata kept).
- Videos: the original (copied) unless the spec sets `video_max_height`; then an H.264
  MP4 no taller than that, never upscaled (`transcode_video`).

Blocking and CPU bound: async callers use `render_rendition_in_pool`.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from pathlib import Path

from shop_media.probe import guess_mime
from shop_media.render import RenditionInfo, render_image
from shop_media.spec import DeliverySpec


def is_video(path: Path) -> bool:
    return guess_mime(path).startswith("video/")


def rendition_key(spec: DeliverySpec, *, video: bool) -> str:
    """The cache key of `spec`'s rendition of an image or of a video.

    `DeliverySpec.key()` names the video rendition as soon as `video_max_height` is set; a
    license can carry both an image size and a video height, so an image's key is taken
    without the video fields (two licenses with different image sizes never share a key),
    and a video's without the image fields (they do not apply to it).
    """
    if video:
        return spec.key() if spec.video_max_height is not None else "original"
    return spec.model_copy(update={"video_max_height": None}).key()


def needs_render(spec: DeliverySpec, *, video: bool) -> bool:
    """False when the spec delivers the original file itself."""
    return rendition_key(spec, video=video) != "original"


def render_rendition(src: Path, dest: Path, spec: DeliverySpec) -> RenditionInfo:
    """Write `spec`'s rendition of `src` (image or video) to `dest` atomically."""
    if is_video(src):
        if spec.video_max_height is None:
            return render_image(src, dest, DeliverySpec(mode="original"))  # a plain copy
        from shop_media.video import transcode_video  # PyAV: loaded for videos only

        return transcode_video(src, dest, max_height=spec.video_max_height, crf=spec.video_crf)
    return render_image(src, dest, spec)


async def render_rendition_in_pool(
    executor: Executor, src: Path, dest: Path, spec: DeliverySpec
) -> RenditionInfo:
    """`render_rendition` in `executor`, without blocking the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, render_rendition, src, dest, spec)
