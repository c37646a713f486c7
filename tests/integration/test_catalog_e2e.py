"""Issue 11's "Done when" across the five processes, through the contract's APIs only: a
photographer uploads their own images, prices them with a price list and puts them in a
gallery; a client finds the gallery, fills a cart, checks out, pays with the sandbox processor
and downloads the very files that were uploaded. Private galleries stay hidden; a whole
gallery sells as one line and delivers every file."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from shop_devtools.client import default_client

from .catalog_helpers import Json, make_jpeg, new_gallery, row, sha256

ORIGINAL_PRICE = 9000
SCREEN_PRICE = 3000
WHOLE_GALLERY_PRICE = 15000


@dataclass
class Upload:
    id: str
    title: str
    keyword: str
    digest: str  # sha256 of the uploaded file


@pytest.fixture(scope="module")
def tag() -> str:
    """A word no other test's media carry (titles and keywords are searched)."""
    return f"e2e{uuid.uuid4().hex[:8]}"


async def upload(
    shop, folder: Path, *, iptc_title: str, keyword: str, seed: int, title: str | None = None
) -> Upload:
    """Make a JPEG and upload it (`title`: the form's optional title field)."""
    path = folder / f"{keyword}-{seed}.jpg"
    data = make_jpeg(path, title=iptc_title, keywords=[keyword, "harbour"], seed=seed)
    response = await shop.client.upload_media(path, title=title)
    assert response.status_code == 201, f"upload: {response.status_code} {response.text[:500]}"
    media: Json = response.json()
    assert media["kind"] == "image"
    assert (media["width"], media["height"]) == (1200, 800)
    return Upload(media["id"], media["title"], keyword, sha256(data))


@pytest.fixture(scope="module")
async def uploads(shop, tag, tmp_path_factory) -> list[Upload]:
    """Two of the photographer's own images, uploaded through the admin API."""
    folder = tmp_path_factory.mktemp("uploads")
    first = await upload(shop, folder, iptc_title=f"Harbour at dawn {tag}", keyword=tag, seed=11)
    second = await upload(
        shop, folder, iptc_title="IPTC title", keyword=tag, seed=12, title=f"Quay {tag}"
    )
    return [first, second]


@pytest.fixture(scope="module")
async def price_list(shop, tag) -> Json:
    """A royalty-free profile: Screen (800 px), Original, and Poster (bigger than the uploads)."""
    rows = [
        row("Screen", SCREEN_PRICE, {"mode": "long_edge", "long_edge": 800}),
        row("Original", ORIGINAL_PRICE, {"mode": "original"}),
        row("Poster", 40000, {"mode": "long_edge", "long_edge": 6000}),
    ]
    body = {"name": f"Downloads {tag}", "kind": "royalty_free", "rows": rows}
    profile = await shop.client.admin_call(
        "POST", "catalog", "/api/admin/pricing-profiles", body, expect=201
    )
    assert [r["name"] for r in profile["rows"]] == ["Screen", "Original", "Poster"]
    assert all(r["id"] for r in profile["rows"])
    return profile


def row_id(profile: Json, name: str) -> str:
    [found] = [r["id"] for r in profile["rows"] if r["name"] == name]
    return str(found)


async def delivered_files(shop, order: Json) -> tuple[list[bytes], list[str]]:
    """Every file of the order's download page (the bytes), and the ZIP archives' entries'
    sha256 ("Download all")."""
    page = await shop.client.download_page(order)
    files = []
    for link in page.links_containing("/downloads/"):
        response = await shop.client.http.get(link)
        assert response.status_code == 200, f"{link}: {response.status_code}"
        assert "attachment" in response.headers.get("content-disposition", "")
        files.append(response.content)
    zipped = []
    for link in page.links_containing("/archive/"):
        response = await shop.client.http.get(link)
        assert response.status_code == 200, f"{link}: {response.status_code}"
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            zipped += [
                sha256(archive.read(name))
                for name in archive.namelist()
                if name.lower().endswith((".jpg", ".jpeg"))
            ]
    return files, zipped


# --- the photographer's journey ------------------------------------------------------------


async def test_uploads_read_their_title_and_keywords(shop, uploads, tag):
    first, second = uploads
    media = await shop.client.admin_call("GET", "catalog", f"/api/admin/media/{first.id}")
    assert media["title"] == f"Harbour at dawn {tag}", "the IPTC title (2:05) was not read"
    assert tag in media["keywords"], f"the IPTC keywords (2:25) were not read: {media}"
    assert second.title == f"Quay {tag}", "the form's title comes before the file's"


