from pathlib import Path

import pytest

from shop_media.errors import MediaKeyError, MediaNotFoundError
from shop_media.store import LocalMediaStore, MediaStore, write_atomically


@pytest.fixture
def store(tmp_path: Path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


def test_local_store_implements_the_protocol(store: LocalMediaStore) -> None:
    assert isinstance(store, MediaStore)


def test_put_read_size_exists(store: LocalMediaStore, tmp_path: Path) -> None:
    store.put_bytes("demo/a.jpg", b"abc")
    src = tmp_path / "b.bin"
    src.write_bytes(b"12345")
    store.put_file("demo/sub/b.bin", src)

    assert store.exists("demo/a.jpg")
    assert not store.exists("demo/missing.jpg")
    assert store.size("demo/sub/b.bin") == 5
    with store.open("demo/a.jpg") as f:
        assert f.read() == b"abc"
    assert store.path_for("demo/a.jpg") == store.root / "demo" / "a.jpg"


def test_put_replaces_and_leaves_no_temp_file(store: LocalMediaStore) -> None:
    store.put_bytes("demo/a.jpg", b"old")
    store.put_bytes("demo/a.jpg", b"new")
    assert store.open("demo/a.jpg").read() == b"new"
    assert sorted(p.name for p in (store.root / "demo").iterdir()) == ["a.jpg"]


@pytest.mark.parametrize(
    "key",
    ["../x", "demo/../../x", "/etc/passwd", "a/./b", "a//b", "a/", "", " a", "a\\..\\b"],
)
def test_refuses_keys_that_escape_or_are_ambiguous(store: LocalMediaStore, key: str) -> None:
    with pytest.raises(MediaKeyError, match="media key"):
        store.path_for(key)
    with pytest.raises(MediaKeyError):
        store.put_bytes(key, b"x")


def test_refuses_a_symlink_pointing_outside(store: LocalMediaStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store.root.mkdir(parents=True)
    (store.root / "link").symlink_to(outside)
    with pytest.raises(MediaKeyError, match="outside the store root"):
        store.path_for("link/secret.txt")


def test_missing_key_is_a_clear_error(store: LocalMediaStore) -> None:
    with pytest.raises(MediaNotFoundError, match=r"demo/nope\.jpg"):
        store.size("demo/nope.jpg")


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    dest = tmp_path / "out.bin"
    dest.write_bytes(b"old")

    def crash(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(dest, crash)
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
