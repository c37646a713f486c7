"""Issue 12: a rights-managed line's usage (the options the client chose, in the profile's
group order) goes with its file: in the file's XMP license (read back from the delivered
file), in LICENSE.txt and on the download page. Its file is delivered per the profile's
delivery spec, the original by default: the original's image data as uploaded, never
re-encoded (only its XMP packet is new), never rendered."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path
from xml.dom import minidom

import pyvips

from shop_contracts.common import DeliverySpec
from shop_delivery.domain.archives import ArchiveFile, LicenseText, license_text
from shop_media.metadata import read_metadata

from .conftest import renders_counted
from .test_archives import archive_urls
from .test_formats import assert_rights_kept, fetch

USAGE = {"Usage": "Web", "Size": "A3", "Duration": "1 year"}
USAGE_TEXT = "Usage: Web; Size: A3; Duration: 1 year"
XMP_NS = {
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
}


def rm_line(shop, media_key: str, spec: DeliverySpec | None = None, **extra):
    profile = uuid.uuid4()
    return shop.line(
        media_key,
        "Editorial RM",
        spec or DeliverySpec(),  # a rights-managed profile's default: the original
        license_id=profile,
        profile_id=profile,
        usage=USAGE,
        usage_terms="No use in advertising.",
        **extra,
    )


def xmp_values(path: Path, prefix: str, local: str) -> list[str]:
    """The x-default texts of an XMP property of the delivered file, read back."""
    packet = read_metadata(path)["xmp"] or ""
    doc = minidom.parseString(packet.encode())
    return [
        item.firstChild.data
        for node in doc.getElementsByTagNameNS(XMP_NS[prefix], local)
        for item in node.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "li")
        if item.firstChild is not None
    ]


def image_data(path: Path) -> bytes:
    """A JPEG's compressed image data: everything from its first SOS marker."""
    raw = path.read_bytes()
    return raw[raw.index(b"\xff\xda") :]


async def test_a_rights_managed_original_carries_its_usage_without_re_encoding(
    client, shop, root, tmp_path
) -> None:
    key = shop.copy_media(shop.BIG)
    original = shop.media_root / key
    before = original.read_bytes()
    with renders_counted(root) as renders:
        order_id, _ = await shop.delivered_order(
            rm_line(shop, key), shop.line(shop.SMALL, "Full", shop.ORIGINAL)
        )
    assert renders == []  # the original, not a rendition
    files = await fetch(client, shop, order_id, tmp_path)
    name = next(n for n in files if n.endswith("_editorial-rm.jpg"))
    delivered = files[name]

    # the usage, read back from the delivered file's XMP
    [terms] = xmp_values(delivered, "xmpRights", "UsageTerms")
    assert terms == f"Licensed usage (rights-managed): {USAGE_TEXT}\nNo use in advertising."
    assert xmp_values(delivered, "plus", "OtherLicenseInfo") == [f"Editorial RM ({USAGE_TEXT})"]
    assert xmp_values(delivered, "plus", "TermsAndConditionsText") == [terms]
    assert "Ada Client" in (read_metadata(delivered)["xmp"] or "")
    assert_rights_kept(delivered, "jpeg")  # the photographer's own metadata stays

    # the original: same pixels, same compressed data byte for byte, the store untouched
    assert image_data(delivered) == image_data(original)
    assert read_metadata(delivered)["width"] == 4000
    assert original.read_bytes() == before
    # a royalty-free original in the same order is still the uploaded file exactly
    assert (
        files["small-harbour_full.jpg"].read_bytes() == (shop.media_root / shop.SMALL).read_bytes()
    )

    rows = await shop.sql(
        "SELECT file_name, usage, file_source FROM delivery_items WHERE order_id = :id"
        " ORDER BY position",
        id=order_id,
    )
    assert [(row[1], row[2]) for row in rows] == [(USAGE_TEXT, "order"), (None, "media")]


async def test_a_rights_managed_tiff_original_keeps_its_pixels(client, shop, tmp_path) -> None:
    order_id, _ = await shop.delivered_order(rm_line(shop, shop.TIFF))
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    assert xmp_values(delivered, "xmpRights", "UsageTerms")[0].startswith(
        f"Licensed usage (rights-managed): {USAGE_TEXT}"
    )
    got = pyvips.Image.new_from_file(str(delivered))
    want = pyvips.Image.new_from_file(str(shop.media_root / shop.TIFF))
    assert (got.width, got.height, got.bands) == (want.width, want.height, want.bands)
    assert (got - want).abs().max() == 0
    assert_rights_kept(delivered, "tiff")


async def test_a_rights_managed_profile_with_its_own_delivery_spec(client, shop, tmp_path) -> None:
    spec = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg")
    order_id, _ = await shop.delivered_order(rm_line(shop, shop.BIG, spec))
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    meta = read_metadata(delivered)
    assert (meta["width"], meta["height"]) == (1024, 683)
    assert USAGE_TEXT in xmp_values(delivered, "xmpRights", "UsageTerms")[0]


async def test_a_rights_managed_original_without_the_stamp_is_left_as_is(
    client, shop, tmp_path
) -> None:
    order_id, _ = await shop.delivered_order(
        rm_line(shop, shop.SMALL, DeliverySpec(stamp_license=False))
    )
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    assert delivered.read_bytes() == (shop.media_root / shop.SMALL).read_bytes()


async def test_the_usage_is_in_license_txt_and_on_the_download_page(client, shop) -> None:
    order_id, completed = await shop.delivered_order(
        rm_line(shop, shop.BIG), shop.line(shop.SMALL, "Web", shop.WEB)
    )
    page = await shop.page(client, order_id)
    assert f"Editorial RM ({USAGE_TEXT})" in page
    [url] = archive_urls(page)
    archive = zipfile.ZipFile(io.BytesIO((await client.get(url)).content))
    text = archive.read("LICENSE.txt").decode()
    rm_name, rf_name = (f["file_name"] for f in completed["files"][:2])
    assert (
        f"{rm_name}\r\n  License: Editorial RM\r\n"
        f"  Licensed usage (rights-managed): {USAGE_TEXT}\r\n"
        "  Usage terms: No use in advertising.\r\n"
    ) in text
    rf_entry = text[text.index(f"{rf_name}\r\n") :].split("\r\n\r\n")[0]
    assert "rights-managed" not in rf_entry
    assert len(re.findall("Licensed usage", text)) == 1


def test_license_text_lists_the_usage_under_its_file() -> None:
    files = [
        ArchiveFile(uuid.uuid4(), "a.jpg", 10, "Editorial RM", None, "Ana", usage=USAGE_TEXT),
        ArchiveFile(uuid.uuid4(), "b.jpg", 10, "Web", "One site", "Ana"),
    ]
    text = license_text(LicenseText("N-1", "Ada", 1, 1, None, files, [], None))
    assert (
        "a.jpg\r\n  License: Editorial RM\r\n"
        f"  Licensed usage (rights-managed): {USAGE_TEXT}\r\n  Credit: Ana\r\n"
    ) in text
    assert "b.jpg\r\n  License: Web\r\n  Usage terms: One site\r\n" in text