async def test_a_client_buys_the_uploaded_originals_from_a_public_gallery(
    shop, uploads, price_list, tag
):
    ids = [u.id for u in uploads]
    gallery = await new_gallery(shop, ids, pricing_profile_ids=[price_list["id"]])
    web, original = row_id(price_list, "Screen"), row_id(price_list, "Original")

    # The client finds it: the public list, the gallery, the search.
    assert gallery["slug"] in [g["slug"] for g in await shop.client.galleries()]
    response = await shop.client.gallery(gallery["slug"])
    assert response.status_code == 200, response.text
    shown = response.json()
    assert [m["id"] for m in shown["media"]] == ids, "the gallery's order is kept"
    for media in shown["media"]:
        offers = {o["name"]: o for o in media["offers"]}
        assert set(offers) == {"Screen", "Original"}, "a row bigger than the original is offered"
        assert offers["Original"]["license_id"] == original
        assert offers["Original"]["price"] == ORIGINAL_PRICE
        assert media["thumbnail_url"]
        assert media["preview_url"]
    found = {m["id"] for m in await shop.client.search(tag)}
    assert set(ids) <= found, f"search {tag!r} found {found}"
    one = await shop.client.http.get(shop.client.url("catalog", f"/api/media/{ids[0]}"))
    assert one.status_code == 200, one.text
    assert original in [o["license_id"] for o in one.json()["offers"]]

    # The cart: one line per media, a new license replaces the old one.
    for media_id in ids:
        await shop.client.wait_for_offer(media_id, original)
    cart = await shop.client.new_cart()
    await shop.client.add_to_cart(cart["id"], {"media_id": ids[0], "license_id": web})
    await shop.client.add_to_cart(cart["id"], {"media_id": ids[0], "license_id": original})
    cart = await shop.client.add_to_cart(cart["id"], {"media_id": ids[1], "license_id": original})
    assert sorted(line["media_id"] for line in cart["lines"]) == sorted(ids)
    assert {line["license_id"] for line in cart["lines"]} == {original}
    assert cart["total"] == 2 * ORIGINAL_PRICE
    again = await shop.client.http.get(shop.client.url("orders", f"/api/carts/{cart['id']}"))
    assert again.status_code == 200
    assert again.json()["total"] == 2 * ORIGINAL_PRICE

    # Checkout from the cart, card payment through the sandbox processor.
    await shop.client.settings("payments", card_processor="sandbox")
    client = shop.new_email("catalog-buyer")
    response = await shop.client.post_order(
        {"client": default_client(client), "cart_id": cart["id"]}
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["total"] == 2 * ORIGINAL_PRICE
    await shop.client.pay_with_sandbox(order)
    await shop.client.wait_for_order(
        order, status="delivered", payment_status="paid", delivery_status="delivered"
    )
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")

    # The delivered files are the uploaded originals, byte for byte.
    files, zipped = await delivered_files(shop, order)
    assert sorted(sha256(f) for f in files) == sorted(u.digest for u in uploads)
    assert sorted(zipped) == sorted(u.digest for u in uploads), "Download all: both files"


async def test_a_private_gallery_is_hidden_and_needs_its_password(shop, price_list, tmp_path):
    secret = f"hidden{uuid.uuid4().hex[:8]}"
    hidden = await upload(shop, tmp_path, iptc_title=f"Backstage {secret}", keyword=secret, seed=13)
    password = f"pw-{uuid.uuid4().hex[:10]}"
    gallery = await new_gallery(
        shop,
        [hidden.id],
        visibility="private",
        password=password,
        pricing_profile_ids=[price_list["id"]],
    )

    assert gallery["slug"] not in [g["slug"] for g in await shop.client.galleries()]
    assert hidden.id not in {m["id"] for m in await shop.client.search(secret)}
    assert hidden.id not in {m["id"] for m in await shop.client.search("Backstage")}
    alone = await shop.client.http.get(shop.client.url("catalog", f"/api/media/{hidden.id}"))
    assert alone.status_code in (403, 404), "a private gallery's media is reachable by its id"
    assert (await shop.client.gallery(gallery["slug"])).status_code == 403
    assert (await shop.client.gallery(gallery["slug"], "not-the-password")).status_code == 403
    unlocked = await shop.client.gallery(gallery["slug"], password)
    assert unlocked.status_code == 200, unlocked.text
    assert [m["id"] for m in unlocked.json()["media"]] == [hidden.id]


async def test_a_whole_gallery_sells_as_one_line_and_delivers_every_file(shop, uploads, price_list):
    ids = [u.id for u in uploads]
    gallery = await new_gallery(
        shop,
        ids,
        pricing_profile_ids=[price_list["id"]],
        whole_gallery_price=WHOLE_GALLERY_PRICE,
    )
    shown = (await shop.client.gallery(gallery["slug"])).json()
    assert shown["whole_gallery_price"] == WHOLE_GALLERY_PRICE

    cart = await shop.client.new_cart()
    cart = await shop.client.add_to_cart(cart["id"], {"gallery_id": gallery["id"]})
    [line] = cart["lines"]
    assert line["gallery_id"] == gallery["id"]
    assert line["price"] == cart["total"] == WHOLE_GALLERY_PRICE

    client = shop.new_email("gallery-buyer")
    response = await shop.client.post_order(
        {"client": default_client(client), "cart_id": cart["id"]}
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["total"] == WHOLE_GALLERY_PRICE
    paid = await shop.client.admin_command(order["id"], "mark-paid")
    assert paid.status_code == 202, paid.text
    await shop.client.wait_for_order(order, status="delivered", delivery_status="delivered")

    files, zipped = await delivered_files(shop, order)
    assert sorted(sha256(f) for f in files) == sorted(u.digest for u in uploads), (
        "a whole gallery delivers each of its files as uploaded"
    )
    assert sorted(zipped) == sorted(u.digest for u in uploads), "Download all: every file"
