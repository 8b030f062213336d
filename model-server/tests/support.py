"""What the model server's unit tests share: the server's modules on the path, the tiny-model builders of
test/fixtures/model-server/tiny_models.py, settings for a CPU server, and clips made with ffmpeg."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.dirname(HERE)
FIXTURES = os.path.join(SERVER, "..", "test", "fixtures", "model-server")
sys.path.insert(0, SERVER)
torch.set_num_threads(1)


def tiny_sound():
    """The builders of /speak's and /sfx's tiny models (tests/tiny_sound.py, also run by test/model-server-sound.test.ts)."""
    spec = importlib.util.spec_from_file_location("tiny_sound", os.path.join(HERE, "tiny_sound.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_models():
    spec = importlib.util.spec_from_file_location("tiny_models", os.path.join(FIXTURES, "tiny_models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_settings(**models):
    from settings import ModelSettings, Settings
    m = {"video": "unused", "upscale": "unused", "interpolate": "blend", "music": "unused", "voice": "unused", "sfx": "unused",
         **models}
    return Settings(models=ModelSettings(**m), device=torch.device("cpu"), dtype=torch.float32, max_loaded=0,
                    gpu_reserve_bytes=0, queue_size=1)


def no_progress(*_args, **_kwargs):
    pass


def write_clip(path: str, frames: np.ndarray, fps: float) -> str:
    """Lossless RGB H.264, so every frame's pixels read back exactly as written."""
    n, h, w, _ = frames.shape
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                    "-framerate", str(fps), "-i", "-", "-c:v", "libx264rgb", "-qp", "0", path],
                   input=np.ascontiguousarray(frames).tobytes(), check=True)
    return path


def read_gray(path: str) -> np.ndarray:
    """Each frame's mean luma, in order."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                           "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout
    w, h = (int(x) for x in info.strip().split(","))
    return np.frombuffer(out, np.uint8).reshape(-1, h * w).mean(axis=1)
