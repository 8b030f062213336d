"""The jobs behind /run, /upscale, /interpolate and /predict_full, with the parameters of the product's
default mapping (src/activities/backends/gradio/spec.ts) in the Spaces' order, and /speak and /sfx, the
directed episodes' voices and sound effects (no Space to follow: their names are the defaults there)."""
import hashlib
import inspect
import json
import time
from collections import deque
from contextlib import contextmanager
import math
import os
import tempfile

import gradio as gr
import numpy as np
import torch

import loaders
import music
import sound
from errors import SEED_MAX, bad_input, check_range, run_on_gpu
from interpolators import output_frames, retime
from model_cache import free_memory
from media import probe_video, read_audio, read_frames, to_uint8, write_audio, write_video

# Longer scores are made in windows (music.py); ten minutes bounds one job's time on the GPU.
MUSIC_MAX_SEC = 600
# A sound effect is a moment, not a score; AudioLDM 2 was trained on 10-s clips.
SFX_MIN_SEC, SFX_MAX_SEC = 0.5, 30
# Zeroscope renders at 8 fps (24 frames = a 3-s shot), as the product's SHOT constant expects.
VIDEO_FPS = 8


def _size(value: str, variable: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in value.lower().split("x"))
    except ValueError:
        raise SystemExit(f"{variable} must look like 576x320, got {value!r}") from None
    if w % 8 or h % 8 or w <= 0 or h <= 0:
        raise SystemExit(f"{variable} must be a positive size divisible by 8, got {value!r}")
    return w, h


