"""Issue 12: a rights-managed line's usage (the options the client chose, in the profile's
group order) goes with its file: in the file's XMP license (read back from the delivered
file), in LICENSE.txt and on the download page. Its file is delivered per the profile's
delivery spec, the original by default: then the uploaded file unchanged (never rendered,
re-encoded or stamped, as any original), the usage in LICENSE.txt and on the page."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path
from xml.dom import minidom

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


WEB_JPEG = DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg")


async def test_the_usage_is_written_into_the_delivered_jpegs_xmp(client, shop, tmp_path) -> None:
    order_id, completed = await shop.delivered_order(rm_line(shop, shop.BIG, WEB_JPEG))
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    meta = read_metadata(delivered)
    assert (meta["format"], meta["width"], meta["height"]) == ("jpeg", 1024, 683)  # its spec

    # the usage, read back from the delivered file's XMP
    [terms] = xmp_values(delivered, "xmpRights", "UsageTerms")
    assert terms == f"Licensed usage (rights-managed): {USAGE_TEXT}\nNo use in advertising."
    assert xmp_values(delivered, "plus", "TermsAndConditionsText") == [terms]
    assert xmp_values(delivered, "plus", "OtherLicenseInfo") == [f"Editorial RM ({USAGE_TEXT})"]
    xmp = meta["xmp"] or ""
    assert "Ada Client" in xmp
    assert completed["number"] in xmp
    assert_rights_kept(delivered, "jpeg")  # the photographer's own metadata stays
    [(usage,)] = await shop.sql(
        "SELECT usage FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert usage == USAGE_TEXT


async def test_the_usage_in_a_tiff_rendition(client, shop, tmp_path) -> None:
    spec = DeliverySpec(mode="long_edge", long_edge=600)  # TIFF stays TIFF
    order_id, _ = await shop.delivered_order(rm_line(shop, shop.TIFF, spec))
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    assert read_metadata(delivered)["format"] == "tiff"
    [terms] = xmp_values(delivered, "xmpRights", "UsageTerms")
    assert terms.startswith(f"Licensed usage (rights-managed): {USAGE_TEXT}")


async def test_a_rights_managed_original_is_the_uploaded_file_unchanged(
    client, shop, root, tmp_path
) -> None:
    """The profile's default delivery: the original, as uploaded (not rendered, not
    re-encoded, not even re-stamped); the usage is in LICENSE.txt and on the page."""
    key = shop.copy_media(shop.BIG)
    with renders_counted(root) as renders:
        order_id, _ = await shop.delivered_order(rm_line(shop, key), rm_line(shop, shop.TIFF))
    assert renders == []
    files = await fetch(client, shop, order_id, tmp_path)
    by_suffix = {name.rsplit(".", 1)[1]: path for name, path in files.items()}
    assert by_suffix["jpg"].read_bytes() == (shop.media_root / key).read_bytes()
    assert by_suffix["tif"].read_bytes() == (shop.media_root / shop.TIFF).read_bytes()
    rows = await shop.sql(
        "SELECT usage, file_source FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert {tuple(row) for row in rows} == {(USAGE_TEXT, "media")}
    assert f"Editorial RM ({USAGE_TEXT})" in await shop.page(client, order_id)


async def test_a_rights_managed_rendition_without_the_stamp(client, shop, tmp_path) -> None:
    spec = DeliverySpec(mode="long_edge", long_edge=400, stamp_license=False)
    order_id, _ = await shop.delivered_order(rm_line(shop, shop.SMALL, spec))
    [delivered] = (await fetch(client, shop, order_id, tmp_path)).values()
    assert "rights-managed" not in (read_metadata(delivered)["xmp"] or "")


async def test_the_usage_is_in_license_txt_and_on_the_download_page(client, shop) -> None:
    order_id, completed = await shop.delivered_order(
        rm_line(shop, shop.BIG),
        shop.line(shop.SMALL, "Web", shop.WEB),  # RM: the original
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
