import pytest
from pydantic import ValidationError

from shop_media.sizing import target_size
from shop_media.spec import DeliverySpec


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"mode": "long_edge"}, "long_edge"),
        ({"mode": "fit", "width": 100}, "height"),
        ({"mode": "fill"}, "width, height"),
        ({"mode": "megabytes"}, "megabytes"),
    ],
)
def test_mode_needs_its_fields(fields: dict[str, object], missing: str) -> None:
    with pytest.raises(ValidationError, match=f"needs {missing}"):
        DeliverySpec.model_validate(fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"mode": "long_edge", "long_edge": 0},
        {"mode": "fit", "width": -1, "height": 10},
        {"mode": "megabytes", "megabytes": 0},
        {"quality": 101},
        {"format": "gif"},
        {"colour": "red"},
    ],
)
def test_rejects_bad_values(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DeliverySpec.model_validate(fields)


def test_keys_are_short_stable_and_distinct() -> None:
    assert DeliverySpec().key() == "original"
    assert DeliverySpec(mode="long_edge", long_edge=1024).key() == "long_edge-1024-same-q90"
    fit = DeliverySpec(mode="fit", width=100, height=80, format="jpeg", quality=80)
    assert fit.key() == "fit-100x80-jpeg-q80"
    assert DeliverySpec(mode="megabytes", megabytes=3).key() == "megabytes-3-same-q90"
    assert DeliverySpec(mode="fill", width=100, height=80).key() != fit.key()


def test_spec_round_trips_through_json() -> None:
    spec = DeliverySpec(mode="fill", width=150, height=100, format="webp", quality=75)
    assert DeliverySpec.model_validate_json(spec.model_dump_json()) == spec


@pytest.mark.parametrize(
    ("spec", "size", "expected"),
    [
        (DeliverySpec(mode="long_edge", long_edge=1024), (4000, 2667), (1024, 683)),
        (DeliverySpec(mode="long_edge", long_edge=1024), (3000, 4000), (768, 1024)),
        (DeliverySpec(mode="long_edge", long_edge=1024), (800, 600), (800, 600)),
        (DeliverySpec(mode="fit", width=100, height=100), (3000, 2000), (100, 67)),
        (DeliverySpec(mode="fill", width=100, height=100), (3000, 2000), (150, 100)),
        (DeliverySpec(mode="fill", width=5000, height=5000), (3000, 2000), (3000, 2000)),
        (DeliverySpec(mode="megabytes", megabytes=3), (4000, 2667), (1225, 817)),
        (DeliverySpec(mode="megabytes", megabytes=100), (4000, 2667), (4000, 2667)),
    ],
)
def test_target_size_never_upscales(
    spec: DeliverySpec, size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert target_size(spec, *size) == expected


def test_a_license_bigger_than_the_original_is_detected() -> None:
    from shop_media.sizing import exceeds_original

    assert exceeds_original(DeliverySpec(mode="long_edge", long_edge=5000), 4000, 2667)
    assert not exceeds_original(DeliverySpec(mode="long_edge", long_edge=4000), 4000, 2667)
    assert exceeds_original(DeliverySpec(mode="megabytes", megabytes=40), 4000, 2667)
    assert not exceeds_original(DeliverySpec(mode="fit", width=1000, height=1000), 4000, 2667)
    assert not exceeds_original(DeliverySpec(), 100, 100)
