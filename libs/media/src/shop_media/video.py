"""Video renditions: MP4 (H.264 + AAC) at most `max_height` pixels high, with PyAV.

Blocking and CPU bound: async callers run `transcode_video` in their process/thread pool.

- Never upscales: a 360p source asked for 720p stays 360p. Sizes are even (yuv420p).
- Non-square pixels are made square and a rotated phone clip is turned upright (the
  display matrix applied, as the ffmpeg command line does), so players need no hints.
- A source already within the size, H.264 yuv420p with square pixels and AAC audio (or
  none) is stream-copied into a fresh MP4: no generation loss, and fast.
- Audio is copied when it is AAC, re-encoded to AAC otherwise, or dropped (`audio=False`).
- The container's descriptive tags (title, creation_time ...) are kept; MP4 has no slot
  for EXIF/IPTC, so the rights travel in the license and the download page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.audio.resampler import AudioResampler
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.filter import Graph
from av.stream import Stream
from av.video.frame import PictureType
from av.video.stream import VideoStream

from shop_media.errors import RenderError
from shop_media.probe import probe
from shop_media.render import RenditionInfo
from shop_media.store import write_atomically

COPYABLE_VIDEO = "h264"
AUDIO_CODEC = "aac"
AUDIO_BIT_RATE = 192_000
# Tags the muxer writes itself; copying them would describe the source file, not ours.
_MUXER_TAGS = frozenset({"major_brand", "minor_version", "compatible_brands", "encoder"})


@dataclass(frozen=True, slots=True)
class VideoRenditionInfo(RenditionInfo):
    duration_s: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None  # None: no audio track
    copied: bool = False  # streams copied without re-encoding


@dataclass(frozen=True, slots=True)
class SourceVideo:
    width: int  # coded size
    height: int
    sample_aspect: Fraction  # pixel shape; 1 for square pixels
    rotation: int  # counter-clockwise degrees to display it upright, from the display matrix
    codec: str
    pix_fmt: str | None
    audio_codec: str | None

    @property
    def display_size(self) -> tuple[float, float]:
        width, height = self.width * float(self.sample_aspect), float(self.height)
        return (height, width) if self.rotation % 180 else (width, height)


def _even_floor(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def target_video_size(source: SourceVideo, max_height: int) -> tuple[int, int]:
    """The output's even width and height: upright, square pixels, never larger."""
    if max_height < 2:
        raise RenderError(f"max_height must be at least 2 pixels, not {max_height}")
    width, height = source.display_size
    scale = min(1.0, max_height / height)
    new_height = _even_floor(height * scale)
    exact_width = width * new_height / height
    # Nearest even width for the aspect ratio, but never wider than the source shows.
    new_width = min(max(2, round(exact_width / 2) * 2), _even_floor(width))
    return new_width, new_height


def _can_copy(source: SourceVideo, size: tuple[int, int], codec: str, audio: bool) -> bool:
    same_video = (
        source.codec == COPYABLE_VIDEO
        and codec in ("libx264", "h264")
        and source.pix_fmt == "yuv420p"
        and source.sample_aspect == 1
        and source.rotation == 0  # turned upright by re-encoding, not by a player's hint
        and source.display_size == size
    )
    return same_video and (not audio or source.audio_codec in (None, AUDIO_CODEC))


def inspect_video(src: Path) -> SourceVideo:
    """Read the first video frame's geometry (rotation lives in per-frame side data)."""
    with _open_input(src) as container:
        stream = _video_stream(container, src)
        ctx = stream.codec_context
        frame = next(container.decode(stream), None)
        if frame is None:
            raise RenderError(f"{src.name} has no decodable video frame")
        sar = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        return SourceVideo(
            width=frame.width,
            height=frame.height,
            sample_aspect=Fraction(sar) if sar else Fraction(1),
            rotation=round(frame.rotation or 0) % 360,
            codec=ctx.name,
            pix_fmt=ctx.pix_fmt,
            audio_codec=audio,
        )


def transcode_video(
    src: Path,
    dest: Path,
    *,
    max_height: int,
    codec: str = "libx264",
    crf: int = 23,
    audio: bool = True,
    preset: str = "medium",
) -> VideoRenditionInfo:
    """Write an MP4 of `src` at most `max_height` high to `dest`, atomically; describe it."""
    try:
        source = inspect_video(src)
        size = target_video_size(source, max_height)
        copy = _can_copy(source, size, codec, audio)
        options = {"crf": str(crf), "preset": preset} if codec.startswith("libx26") else {}

        def write(tmp: Path) -> None:
            with _open_input(src) as inp, _open_output(tmp) as out:
                _copy_tags(inp, out)
                if copy:
                    _remux(inp, out, audio)
                else:
                    _transcode(inp, out, source, size, codec, options, audio)

        write_atomically(dest, write)
    except av.FFmpegError as exc:
        raise RenderError(f"cannot transcode {src.name}: {exc}") from exc
    return _describe(dest, copied=copy)


def _open_input(src: Path) -> InputContainer:
    try:
        return av.open(str(src), mode="r")
    except av.FFmpegError as exc:
        raise RenderError(f"{src.name} is not a video file FFmpeg can read: {exc}") from exc


def _open_output(path: Path) -> OutputContainer:
    # The temp file's name ends in .tmp: name the format. faststart: playable while loading.
    return av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})


def _video_stream(container: InputContainer, src: Path) -> VideoStream:
    if not container.streams.video:
        raise RenderError(f"{src.name} has no video stream")
    return container.streams.video[0]


def _copy_tags(inp: InputContainer, out: OutputContainer) -> None:
    for key, value in inp.metadata.items():
        if key not in _MUXER_TAGS:
            out.metadata[key] = value


