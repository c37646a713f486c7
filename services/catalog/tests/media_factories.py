"""Real files for the media library's tests (written with libvips / PyAV), and messages."""

from __future__ import annotations

import io
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pyvips

from shop_contracts.common import Address, Client, DeliverySpec, OrderLine
from shop_contracts.events import OrderPlaced
from shop_media import iptc
from shop_media.demo import make_demo_video, srgb_profile
from shop_media.synth import landscape
from shop_media.video import transcode_video

XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    photoshop:Credit="{credit}">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description>
    <rdf:Alt><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:subject><rdf:Bag><rdf:li>lake</rdf:li><rdf:li>alps</rdf:li></rdf:Bag></dc:subject>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def picture(width: int = 640, height: int = 427, seed: int = 1) -> pyvips.Image:
    return landscape(width, height, seed).copy()


def jpeg_bytes(
    width: int = 640,
    height: int = 427,
    *,
    seed: int = 1,
    title: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    rights: str | None = None,
    keywords: list[str] = (),  # type: ignore[assignment]
    taken: str | None = None,
    gps: bool = False,
) -> bytes:
    """A JPEG; with `title`: EXIF, IPTC and XMP metadata; with `gps`: a GPS position."""
    image = picture(width, height, seed)
    text = pyvips.GValue.gstr_type
    if taken:
        image.set_type(text, "exif-ifd2-DateTimeOriginal", taken)
    if credit:
        image.set_type(text, "exif-ifd0-Artist", credit)
    if title:
        xmp = XMP.format(
            title=title, caption=caption or "", credit=credit or "", rights=rights or ""
        )
        image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp.encode())
        datasets: list[tuple[int, int, str | bytes]] = [(2, 5, title)]
        datasets += [(2, 25, k) for k in keywords]
        if rights:
            datasets.append((2, 116, rights))
        image.set_type(
            pyvips.GValue.blob_type, "iptc-data", iptc.wrap_photoshop(iptc.encode_iim(datasets))
        )
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", srgb_profile())
    if gps:
        image.set_type(text, "exif-ifd3-GPSLatitudeRef", "N")
        image.set_type(text, "exif-ifd3-GPSLatitude", "48/1 51/1 30/1")
        image.set_type(text, "exif-ifd3-GPSLongitudeRef", "E")
        image.set_type(text, "exif-ifd3-GPSLongitude", "2/1 21/1 8/1")
        image.set_type(text, "exif-ifd0-Make", "SecretCam")
    return bytes(image.jpegsave_buffer(Q=85))


def png_bytes(width: int = 300, height: int = 200, *, alpha: bool = False) -> bytes:
    image = picture(width, height, 5)
    if alpha:
        image = image.bandjoin(200)
    return bytes(image.pngsave_buffer())


def tiff_bytes() -> bytes:
    return bytes(picture(500, 300, 6).tiffsave_buffer(compression="deflate"))


def webp_bytes() -> bytes:
    return bytes(picture(500, 300, 7).webpsave_buffer(Q=80))


def avif_bytes() -> bytes:
    return bytes(picture(320, 200, 8).heifsave_buffer(compression="av1", Q=50))


def video_bytes(tmp: Path, *, seconds: float = 1.0) -> bytes:
    """A fresh clip each time (its own landscape: the library refuses the same file twice)."""
    path = tmp / f"clip-{uuid.uuid4().hex[:6]}.mp4"
    seed = uuid.uuid4().int % 10_000
    make_demo_video(path, seconds=seconds, width=320, height=180, seed=seed)
    return path.read_bytes()


def cut_faststart_video() -> bytes:
    """An MP4 with its index first (faststart), its last fifth cut: the first frames still
    decode, the index promises frames the file no longer has."""
    with tempfile.TemporaryDirectory() as folder:
        source, faststart = Path(folder) / "s.mp4", Path(folder) / "f.mp4"
        make_demo_video(source, seconds=2.0, width=320, height=180, seed=9)
        transcode_video(source, faststart, max_height=180)
        data = faststart.read_bytes()
    assert data[24:40].find(b"moov") >= 0 or b"moov" in data[:2000]
    return data[: len(data) * 4 // 5]


def pixel_bomb() -> bytes:
    """A tiny JPEG whose header declares 60000 x 60000 pixels (3.6 gigapixels)."""
    data = bytearray(jpeg_bytes(64, 48))
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    data[sof + 5 : sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
    return bytes(data)


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", jpeg_bytes(64, 48))
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def order_placed(order_id: uuid.UUID, *media_ids: uuid.UUID) -> OrderPlaced:
    lines = [
        OrderLine(
            line_id=uuid.uuid4(),
            media_id=media_id,
            media_title="A media",
            media_kind="image",
            media_key=f"library/{media_id}.jpg",
            license_id=uuid.uuid4(),
            license_name="Web",
            price=1500,
            delivery=DeliverySpec(mode="original"),
        )
        for media_id in media_ids
    ]
    return OrderPlaced(
        order_id=order_id,
        number=f"2026-{str(order_id)[:6]}",
        placed_at=datetime.now(UTC),
        client=Client(
            name="Ada Client",
            email="ada@example.com",
            address=Address(line1="1 Rue X", city="Paris", postal_code="75001", country="FR"),
        ),
        lines=lines,
        total=1500 * len(lines),
        currency="EUR",
        manual_validation=False,
        seller_email="seller@example.com",
        payment_url="https://pay.example/pay",
        order_url="https://orders.example/order",
    )
