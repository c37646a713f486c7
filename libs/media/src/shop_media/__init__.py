"""shop-media: the media store, delivery specs, renditions with metadata kept, demo media.

Blocking libvips work runs in `render_image`; async callers use `render_in_pool`.
"""

from shop_media.demo import (
    DEMO_MEDIA,
    DemoMedia,
    ensure_demo_media,
    make_demo_jpeg,
    make_demo_video,
)
from shop_media.errors import MediaError, MediaKeyError, MediaNotFoundError, RenderError
from shop_media.metadata import MediaMetadata, read_metadata
from shop_media.probe import MediaInfo, probe
from shop_media.render import RenditionInfo, render_image, render_in_pool
from shop_media.spec import DeliverySpec
from shop_media.store import LocalMediaStore, MediaStore

__all__ = [
    "DEMO_MEDIA",
    "DeliverySpec",
    "DemoMedia",
    "LocalMediaStore",
    "MediaError",
    "MediaInfo",
    "MediaKeyError",
    "MediaMetadata",
    "MediaNotFoundError",
    "MediaStore",
    "RenderError",
    "RenditionInfo",
    "ensure_demo_media",
    "make_demo_jpeg",
    "make_demo_video",
    "probe",
    "read_metadata",
    "render_image",
    "render_in_pool",
]