def _remux(inp: InputContainer, out: OutputContainer, audio: bool) -> None:
    v_in = inp.streams.video[0]
    a_in = inp.streams.audio[0] if audio and inp.streams.audio else None
    mapping: dict[int, Stream] = {v_in.index: out.add_stream_from_template(v_in)}
    if a_in is not None:
        mapping[a_in.index] = out.add_stream_from_template(a_in)
    for packet in inp.demux(*(s for s in (v_in, a_in) if s is not None)):
        if packet.dts is None:  # the demuxer's end-of-stream marker
            continue
        packet.stream = mapping[packet.stream.index]
        out.mux(packet)


def _transcode(
    inp: InputContainer,
    out: OutputContainer,
    source: SourceVideo,
    size: tuple[int, int],
    codec: str,
    options: dict[str, str],
    audio: bool,
) -> None:
    v_in = inp.streams.video[0]
    v_in.thread_type = "AUTO"
    rate = v_in.average_rate or v_in.guessed_rate or Fraction(25)
    v_out = out.add_stream(codec, rate=rate, options=options)
    if not isinstance(v_out, VideoStream):
        raise RenderError(f"{codec} is not a video encoder")
    v_out.width, v_out.height, v_out.pix_fmt = size[0], size[1], "yuv420p"
    if v_in.time_base is not None:
        v_out.codec_context.time_base = v_in.time_base
    graph = scale_graph(v_in, source, size)

    a_in = inp.streams.audio[0] if audio and inp.streams.audio else None
    audio_out = _AudioOut(out, a_in) if a_in is not None else None

    def encode(frame: av.VideoFrame | None) -> None:
        if frame is not None:
            frame.pict_type = PictureType.NONE  # let x264 choose, not the source's types
        out.mux(v_out.encode(frame))

    for packet in inp.demux(*(s for s in (v_in, a_in) if s is not None)):
        if packet.stream.index == v_in.index:
            for frame in packet.decode():
                graph.vpush(frame)  # type: ignore[arg-type]
                drain(graph, encode)
        elif audio_out is not None:
            audio_out.handle(packet)
    graph.vpush(None)
    drain(graph, encode)
    encode(None)
    if audio_out is not None:
        audio_out.flush()


def scale_graph(
    stream: VideoStream, source: SourceVideo, size: tuple[int, int], *, flags: str = "lanczos"
) -> Graph:
    """Upright (the display matrix applied), scaled to `size`, square pixels, yuv420p."""
    graph = Graph()
    chain = [graph.add_buffer(template=stream)]
    # The display matrix is counter-clockwise; transpose=clock turns 90 deg clockwise.
    turns = {90: [("transpose", "cclock")], 180: [("hflip", ""), ("vflip", "")]}
    turns[270] = [("transpose", "clock")]
    for name, args in turns.get(source.rotation, []):
        chain.append(graph.add(name, args))
    chain.append(graph.add("scale", f"{size[0]}:{size[1]}:flags={flags}"))
    chain.append(graph.add("setsar", "1"))
    chain.append(graph.add("format", "yuv420p"))
    chain.append(graph.add("buffersink"))
    graph.link_nodes(*chain).configure()
    return graph


def drain(graph: Graph, encode: Callable[[av.VideoFrame], None]) -> None:
    """Encode every frame the graph has ready (PyAV's errors subclass these builtins)."""
    while True:
        try:
            frame = graph.vpull()
        except (BlockingIOError, EOFError):
            return
        encode(frame)


class _AudioOut:
    """Copies AAC packets as they are; decodes, resamples and encodes anything else."""

    def __init__(self, out: OutputContainer, stream: AudioStream) -> None:
        self._out = out
        self._copy = stream.codec_context.name == AUDIO_CODEC
        if self._copy:
            self._stream = out.add_stream_from_template(stream)
            return
        rate = stream.codec_context.sample_rate or 48_000
        encoder = out.add_stream(AUDIO_CODEC, rate=rate)
        if not isinstance(encoder, AudioStream):
            raise RenderError("the AAC encoder gave no audio stream")
        # Mono stays mono, anything else becomes stereo (surround is downmixed): files
        # saying just "2 channels" would be refused by the AAC encoder as they are.
        layout = "mono" if stream.codec_context.channels == 1 else "stereo"
        encoder.codec_context.layout = layout
        encoder.codec_context.format = "fltp"  # the native AAC encoder's only format
        encoder.codec_context.bit_rate = AUDIO_BIT_RATE
        self._encoder = encoder
        self._resampler = AudioResampler(format="fltp", layout=layout, rate=rate)

    def handle(self, packet: av.Packet[Stream]) -> None:
        if self._copy:
            if packet.dts is not None:
                packet.stream = self._stream
                self._out.mux(packet)
            return
        for frame in packet.decode():
            assert isinstance(frame, av.AudioFrame)
            frame.pts = None  # the encoder numbers samples itself: no gaps from rounding
            for resampled in self._resampler.resample(frame):
                self._out.mux(self._encoder.encode(resampled))

    def flush(self) -> None:
        if self._copy:
            return
        for resampled in self._resampler.resample(None):
            self._out.mux(self._encoder.encode(resampled))
        self._out.mux(self._encoder.encode(None))


def _describe(dest: Path, *, copied: bool) -> VideoRenditionInfo:
    info = probe(dest)
    with av.open(str(dest)) as container:
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
    duration = info.duration_s
    return VideoRenditionInfo(
        width=info.width,
        height=info.height,
        size_bytes=info.size_bytes,
        mime_type="video/mp4",
        extension=".mp4",
        duration_s=None if duration is None or math.isnan(duration) else duration,
        video_codec=info.codec,
        audio_codec=audio,
        copied=copied,
    )
