"""Video and audio in and out through ffmpeg (no OpenCV): raw RGB frames and float samples over pipes."""
import json
import subprocess

import numpy as np

from errors import bad_input


def probe_video(path: str, endpoint: str) -> dict:
    """Size, rate and frame count of the first video stream; a file ffprobe cannot read is a bad input."""
    if not path:
        raise bad_input(endpoint, "no video was uploaded")
    r = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
         "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,nb_read_packets:format_tags=comment",
         "-of", "json", path],
        capture_output=True, text=True)
    found = json.loads(r.stdout or "{}") if r.returncode == 0 else {}
    streams = found.get("streams")
    if not streams:
        why = (r.stderr.strip().splitlines() or ["no video stream"])[-1]
        raise bad_input(endpoint, f"the uploaded video could not be read ({why}); upload an mp4/webm with a video stream")
    s = streams[0]
    num, den = (s.get("avg_frame_rate") or s.get("r_frame_rate") or "0/1").split("/")
    fps = float(num) / float(den) if float(den) else 0.0
    frames = int(s.get("nb_read_packets") or 0)
    if not (s.get("width") and s.get("height") and fps > 0 and frames > 0):
        raise bad_input(endpoint, "the uploaded video has no frames or no frame rate")
    comment = (found.get("format") or {}).get("tags", {}).get("comment")
    return {"width": int(s["width"]), "height": int(s["height"]), "fps": fps, "frames": frames, "comment": comment}


def read_frames(path: str, width: int, height: int, endpoint: str) -> np.ndarray:
    """All frames as uint8 (frames, height, width, 3), scaled to the size the model works at."""
    r = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vf", f"scale={width}:{height}:flags=lanczos",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True)
    frame_bytes = width * height * 3
    if r.returncode != 0 or len(r.stdout) < frame_bytes:
        why = (r.stderr.decode(errors="replace").strip().splitlines() or ["no frames"])[-1]
        raise bad_input(endpoint, f"the uploaded video could not be decoded ({why})")
    n = len(r.stdout) // frame_bytes
    # A writable copy: torch warns on every frame made from a read-only buffer.
    return np.frombuffer(bytearray(r.stdout[: n * frame_bytes]), dtype=np.uint8).reshape(n, height, width, 3)


def to_uint8(frames) -> np.ndarray:
    """Floats in 0..1 (a pipeline's np output) or uint8, as contiguous uint8 (frames, h, w, 3)."""
    a = np.asarray(frames)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return np.ascontiguousarray(a)


def write_video(frames: np.ndarray, fps: float, path: str, out_fps: float | None = None, comment: str | None = None) -> None:
    """H.264 yuv420p mp4, the format browsers and the product read; out_fps retimes by dropping or
    repeating frames so the clip keeps its length (frames / fps seconds); comment goes in the container's
    comment tag (what made the clip: endpoints.made_comment)."""
    n, h, w, _ = frames.shape
    vf = [f"fps={out_fps}"] if out_fps else []
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
           "-framerate", f"{fps}", "-i", "-"]
    if vf:
        cmd += ["-vf", ",".join(vf)]
    if comment:
        cmd += ["-metadata", f"comment={comment}"]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path]
    r = subprocess.run(cmd, input=to_uint8(frames).tobytes(), capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"ffmpeg could not write the video: {r.stderr.decode(errors='replace')[-500:]}")


def read_audio(path: str, rate: int, endpoint: str, what: str = "the melody") -> np.ndarray:
    """Mono float32 samples at `rate` (a melody to condition on, a voice's reference clip)."""
    r = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"],
                       capture_output=True)
    if r.returncode != 0 or not r.stdout:
        why = (r.stderr.decode(errors="replace").strip().splitlines() or ["no audio"])[-1]
        raise bad_input(endpoint, f"{what} could not be decoded ({why})")
    return np.frombuffer(r.stdout, dtype=np.float32)


def write_audio(samples: np.ndarray, rate: int, seconds: float, path: str) -> None:
    """16-bit WAV of exactly `seconds` (padded with silence or cut), as the product asked for; samples are
    (samples,) or (channels, samples): a stereo checkpoint's two channels both go in the file."""
    a = np.asarray(samples, dtype=np.float32)
    channels = 1 if a.ndim == 1 else a.shape[0]
    interleaved = np.ascontiguousarray(a.reshape(channels, -1).T)
    r = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "f32le", "-ar", str(rate), "-ac", str(channels), "-i", "-",
         "-af", f"apad,atrim=end_sample={round(seconds * rate)}", "-c:a", "pcm_s16le", path],
        input=interleaved.tobytes(), capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"ffmpeg could not write the audio: {r.stderr.decode(errors='replace')[-500:]}")
