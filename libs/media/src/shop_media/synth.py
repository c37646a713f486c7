"""Deterministic synthetic landscapes drawn with libvips operations (no numpy needed).

Smooth shapes are drawn at a quarter of the final size and enlarged, then fine grain is
added at full size: a 4000 px picture takes well under a second on two cores.
"""

from __future__ import annotations

import random

import pyvips

_SCALE = 4  # big pictures draw their smooth layers at 1/_SCALE size
Colour = tuple[float, float, float]


def landscape(width: int, height: int, seed: int) -> pyvips.Image:
    """An 8-bit sRGB picture: sky gradient, sun glow, mountain ridges, lake, grain."""
    rng = random.Random(seed)
    scale = _SCALE if max(width, height) >= 2000 else 1  # small frames: full detail
    w, h = max(8, width // scale), max(8, height // scale)
    xyz = pyvips.Image.xyz(w, h)
    x, y = xyz[0], xyz[1]
    sky_top, sky_low = _palette(rng)
    picture = _gradient(y / h, sky_top, sky_low)
    picture = _add_sun(picture, x, y, w, h, rng)
    horizon = 0.62 + rng.uniform(-0.05, 0.05)
    for depth in range(3):
        picture = _add_ridge(picture, w, h, horizon, depth, rng)
    picture = _add_lake(picture, y, h, horizon)
    picture = picture.resize(width / w, vscale=height / h, kernel="linear")
    picture = picture.crop(0, 0, width, height) if picture.width > width else picture
    grain = pyvips.Image.gaussnoise(picture.width, picture.height, sigma=4.0, mean=0.0, seed=seed)
    picture = (picture + grain).cast("uchar")
    return picture.copy(interpretation="srgb")


def _palette(rng: random.Random) -> tuple[Colour, Colour]:
    hue = rng.choice([(40, 70, 140), (70, 40, 110), (20, 60, 120)])
    low = rng.choice([(250, 180, 120), (255, 200, 150), (240, 150, 130)])
    return (float(hue[0]), float(hue[1]), float(hue[2])), (
        float(low[0]),
        float(low[1]),
        float(low[2]),
    )


def _gradient(t: pyvips.Image, top: Colour, bottom: Colour) -> pyvips.Image:
    # 1-band t times a 3-element constant gives a 3-band image.
    delta = [b - a for a, b in zip(top, bottom, strict=True)]
    return t * delta + list(top)


def _add_sun(
    picture: pyvips.Image, x: pyvips.Image, y: pyvips.Image, w: int, h: int, rng: random.Random
) -> pyvips.Image:
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.35, 0.5) * h
    radius = 0.05 * min(w, h)
    distance = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
    glow = (1 - distance / (radius * 6)).clamp(min=0, max=1) ** 2 * 120
    disc = (distance < radius).ifthenelse([255, 245, 220], [0, 0, 0]) * 0.9
    return picture + glow + disc


def _add_ridge(
    picture: pyvips.Image, w: int, h: int, horizon: float, depth: int, rng: random.Random
) -> pyvips.Image:
    """A mountain ridge: a sum of sines along x, filled below with a hazy colour."""
    x = pyvips.Image.xyz(w, 1)[0]
    line = pyvips.Image.black(w, 1) + h * (horizon - 0.18 + 0.07 * depth)
    for _ in range(4):
        amplitude = rng.uniform(0.01, 0.06) * h / (depth + 1)
        period = rng.uniform(0.15, 0.9) * w
        line = line + ((x * (360 / period)) + rng.uniform(0, 360)).sin() * amplitude
    ridge = line.replicate(1, h)
    rows = pyvips.Image.xyz(w, h)[1]
    shade = 90 - 28 * depth
    colour = [shade * 0.55 + 20, shade * 0.7 + 25, shade + 30]
    mountain = (rows - ridge) / (h * 0.4)  # darker towards the valley
    fill = _gradient(mountain.clamp(min=0, max=1), (colour[0], colour[1], colour[2]), (10, 20, 30))
    # A one-pixel soft edge instead of a hard mask: no staircase once enlarged.
    alpha = (rows - ridge + 0.5).clamp(min=0, max=1)
    return fill * alpha + picture * (1 - alpha)


def _add_lake(picture: pyvips.Image, y: pyvips.Image, h: int, horizon: float) -> pyvips.Image:
    """Below the horizon: the picture mirrored, darkened and tinted blue."""
    line = int(h * horizon)
    reflected = picture.flip("vertical")
    reflected = reflected.crop(0, 0, picture.width, h).embed(0, 2 * line - h + 1, picture.width, h)
    water = reflected * [0.55, 0.65, 0.8] + [10, 25, 45]
    ripple = (y * 55).sin() * 3
    return (y >= line).ifthenelse(water + ripple, picture)