def _count(value: str, variable: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise SystemExit(f"{variable} must be a positive whole number, got {value!r}")
    return int(value)


class Jobs:
    def __init__(self, settings, cache, work_dir: str):
        self.s = settings
        self.cache = cache
        self.work_dir = work_dir
        self.video_size = _size(os.environ.get("WEBTV_VIDEO_SIZE", "576x320"), "WEBTV_VIDEO_SIZE")
        self.upscale_size = _size(os.environ.get("WEBTV_UPSCALE_SIZE", "1024x576"), "WEBTV_UPSCALE_SIZE")
        # The XL model card's 15.3 GB peak is for 30 frames at 1024x576; more at once would not fit 24 GB.
        self.upscale_max_frames = _count(os.environ.get("WEBTV_UPSCALE_MAX_FRAMES", "32"), "WEBTV_UPSCALE_MAX_FRAMES")
        # The last jobs, for the health route: what ran, with which prompt, how long, how it ended.
        self.history = deque(maxlen=50)

    @contextmanager
    def _job(self, endpoint: str, prompt):
        record = {"endpoint": endpoint, "prompt": prompt, "started": time.time(), "seconds": None, "error": None,
                  "peak_gpu_bytes": None}
        self.history.append(record)
        cuda = self.s.device.type == "cuda"
        if cuda:
            torch.cuda.reset_peak_memory_stats(self.s.device)
        try:
            yield record
        except Exception as err:
            record["error"] = str(err)[:300]
            raise
        finally:
            record["seconds"] = round(time.time() - record["started"], 3)
            # The job's peak (its model's weights included): what `npm run bench -- modelServer --real` reports.
            if cuda:
                record["peak_gpu_bytes"] = torch.cuda.max_memory_allocated(self.s.device)

    def _out(self, name: str) -> str:
        return os.path.join(tempfile.mkdtemp(dir=self.work_dir), name)

    def _model(self, name: str, variable: str, what: str, loader, want_file=False):
        source = getattr(self.s.models, name)
        if source != "blend":
            source = loaders.check_source(source, variable, what, want_file)

        def load():
            try:
                return loader(source, self.s.device, self.s.dtype)
            except gr.Error:
                raise
            except Exception as err:  # noqa: BLE001 - OOM passes through to be retried; others explained
                if "out of memory" in str(err).lower():
                    raise
                raise loaders.load_error(what, variable, source, err) from err
        return self.cache.get(name, source, load)

    def _loader(self, load):
        return lambda source, device, dtype: load(source, device, dtype, scheduler=self.s.sampling.scheduler)

    def _sampling(self, pipe, guidance: float | None) -> dict:
        """The negative prompt and guidance scale for a video pipeline call (the pipeline's own default
        guidance when none is configured)."""
        if guidance is None:
            guidance = inspect.signature(pipe.__call__).parameters["guidance_scale"].default
        return {"negative_prompt": self.s.sampling.negative_prompt or None, "guidance_scale": float(guidance)}

    def _on_gpu(self, endpoint: str, keep: str, job, too_big: str, lower: str):
        def free_others() -> bool:
            unloaded = self.cache.unload_all(keep=keep)
            free_memory(self.s.device)
            return unloaded > 0
        return run_on_gpu(endpoint, job, free_others, too_big, lower)

    # The endpoints Gradio calls (the signatures are the API: names, order and defaults).
    def run(self, prompt, seed, num_frames, num_inference_steps, progress=gr.Progress()):
        with self._job("/run", prompt):
            return self._run(prompt, seed, num_frames, num_inference_steps, progress)

    def upscale(self, video, prompt, seed, denoise_strength, num_inference_steps=25, progress=gr.Progress()):
        with self._job("/upscale", prompt):
            return self._upscale(video, prompt, seed, denoise_strength, num_inference_steps, progress)

    def interpolate(self, video, interpolation_depth, fps, progress=gr.Progress()):
        with self._job("/interpolate", None):
            return self._interpolate(video, interpolation_depth, fps, progress)

    def music(self, text, melody, duration, seed=0, progress=gr.Progress()):
        with self._job("/predict_full", text):
            return self._music(text, melody, duration, seed, progress)

    def speak(self, text, seed=0, audio_prompt=None, audio_prompt_transcript="", progress=gr.Progress()):
        with self._job("/speak", text) as record:
            clip = _video_path(audio_prompt)
            # Which reference clip spoke the line (the health route's jobs): a character's lines share one.
            record["audio_prompt_sha256"] = _sha256(clip) if clip and os.path.isfile(clip) else None
            return self._speak(text, seed, clip, audio_prompt_transcript, progress)

    def sfx(self, text, duration, seed=0, negative_prompt="Low quality.", num_inference_steps=200, progress=gr.Progress()):
        with self._job("/sfx", text):
            return self._sfx(text, duration, seed, negative_prompt, num_inference_steps, progress)

    # ---- /run: Zeroscope v2 576w --------------------------------------------------------------
    def _run(self, prompt, seed, num_frames, num_inference_steps, progress):
        prompt = _prompt("/run", prompt)
        seed = int(check_range("/run", "seed", seed, 0, SEED_MAX))
        frames = int(check_range("/run", "num_frames", num_frames, 2, 64))
        steps = int(check_range("/run", "num_inference_steps", num_inference_steps, 1, 100))
        w, h = self.video_size

        made = {}

        def job():
            pipe = self._model("video", "WEBTV_VIDEO_MODEL", "text-to-video", self._loader(loaders.load_text_to_video))
            sampling = self._sampling(pipe, self.s.sampling.video_guidance)
            made.update(_made(pipe, sampling, steps, seed))
            return pipe(prompt, num_frames=frames, num_inference_steps=steps, height=h, width=w,
                        generator=torch.Generator("cpu").manual_seed(seed), output_type="np",
                        **sampling, **_step_progress(pipe, progress, steps, "denoising"))
        out = self._on_gpu("/run", "video", job, f"{frames} frames at {w}x{h}",
                           "lower num_frames, or WEBTV_VIDEO_SIZE on the model server")
        path = self._out("zeroscope.mp4")
        write_video(_first_video(out.frames), VIDEO_FPS, path, comment=made_comment({"run": made}))
        return path

    # ---- /upscale: Zeroscope v2 XL, video-to-video with the generator's prompt -----------------
    def _upscale(self, video, prompt, seed, denoise_strength, num_inference_steps, progress):
        prompt = _prompt("/upscale", prompt)
        seed = int(check_range("/upscale", "seed", seed, 0, SEED_MAX))
        strength = check_range("/upscale", "denoise_strength", denoise_strength, 0.01, 1.0)
        steps = int(check_range("/upscale", "num_inference_steps", num_inference_steps, 1, 100))
        # The pipeline denoises only the last `strength` share of the schedule: it must keep one step.
        run_steps = int(steps * strength)
        if run_steps < 1:
            raise bad_input("/upscale", f"num_inference_steps × denoise_strength must be at least 1 "
                            f"(got {steps} × {strength}); raise either")
        path_in = _video_path(video)
        info = probe_video(path_in, "/upscale")
        if info["frames"] > self.upscale_max_frames:
            raise bad_input("/upscale", f"the video has {info['frames']} frames; at most {self.upscale_max_frames} are "
                            "upscaled at once (WEBTV_UPSCALE_MAX_FRAMES on the model server): send a shorter clip")
        w, h = self.upscale_size
        frames = read_frames(path_in, w, h, "/upscale")

        made = {}

        def job():
            pipe = self._model("upscale", "WEBTV_UPSCALE_MODEL", "video-to-video", self._loader(loaders.load_video_to_video))
            sampling = self._sampling(pipe, self.s.sampling.upscale_guidance)
            made.update(_made(pipe, sampling, steps, seed), strength=strength)
            return pipe(prompt, video=[f.astype(np.float32) / 255.0 for f in frames], strength=strength,
                        num_inference_steps=steps, generator=torch.Generator("cpu").manual_seed(seed),
                        output_type="np", **sampling, **_step_progress(pipe, progress, run_steps, "upscaling"))
        out = self._on_gpu("/upscale", "upscale", job, f"{len(frames)} frames at {w}x{h}",
                           "send fewer frames, or lower WEBTV_UPSCALE_SIZE on the model server")
        path = self._out("upscaled.mp4")
        # The shot's story so far (what /run wrote in the input) goes on, with this step added.
        write_video(_first_video(out.frames), info["fps"], path,
                    comment=made_comment({**made_by(info["comment"]), "upscale": made}))
        return path

    # ---- /interpolate: FILM (or the cross-fade) to the requested rate ---------------------------
    def _interpolate(self, video, interpolation_depth, fps, progress):
        # The Spaces' depth parameter is checked and otherwise unused: frames are made at the output
        # rate's own time steps, not by repeated halving (which then needed ffmpeg to drop frames).
        check_range("/interpolate", "interpolation_depth", interpolation_depth, 1, 4)
        out_fps = check_range("/interpolate", "fps", fps, 1, 60)
        path_in = _video_path(video)
        info = probe_video(path_in, "/interpolate")
        frames = read_frames(path_in, info["width"], info["height"], "/interpolate")
        n_out = output_frames(len(frames), info["fps"], out_fps)
        h, w = frames.shape[1:3]

        def job():
            model = self._model("interpolate", "WEBTV_INTERPOLATE_MODEL", "interpolation", loaders.load_interpolator,
                                want_file=True)
            dev = [torch.from_numpy(f).permute(2, 0, 1)[None].to(self.s.device, self.s.dtype) / 255.0 for f in frames]
            tick = lambda k, n: progress((k, n), desc="interpolating", unit="frames")  # noqa: E731
            return np.stack([to_uint8(f[0].permute(1, 2, 0).float().clamp(0, 1).cpu().numpy())
                             for f in retime(model, dev, n_out, tick)])
        out = self._on_gpu("/interpolate", "interpolate", job, f"{len(frames)} frames at {w}x{h}",
                           "send a smaller or shorter video")
        path = self._out("interpolated.mp4")
        # Straight to the requested rate: every frame is shown once, none dropped or held by ffmpeg.
        step = {"interpolator": interpolator_kind(self.s.models.interpolate), "fps": out_fps}
        write_video(out, out_fps, path, comment=made_comment({**made_by(info["comment"]), "interpolate": step}))
        return path

    # ---- /predict_full: MusicGen for the requested duration -------------------------------------
    def _music(self, text, melody, duration, seed, progress):
        text = _prompt("/predict_full", text, name="text")
        seconds = check_range("/predict_full", "duration", duration, 1, MUSIC_MAX_SEC)
        seed = int(check_range("/predict_full", "seed", seed, 0, SEED_MAX))

        def job():
            mm = self._model("music", "WEBTV_MUSIC_MODEL", "music", loaders.load_music)
            if melody and not mm.melody:
                raise bad_input("/predict_full", "this music model takes no melody; leave melody empty or set "
                                "WEBTV_MUSIC_MODEL to a melody model such as facebook/musicgen-melody")
            if melody and mm.processor is None:
                raise bad_input("/predict_full", "this server cannot condition on a melody (the melody features need "
                                "torchaudio, which has no build for this torch); leave melody empty")
            melody_rate = mm.processor.feature_extractor.sampling_rate if melody else 0
            tune = read_audio(_video_path(melody), melody_rate, "/predict_full") if melody else None

            def make_inputs(start_sec: float, length_sec: float) -> dict:
                part = None
                if tune is not None:
                    part = tune[int(start_sec * melody_rate):int((start_sec + length_sec) * melody_rate)]
                if part is not None and len(part) >= melody_rate // 2:
                    inputs = mm.processor(audio=part, sampling_rate=melody_rate, text=[text], padding=True,
                                          return_tensors="pt")
                else:
                    inputs = mm.tokenizer([text], padding=True, return_tensors="pt")
                # Token ids stay integers; only the melody's features take the model's dtype.
                return {k: v.to(self.s.device, self.s.dtype) if v.is_floating_point() else v.to(self.s.device)
                        for k, v in inputs.items()}
            torch.manual_seed(seed)
            frame_rate = mm.model.config.audio_encoder.frame_rate
            counter = _TokenProgress(progress, math.ceil(seconds * frame_rate))
            return music.compose(mm.model, make_inputs, seconds, counter, self.s.device, self.s.dtype)
        score = self._on_gpu("/predict_full", "music", job, f"a {music.WINDOW_SEC:g}-s window of music",
                             "set WEBTV_MUSIC_MODEL to a smaller checkpoint")
        path = self._out("music.wav")
        write_audio(score.samples, score.rate, seconds, path)
        return path

    # ---- /speak: Dia, a line in the voice of its reference clip ---------------------------------
    def _speak(self, text, seed, clip, transcript, progress):
        text = _prompt("/speak", text, name="text")
        seed = int(check_range("/speak", "seed", seed, 0, SEED_MAX))
        if transcript is not None and not isinstance(transcript, str):
            raise bad_input("/speak", "audio_prompt_transcript must be a text")
        transcript = (transcript or "").strip()
        if clip and not transcript:
            raise bad_input("/speak", "audio_prompt_transcript is empty: give the words spoken in audio_prompt "
                            "(Dia continues the clip's dialogue, so it must know what was said)")
        if transcript and not clip:
            raise bad_input("/speak", "audio_prompt_transcript was given without audio_prompt; send both or neither")

        def job():
            vm = self._model("voice", "WEBTV_VOICE_MODEL", "voice", loaders.load_voice)
            rate = vm.processor.feature_extractor.sampling_rate
            audio = {"audio": [read_audio(clip, rate, "/speak", "the audio_prompt")]} if clip else {}
            inputs = vm.processor(text=[sound.dia_text(text, transcript if clip else None)], padding=True,
                                  return_tensors="pt", **audio)
            sound.check_text_fits(vm, inputs, bool(clip))
            tokens = sound.new_tokens(vm, inputs)
            prompt_len = vm.processor.get_audio_prompt_len(inputs["decoder_attention_mask"]) if clip else None
            torch.manual_seed(seed)
            # Dia's generate() replaces the logits processors it is given with its own: progress counts
            # steps as a stopping criterion that never stops.
            out = vm.model.generate(**inputs.to(self.s.device), max_new_tokens=tokens, **sound.SAMPLING,
                                    stopping_criteria=[sound.StepCounter(_TokenProgress(progress, tokens, "speaking"))])
            return vm.processor.batch_decode(out, audio_prompt_len=prompt_len)[0].float().numpy(), rate
        samples, rate = self._on_gpu("/speak", "voice", job, "this line", "split the line or use a shorter reference clip")
        if samples.size == 0:
            raise gr.Error("The voice model ended the line before saying anything; change the line's wording or the seed")
        path = self._out("speech.wav")
        write_audio(samples, rate, samples.size / rate, path)
        return path

    # ---- /sfx: AudioLDM 2, a sound effect from its description ---------------------------------
    def _sfx(self, text, duration, seed, negative_prompt, num_inference_steps, progress):
        text = _prompt("/sfx", text, name="text")
        seconds = check_range("/sfx", "duration", duration, SFX_MIN_SEC, SFX_MAX_SEC)
        seed = int(check_range("/sfx", "seed", seed, 0, SEED_MAX))
        steps = int(check_range("/sfx", "num_inference_steps", num_inference_steps, 1, 500))
        negative = negative_prompt.strip() if isinstance(negative_prompt, str) else ""

        def job():
            pipe = self._model("sfx", "WEBTV_SFX_MODEL", "sound-effect", loaders.load_sound_effects)
            out = pipe(text, negative_prompt=negative or None, num_inference_steps=steps, audio_length_in_s=seconds,
                       generator=torch.Generator("cpu").manual_seed(seed), output_type="np",
                       **_step_progress(pipe, progress, steps, "denoising"))
            return out.audios[0], pipe.vocoder.config.sampling_rate
        samples, rate = self._on_gpu("/sfx", "sfx", job, f"{seconds:g} s of sound", "ask for a shorter duration")
        path = self._out("sfx.wav")
        write_audio(samples, rate, seconds, path)
        return path


class _TokenProgress:
    """A logits processor that only counts: one call per generated token step."""

    def __init__(self, progress, total: int, desc: str = "composing"):
        self.progress = progress
        self.total = total
        self.desc = desc
        self.n = 0

    def __call__(self, input_ids, scores):
        self.n += 1
        self.progress((min(self.n, self.total), self.total), desc=self.desc, unit="tokens")
        return scores


def _step_progress(pipe, progress, total: int, desc: str) -> dict:
    """Reports each diffusion step through gr.Progress, with whichever callback API the pipeline has."""
    params = inspect.signature(pipe.__call__).parameters
    state = {"n": 0}

    def tick():
        state["n"] += 1
        progress((min(state["n"], total), total), desc=desc, unit="steps")

    if "callback_on_step_end" in params:
        def on_step_end(_pipe, _step, _timestep, kwargs):
            tick()
            return kwargs
        return {"callback_on_step_end": on_step_end}
    return {"callback": lambda *_: tick(), "callback_steps": 1}


def _made(pipe, sampling: dict, steps: int, seed: int) -> dict:
    return {"scheduler": type(pipe.scheduler).__name__, "steps": steps, "guidance": sampling["guidance_scale"],
            "negative_prompt": sampling["negative_prompt"] or "", "seed": seed}


def made_comment(steps: dict) -> str:
    """What made a clip, for its container's comment tag, which the product's probe reads into the
    episode manifest: {"webtv": {"run": {...}, "upscale": {...}, "interpolate": {...}}}."""
    return json.dumps({"webtv": steps}, separators=(",", ":"))


def made_by(comment: str | None) -> dict:
    """The steps an input clip's comment records (none when it is not ours)."""
    try:
        steps = json.loads(comment or "").get("webtv")
    except (ValueError, AttributeError):
        return {}
    return steps if isinstance(steps, dict) else {}


def interpolator_kind(source: str) -> str:
    return "blend" if source == "blend" else "film"


def _first_video(frames) -> np.ndarray:
    a = frames[0] if isinstance(frames, (list, tuple)) else frames
    a = np.asarray(a)
    return a[0] if a.ndim == 5 else a


def _prompt(endpoint: str, value, name: str = "prompt") -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad_input(endpoint, f"{name} must be a non-empty text")
    return value.strip()


def _sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _video_path(value):
    """gr.Video gives a path on every version; tolerate a dict should a version hand one over."""
    if isinstance(value, dict):
        value = value.get("video") or value.get("path")
    if isinstance(value, dict):
        value = value.get("path")
    return value
