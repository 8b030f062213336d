"""Everything the server reads from its environment, read once at start."""
import os
import re
import subprocess
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ModelSettings:
    video: str
    upscale: str
    interpolate: str
    music: str
    # /speak and /sfx (issue 22): a dialogue model and a text-to-audio pipeline.
    voice: str = "nari-labs/Dia-1.6B-0626"
    sfx: str = "cvssp/audioldm2"


@dataclass(frozen=True)
class Sampling:
    """How the video pipelines sample, as the 2023 Spaces did (diffusers' Zeroscope example too)."""
    # A diffusers scheduler class, set from the checkpoint's scheduler config; "model": the checkpoint's own.
    scheduler: str = "DPMSolverMultistepScheduler"
    # The XL Space's negative prompt; "" for none.
    negative_prompt: str = "text, watermark, copyright, blurry, nsfw"
    # None: the pipeline's own default (TextToVideoSDPipeline 9.0, VideoToVideoSDPipeline 15.0).
    video_guidance: float | None = None
    upscale_guidance: float | None = None


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
    sampling: Sampling = Sampling()
    # What the server prints about the device at start (settings.choose_device).
    device_line: str = ""


# The oldest Linux driver each CUDA major version of torch's wheels runs on (NVIDIA's minor-version
# compatibility table): PyPI's torch 2.15 is built for CUDA 13; `--cuda 12` installs a CUDA 12 build.
DRIVER_NEEDED = {"13": "580.65", "12": "525.60"}


def driver_version() -> str | None:
    """The NVIDIA kernel driver's version, if one is loaded (no GPU library needed to ask)."""
    try:
        with open("/proc/driver/nvidia/version") as f:
            m = re.search(r"Kernel Module(?: for [^ ]+)?\s+(\d+\.\d+(?:\.\d+)?)", f.read())
            if m:
                return m.group(1)
    except OSError:
        pass
    try:
        r = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=10)
        return r.stdout.strip().splitlines()[0] if r.returncode == 0 and r.stdout.strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def versions_line() -> str:
    built = torch.version.cuda
    need = DRIVER_NEEDED.get((built or "").split(".")[0])
    driver = driver_version()
    have = f"NVIDIA driver {driver}" if driver else "no NVIDIA driver found"
    if not built:
        return f"{have}; torch {torch.__version__} is a CPU-only build"
    return f"{have}; torch {torch.__version__} is built for CUDA {built}, which needs driver {need or '?'} or newer"


def choose_device(wanted: str) -> tuple[torch.device, str]:
    """The device and the one line the server prints about it at start. WEBTV_DEVICE=cuda without a usable
    GPU stops the server (SystemExit with that line); no WEBTV_DEVICE and no GPU runs on CPU, loudly."""
    usable = torch.cuda.is_available()
    if wanted:
        device = torch.device(wanted)
        if device.type == "cuda" and not usable:
            raise SystemExit(f"webtv-model-server: WEBTV_DEVICE={wanted} but there is no usable CUDA GPU ({versions_line()}). "
                             "Install that driver, use the CUDA 12 build (scripts/install-model-server.sh --cuda 12), "
                             "or set WEBTV_DEVICE=cpu.")
    else:
        device = torch.device("cuda" if usable else "cpu")
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return device, f"device {device} ({torch.cuda.get_device_name(index)}), fp16 · {versions_line()}"
    if wanted:
        return device, f"device cpu, float32 (WEBTV_DEVICE={wanted}) · {versions_line()}"
    return device, (f"WARNING: no usable CUDA GPU, so running on the CPU in float32, where one 3-s shot takes hours "
                    f"({versions_line()}). Set WEBTV_DEVICE=cpu to mean it, or fix the driver, or install the "
                    "CUDA 12 build (scripts/install-model-server.sh --cuda 12).")


FILM_FILE = "film_net_fp16.pt"


def models_dir() -> str:
    """Where scripts/install-model-server.sh --film puts FILM's weights (the image sets it to /opt/webtv-models)."""
    env = os.environ.get
    cache = env("WEBTV_CACHE_DIR") or os.path.join(env("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "webtv")
    return env("WEBTV_MODELS_DIR") or os.path.join(cache, "models")


def default_interpolator() -> str:
    """FILM when its weights were installed, else the weightless cross-fade."""
    film = os.path.join(models_dir(), FILM_FILE)
    return film if os.path.isfile(film) else "blend"


def read_settings() -> Settings:
    device, device_line = choose_device(os.environ.get("WEBTV_DEVICE", "").strip())
    env = os.environ.get
    return Settings(
        models=ModelSettings(
            video=env("WEBTV_VIDEO_MODEL", "cerspense/zeroscope_v2_576w"),
            upscale=env("WEBTV_UPSCALE_MODEL", "cerspense/zeroscope_v2_XL"),
            # A TorchScript FILM export (see docs/model-server.md), or "blend" for the weightless cross-fade;
            # empty or unset: the installed FILM file if there is one.
            interpolate=env("WEBTV_INTERPOLATE_MODEL") or default_interpolator(),
            music=env("WEBTV_MUSIC_MODEL", "facebook/musicgen-melody"),
            voice=env("WEBTV_VOICE_MODEL") or ModelSettings.voice,
            sfx=env("WEBTV_SFX_MODEL") or ModelSettings.sfx,
        ),
        device=device,
        # fp16 halves the memory on a GPU; CPUs run float32 (fp16 matmuls there are slow or missing).
        dtype=torch.float16 if device.type == "cuda" else torch.float32,
        max_loaded=int(env("WEBTV_MAX_LOADED_MODELS", "0")),
        gpu_reserve_bytes=int(float(env("WEBTV_GPU_RESERVE_GB", "4")) * 2**30),
        queue_size=int(env("WEBTV_QUEUE_SIZE", "8")),
        device_line=device_line,
        sampling=Sampling(
            scheduler=env("WEBTV_SCHEDULER") or Sampling.scheduler,
            negative_prompt=env("WEBTV_NEGATIVE_PROMPT", Sampling.negative_prompt).strip(),
            video_guidance=_number(env("WEBTV_VIDEO_GUIDANCE"), "WEBTV_VIDEO_GUIDANCE"),
            upscale_guidance=_number(env("WEBTV_UPSCALE_GUIDANCE"), "WEBTV_UPSCALE_GUIDANCE"),
        ),
    )


def _number(value: str | None, variable: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise SystemExit(f"{variable} must be a number, got {value!r}") from None
