"""Everything the server reads from its environment, read once at start."""
import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ModelSettings:
    video: str
    upscale: str
    interpolate: str
    music: str


@dataclass(frozen=True)
class Settings:
    models: ModelSettings
    device: torch.device
    dtype: torch.dtype
    # At most this many models stay loaded at once (0: as many as fit, measured on CUDA).
    max_loaded: int
    # Bytes kept free on the GPU for a job's activations when deciding whether another model fits.
    gpu_reserve_bytes: int
    queue_size: int


def _device() -> torch.device:
    wanted = os.environ.get("WEBTV_DEVICE", "").strip()
    if wanted:
        return torch.device(wanted)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def read_settings() -> Settings:
    device = _device()
    env = os.environ.get
    return Settings(
        models=ModelSettings(
            video=env("WEBTV_VIDEO_MODEL", "cerspense/zeroscope_v2_576w"),
            upscale=env("WEBTV_UPSCALE_MODEL", "cerspense/zeroscope_v2_XL"),
            # A TorchScript FILM export (see docs/model-server.md), or "blend" for the weightless cross-fade.
            interpolate=env("WEBTV_INTERPOLATE_MODEL", "blend"),
            music=env("WEBTV_MUSIC_MODEL", "facebook/musicgen-melody"),
        ),
        device=device,
        # fp16 halves the memory on a GPU; CPUs run float32 (fp16 matmuls there are slow or missing).
        dtype=torch.float16 if device.type == "cuda" else torch.float32,
        max_loaded=int(env("WEBTV_MAX_LOADED_MODELS", "0")),
        gpu_reserve_bytes=int(float(env("WEBTV_GPU_RESERVE_GB", "4")) * 2**30),
        queue_size=int(env("WEBTV_QUEUE_SIZE", "8")),
    )
