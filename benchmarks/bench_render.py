"""Rendition throughput and peak memory: pyvips (shop_media) against Pillow.

    uv run python benchmarks/bench_render.py [--files N] [--quick]

Generates N 24-megapixel JPEGs (6000x4000, demo landscapes with EXIF/XMP/IPTC/ICC), then
runs each measurement in its own child process (so peak RSS is that measurement's alone):

- vips 1024: `shop_media.render_image`, long edge 1024, q90 (shrink-on-load, EXIF/XMP/
  IPTC/ICC kept, optimised Huffman tables).
- vips full: the same pipeline at full size (render_image would copy the original
  untouched, so the load/save steps are called directly), q90.
- pillow 1024: open, `resize(LANCZOS)` without `draft` (no shrink-on-load), save q90
  with EXIF and ICC.  pillow-draft: `thumbnail` (uses JPEG draft mode), for reference.
- pillow full: open, load, save q90 with EXIF and ICC.

each with one worker and with a 2-thread pool (both libraries release the GIL).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WIDTH, HEIGHT, LONG_EDGE, QUALITY = 6000, 4000, 1024, 90


def _rss_mb() -> float:
    """Current resident set size, from /proc (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    """This process's RSS high-water mark. /proc's VmHWM, not getrusage's ru_maxrss: Linux
    carries ru_maxrss over exec, so a child would report the parent's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _vips_worker(size: str, out_dir: Path) -> object:
    import pyvips

    from shop_media.metadata import prepare_for_save, text_tags_of
    from shop_media.render import render_image, save_image
    from shop_media.spec import DeliverySpec

    spec = DeliverySpec(mode="long_edge", long_edge=LONG_EDGE, quality=QUALITY)

    def render(src: Path) -> None:
        dest = out_dir / f"{src.stem}-{size}.jpg"
        if size == "1024":
            render_image(src, dest, spec)
            return
        image = pyvips.Image.new_from_file(str(src), access="sequential")
        image = prepare_for_save(image, text_tags_of(src, image), "jpeg")
        save_image(image, dest, "jpeg", QUALITY)  # the renderer's own encoder settings

    return render


def _pillow_worker(size: str, out_dir: Path, draft: bool) -> object:
    from PIL import Image

    def render(src: Path) -> None:
        dest = out_dir / f"{src.stem}-{size}.jpg"
        with Image.open(src) as im:
            exif, icc = im.info.get("exif", b""), im.info.get("icc_profile")
            out: Image.Image
            if size == "1024":
                if draft:
                    im.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
                    out = im
                else:
                    scale = LONG_EDGE / max(im.size)
                    new = (round(im.width * scale), round(im.height * scale))
                    out = im.resize(new, Image.Resampling.LANCZOS)
            else:
                im.load()
                out = im
            out.save(dest, "JPEG", quality=QUALITY, exif=exif, icc_profile=icc)

    return render


def child(lib: str, size: str, workers: int, files: list[Path]) -> None:
    """One measurement; prints JSON on stdout."""
    out_dir = Path(tempfile.mkdtemp(prefix="bench-out-"))
    if lib.startswith("vips"):
        render = _vips_worker(size, out_dir)
    else:
        render = _pillow_worker(size, out_dir, draft=lib == "pillow-draft")
    assert callable(render)
    base = _rss_mb()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(render, files))
    seconds = time.perf_counter() - started
    out_bytes = sum(p.stat().st_size for p in out_dir.iterdir()) / len(files)
    for path in out_dir.iterdir():
        path.unlink()
    out_dir.rmdir()
    result = {"n": len(files), "seconds": seconds, "peak_mb": _peak_mb(), "base_mb": base}
    print(json.dumps(result | {"out_mb": out_bytes / 1e6}))


def measure(lib: str, size: str, workers: int, files: list[Path]) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", lib, size, str(workers), *map(str, files)]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["per_s"] = result["n"] / result["seconds"]
    return result


def generate(count: int, folder: Path) -> list[Path]:
    from shop_media.demo import make_demo_jpeg

    files = []
    for seed in range(count):
        path = folder / f"big-{seed}.jpg"
        make_demo_jpeg(path, width=WIDTH, height=HEIGHT, title="Bench", credit="Ana", seed=seed)
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=6, help="24 MP JPEGs to render (6)")
    parser.add_argument("--quick", action="store_true", help="2 files, for a smoke test")
    args = parser.parse_args()
    count = 2 if args.quick else args.files
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        started = time.perf_counter()
        files = generate(count, Path(tmp))
        mb = sum(p.stat().st_size for p in files) / count / 1e6
        print(
            f"{count} JPEGs {WIDTH}x{HEIGHT} (~{mb:.1f} MB each) generated in "
            f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs"
        )
        runs = [
            (lib, size, workers)
            for size in ("1024", "full")
            for workers in (1, 2)
            for lib in ("vips", "pillow")
        ] + [("pillow-draft", "1024", 1)]
        results = {run: measure(*run, files) for run in runs}

    print(
        f"\n{'library':<13}{'size':>6}{'workers':>8}{'renditions/s':>14}"
        f"{'ms each':>9}{'peak MB':>9}{'(base)':>8}{'out MB':>8}"
    )
    for (lib, size, workers), r in results.items():
        print(
            f"{lib:<13}{size:>6}{workers:>8}{r['per_s']:>14.2f}"
            f"{1000 / r['per_s'] * workers:>9.0f}{r['peak_mb']:>9.0f}{r['base_mb']:>8.0f}"
            f"{r['out_mb']:>8.2f}"
        )
    print()
    for size in ("1024", "full"):
        for workers in (1, 2):
            vips, pil = results[("vips", size, workers)], results[("pillow", size, workers)]
            print(
                f"vips/pillow {size:>4} x{workers}: speed {vips['per_s'] / pil['per_s']:.2f}x, "
                f"peak memory {vips['peak_mb'] / pil['peak_mb']:.2f}x"
            )

    def pick(lib: str, size: str) -> float:
        return results[(lib, size, 2)]["per_s"]  # the 2-worker pool: the service's setup

    vips_peak = max(r["peak_mb"] for (lib, _, _), r in results.items() if lib == "vips")
    pil_peak = max(r["peak_mb"] for (lib, _, _), r in results.items() if lib == "pillow")
    print(
        f"bench-render: vips_1024_per_s={pick('vips', '1024'):.2f} "
        f"pillow_1024_per_s={pick('pillow', '1024'):.2f} "
        f"speedup_1024={pick('vips', '1024') / pick('pillow', '1024'):.2f} "
        f"vips_full_per_s={pick('vips', 'full'):.2f} "
        f"pillow_full_per_s={pick('pillow', 'full'):.2f} "
        f"speedup_full={pick('vips', 'full') / pick('pillow', 'full'):.2f} "
        f"vips_peak_mb={vips_peak:.0f} pillow_peak_mb={pil_peak:.0f}"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), [Path(p) for p in sys.argv[5:]])
    else:
        main()
