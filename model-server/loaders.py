"""How each model is read: the libraries' own from_pretrained (a local directory in save_pretrained's
layout, or a Hub id, with HF_TOKEN from the environment), moved to the device in its dtype."""
import os

import gradio as gr
import torch

from interpolators import BlendInterpolator, TorchScriptInterpolator


def _looks_like_path(source: str) -> bool:
    return source.startswith(("/", "./", "../", "~")) or os.path.isdir(source) or os.path.isfile(source)


def check_source(source: str, variable: str, what: str, want_file: bool = False) -> str:
    """A local source that is missing gets a one-line error naming the variable to fix."""
    if not _looks_like_path(source):
        return source
    path = os.path.expanduser(source)
    ok = os.path.isfile(path) if want_file else os.path.isdir(path)
    if not ok:
        kind = "file" if want_file else "directory"
        raise gr.Error(f"The {what} model {kind} {path} does not exist on the model server; set {variable} "
                       f"to an existing {kind} or a Hugging Face model id")
    return path


def load_error(what: str, variable: str, source: str, err: Exception) -> gr.Error:
    first = (str(err).strip().splitlines() or [type(err).__name__])[0][:300]
    return gr.Error(f"Cannot load the {what} model {source} ({variable}): {first}")


DEFAULT_SCHEDULER = "DPMSolverMultistepScheduler"


def load_text_to_video(source: str, device: torch.device, dtype: torch.dtype, scheduler: str = DEFAULT_SCHEDULER):
    from diffusers import TextToVideoSDPipeline
    pipe = TextToVideoSDPipeline.from_pretrained(source, torch_dtype=dtype)
    return _ready(pipe, device, scheduler)


def load_video_to_video(source: str, device: torch.device, dtype: torch.dtype, scheduler: str = DEFAULT_SCHEDULER):
    from diffusers import VideoToVideoSDPipeline
    pipe = VideoToVideoSDPipeline.from_pretrained(source, torch_dtype=dtype)
    return _ready(pipe, device, scheduler)


def use_scheduler(pipe, name: str):
    """The checkpoint's schedule (its betas, prediction type) under another diffusers sampler, as the
    Spaces did with DPMSolverMultistepScheduler.from_config(pipe.scheduler.config); "model" keeps its own."""
    if name == "model":
        return pipe
    import diffusers
    cls = getattr(diffusers, name, None)
    if cls is None or not hasattr(cls, "from_config") or not name.endswith("Scheduler"):
        raise gr.Error(f"WEBTV_SCHEDULER={name} is not a diffusers scheduler class; use e.g. "
                       "DPMSolverMultistepScheduler, DDIMScheduler, or model (the checkpoint's own)")
    pipe.scheduler = cls.from_config(pipe.scheduler.config)
    return pipe


def _ready(pipe, device: torch.device, scheduler: str):
    pipe = use_scheduler(pipe, scheduler).to(device)
    # Encoding and decoding 24 frames at 1024x576 at once is the largest allocation of a job; a frame at a
    # time costs little time and saves gigabytes. diffusers 0.42's video pipelines no longer have
    # enable_vae_slicing(): it is the VAE's own switch now.
    pipe.vae.enable_slicing()
    pipe.set_progress_bar_config(disable=True)
    return pipe


def load_interpolator(source: str, device: torch.device, dtype: torch.dtype):
    if source == "blend":
        return BlendInterpolator(device, dtype)
    module = torch.jit.load(source, map_location="cpu")
    return TorchScriptInterpolator(module.eval().to(device=device, dtype=dtype), device, dtype)


class MusicModel:
    """MusicGen plus what turns text (and a melody, for the melody model) into its inputs."""

    def __init__(self, model, tokenizer, processor, melody: bool, no_processor: str | None = None):
        self.model = model
        self.tokenizer = tokenizer
        self.processor = processor
        self.melody = melody
        # Why a melody model has no processor (then it takes no melody input).
        self.no_processor = no_processor

    def modules_for_size(self):
        return [self.model]


def load_music(source: str, device: torch.device, dtype: torch.dtype) -> MusicModel:
    from transformers import (AutoConfig, AutoProcessor, AutoTokenizer, MusicgenForConditionalGeneration,
                              MusicgenMelodyForConditionalGeneration)
    config = AutoConfig.from_pretrained(source)
    # facebook/musicgen-melody is published as the melody variant of the architecture (chroma-conditioned);
    # the text-only checkpoints (small/medium/large) are MusicgenForConditionalGeneration.
    melody = config.model_type == "musicgen_melody"
    cls = MusicgenMelodyForConditionalGeneration if melody else MusicgenForConditionalGeneration
    model = cls.from_pretrained(source, torch_dtype=dtype).to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(source)
    processor, why = None, None
    if melody:
        # The melody's chroma features come from MusicgenMelodyFeatureExtractor, which needs torchaudio; no
        # torchaudio release supports torch 2.15 (the newest, 2.11.1, pins torch 2.11). Text-only music,
        # which is all the product asks for, does not need it: the model still loads and composes.
        try:
            processor = AutoProcessor.from_pretrained(source)
        except ImportError as err:
            why = " ".join(str(err).split())[:200]
            print(f"webtv-model-server: {source} composes from text only; no melody conditioning here ({why})", flush=True)
    return MusicModel(model, tokenizer, processor, melody, why)


class VoiceModel:
    """Dia and its processor, whose audio tokenizer (the DAC codec) turns a reference clip into codes and
    the generated codes into a waveform."""

    def __init__(self, model, processor):
        self.model = model
        self.processor = processor

    def modules_for_size(self):
        return [self.model, self.processor.audio_tokenizer]


def load_voice(source: str, device: torch.device, dtype: torch.dtype) -> VoiceModel:
    from transformers import DiaForConditionalGeneration, DiaProcessor
    model = DiaForConditionalGeneration.from_pretrained(source, dtype=dtype).to(device).eval()
    # The processor names its codec (descript/dac_44khz for nari-labs' checkpoints) and loads it too; the
    # codec stays in float32, as Dia's own examples run it.
    processor = DiaProcessor.from_pretrained(source)
    processor.audio_tokenizer.to(device).eval()
    return VoiceModel(model, processor)


def load_sound_effects(source: str, device: torch.device, dtype: torch.dtype):
    from diffusers import AudioLDM2Pipeline
    # The checkpoint's own scheduler: AudioLDM 2's authors sample with it (DDIM for cvssp/audioldm2).
    pipe = AudioLDM2Pipeline.from_pretrained(source, torch_dtype=dtype).to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe
