"""Video renditions: H.264 MP4 at a maximum height, never upscaled, audio kept as AAC."""

import math
import struct
from fractions import Fraction
from pathlib import Path

import av
import pytest

from shop_media.demo import make_demo_video
from shop_media.errors import RenderError
from shop_media.render import RenditionInfo
from shop_media.video import SourceVideo, inspect_video, target_video_size, transcode_video


@pytest.fixture(scope="module")
def hd_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "ridge-720p.mp4"
    make_demo_video(path, seconds=2.0, width=1280, height=720)
    return path


def frames_of(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def make_clip_with_audio(
    dest: Path, *, audio_codec: str, fmt: str, width: int = 160, height: int = 90
) -> None:
    """A 1 s clip (12 fps) with a 440 Hz stereo tone."""
    rate, samples = 48_000, 1024
    with av.open(str(dest), mode="w", format=fmt) as out:
        video = out.add_stream("libx264", rate=12)
        assert isinstance(video, av.video.stream.VideoStream)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream(audio_codec, rate=rate)
        assert isinstance(audio, av.audio.stream.AudioStream)
        audio.codec_context.layout = "stereo"
        sample_fmt = "s16" if audio_codec.startswith("pcm") else "fltp"
        for index in range(12):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([index * 20 % 256]) * plane.buffer_size)
            frame.pts = index
            out.mux(video.encode(frame))
        for block in range(rate // samples):
            tone = [
                math.sin(2 * math.pi * 440 * (block * samples + i) / rate) * 0.3
                for i in range(samples)
            ]
            sound = av.AudioFrame(format=sample_fmt, layout="stereo", samples=samples)
            if sample_fmt == "s16":
                data = b"".join(struct.pack("<hh", int(v * 32767), int(v * 32767)) for v in tone)
                sound.planes[0].update(data)
            else:
                data = struct.pack(f"<{samples}f", *tone)
                sound.planes[0].update(data)
                sound.planes[1].update(data)
            sound.sample_rate = rate
            sound.pts = block * samples
            out.mux(audio.encode(sound))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))


def test_720p_to_360p_h264(hd_clip: Path, tmp_path: Path) -> None:
    dest = tmp_path / "web.mp4"
    info = transcode_video(hd_clip, dest, max_height=360)
    assert isinstance(info, RenditionInfo)
    assert (info.width, info.height, info.video_codec) == (640, 360, "h264")
    assert (info.mime_type, info.extension, info.copied) == ("video/mp4", ".mp4", False)
    assert info.size_bytes == dest.stat().st_size
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    frames = frames_of(dest)
    assert len(frames) == 48
    assert {(f.width, f.height, f.format.name) for f in frames} == {(640, 360, "yuv420p")}
    assert [p.name for p in tmp_path.iterdir()] == ["web.mp4"]


def test_never_upscaled_and_copied_when_already_fine(hd_clip: Path, tmp_path: Path) -> None:
    small = tmp_path / "small.mp4"
    transcode_video(hd_clip, small, max_height=360)
    info = transcode_video(small, tmp_path / "asked-720.mp4", max_height=720)
    assert (info.width, info.height, info.copied) == (640, 360, True)
    assert len(frames_of(tmp_path / "asked-720.mp4")) == 48


def test_other_codec_is_reencoded_even_at_its_size(tmp_path: Path) -> None:
    src = tmp_path / "mpeg4.mp4"
    with av.open(str(src), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        assert isinstance(stream, av.video.stream.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame(96, 64, "yuv420p")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    info = transcode_video(src, tmp_path / "out.mp4", max_height=720)
    assert (info.width, info.height, info.video_codec, info.copied) == (96, 64, "h264", False)


def test_non_aac_audio_is_reencoded_to_aac(tmp_path: Path) -> None:
    src = tmp_path / "pcm.mkv"
    make_clip_with_audio(src, audio_codec="pcm_s16le", fmt="matroska")
    info = transcode_video(src, tmp_path / "out.mp4", max_height=90)
    assert (info.audio_codec, info.video_codec, info.copied) == ("aac", "h264", False)
    with av.open(str(tmp_path / "out.mp4")) as container:
        audio = container.streams.audio[0]
        assert (audio.codec_context.sample_rate, audio.codec_context.channels) == (48_000, 2)
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert samples == pytest.approx(48_000, abs=2048)


def test_aac_audio_is_copied_or_dropped(tmp_path: Path) -> None:
    src = tmp_path / "aac.mp4"
    make_clip_with_audio(src, audio_codec="aac", fmt="mp4")
    copied = transcode_video(src, tmp_path / "copy.mp4", max_height=720)
    assert (copied.audio_codec, copied.copied) == ("aac", True)
    smaller = transcode_video(src, tmp_path / "small.mp4", max_height=46)
    assert (smaller.width, smaller.height, smaller.audio_codec) == (82, 46, "aac")
    silent = transcode_video(src, tmp_path / "silent.mp4", max_height=720, audio=False)
    assert (silent.audio_codec, silent.copied) == (None, True)


def test_rotated_clip_is_turned_upright(hd_clip: Path, tmp_path: Path) -> None:
    rotated = tmp_path / "phone.mp4"
    with av.open(str(hd_clip)) as inp, av.open(str(rotated), mode="w") as out:
        v_in = inp.streams.video[0]
        v_out = out.add_stream_from_template(v_in)
        assert isinstance(v_out, av.video.stream.VideoStream)
        v_out.set_display_rotation(90)  # shot holding the phone upright
        for packet in inp.demux(v_in):
            if packet.dts is not None:
                packet.stream = v_out
                out.mux(packet)
    assert inspect_video(rotated).rotation == 90
    info = transcode_video(rotated, tmp_path / "upright.mp4", max_height=640)
    assert (info.width, info.height) == (360, 640)
    assert frames_of(tmp_path / "upright.mp4")[0].rotation == 0


@pytest.mark.parametrize(
    ("source", "max_height", "expected"),
    [
        ((1920, 1080, 1, 0), 720, (1280, 720)),
        ((1920, 1080, 1, 0), 1080, (1920, 1080)),
        ((1920, 1080, 1, 0), 2160, (1920, 1080)),
        ((641, 361, 1, 0), 720, (640, 360)),
        ((1440, 1080, Fraction(4, 3), 0), 720, (1280, 720)),  # anamorphic HDV
        ((1920, 1080, 1, 90), 1080, (608, 1080)),
        ((1920, 1080, 1, 0), 361, (640, 360)),
        ((1280, 720, 1, 0), 7, (10, 6)),
    ],
)
def test_target_size(
    source: tuple[int, int, Fraction | int, int], max_height: int, expected: tuple[int, int]
) -> None:
    width, height, sar, rotation = source
    video = SourceVideo(width, height, Fraction(sar), rotation, "h264", "yuv420p", None)
    assert target_video_size(video, max_height) == expected


def test_not_a_video_is_a_render_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    with pytest.raises(RenderError, match=r"junk\.mp4"):
        transcode_video(junk, tmp_path / "out.mp4", max_height=360)
    assert not (tmp_path / "out.mp4").exists()
