"""MusicGen for as long as an episode: windows of at most 30 s (what MusicGen was trained on; the real
checkpoints have 2048 decoder positions), each continuing from the tail of the previous one, joined
with a short crossfade into one score of exactly the requested length.

A window continues by prompting the decoder with the previous window's tail: the tail is encoded with
the model's own EnCodec and its codes go in as `decoder_input_ids`. That works for both classes
(MusicgenMelodyForConditionalGeneration has no `input_values` path) and for stereo checkpoints, whose
decoder interleaves the left and right channels' codebooks. The decoded window starts with the tail
re-synthesised: the join crossfades the old tail's last CROSSFADE_SEC into the new one's, then the new
audio carries on."""
import math
from dataclasses import dataclass

import numpy as np
import torch

WINDOW_SEC = 30.0
CONTEXT_SEC = 10.0
CROSSFADE_SEC = 1.0


@dataclass
class Score:
    samples: np.ndarray  # (channels, samples) float32
    rate: int
    windows: int


def channels_of(model) -> int:
    return int(getattr(model.decoder.config, "audio_channels", 1) or 1)


def window_seconds(model) -> float:
    """30 s, or less where the decoder has fewer positions (prompt, new tokens and the codebook delay)."""
    rate = model.config.audio_encoder.frame_rate
    fits = (model.config.decoder.max_position_embeddings - model.decoder.num_codebooks - 2) / rate
    return min(WINDOW_SEC, math.floor(fits))


def tail_codes(model, tail: torch.Tensor) -> torch.Tensor:
    """The decoder's prompt for audio `tail` (channels, samples): EnCodec codes as (codebooks, frames),
    left and right interleaved for stereo, as MusicGen's own audio-prompt path lays them out."""
    encoder = model.audio_encoder
    per_channel = []
    k = model.decoder.num_codebooks // tail.shape[0]
    for c in range(tail.shape[0]):
        codes = encoder.encode(input_values=tail[None, c:c + 1], return_dict=True).audio_codes  # (1, 1, K, T)
        per_channel.append(codes[0, 0, :k])
    if len(per_channel) == 1:
        return per_channel[0]
    k, t = per_channel[0].shape
    both = per_channel[0].new_empty((2 * k, t))
    both[0::2], both[1::2] = per_channel
    return both


def crossfade_join(before: np.ndarray, after: np.ndarray, overlap: int) -> np.ndarray:
    """before's last `overlap` samples faded into after's first `overlap` (the same moment, twice), then
    the rest of `after`. Equal-gain linear ramps: the join moves no faster than the ramp."""
    if overlap <= 0:
        return np.concatenate([before, after], axis=-1)
    ramp = (np.arange(1, overlap + 1, dtype=np.float32) / (overlap + 1))
    mixed = before[..., -overlap:] * (1 - ramp) + after[..., :overlap] * ramp
    return np.concatenate([before[..., :-overlap], mixed, after[..., overlap:]], axis=-1)


def compose(model, make_inputs, seconds: float, on_token=None, device=None, dtype=None) -> Score:
    """`seconds` of music from text inputs. make_inputs(start_sec, length_sec) gives the generate()
    inputs for the window starting at start_sec (the text, and the melody's matching part if any)."""
    cfg = model.config.audio_encoder
    rate, frame_rate = cfg.sampling_rate, cfg.frame_rate
    hop = round(rate / frame_rate)
    delay = model.decoder.num_codebooks // channels_of(model)
    total = round(seconds * rate)
    window = window_seconds(model)
    context_frames = round(min(CONTEXT_SEC, window / 3) * frame_rate)
    context = context_frames * hop
    overlap = min(round(CROSSFADE_SEC * rate), context)
    device = device or next(model.parameters()).device
    dtype = dtype or next(model.parameters()).dtype
    score = None
    windows = 0
    while score is None or score.shape[-1] < total:
        windows += 1
        done = 0 if score is None else score.shape[-1]
        if score is None:
            new_sec = min(seconds, window)
            inputs = make_inputs(0.0, new_sec)
            prompt = {}
        else:
            new_sec = min(seconds - done / rate, window - context / rate)
            start = done / rate - context / rate
            inputs = make_inputs(start, window)
            tail = torch.from_numpy(np.ascontiguousarray(score[..., -context:])).to(device, dtype)
            with torch.no_grad():
                prompt = {"decoder_input_ids": tail_codes(model, tail)}
        tokens = math.ceil(new_sec * frame_rate) + delay
        out = model.generate(**inputs, **prompt, max_new_tokens=tokens, do_sample=True,
                             logits_processor=[on_token] if on_token else None)
        audio = out[0].float().cpu().numpy()
        if score is None:
            score = audio
            continue
        if audio.shape[-1] <= context:
            raise RuntimeError(f"MusicGen returned {audio.shape[-1]} samples for a window prompted with {context}")
        # audio[:, :context] re-synthesises score's tail; crossfade the last `overlap` samples of both.
        score = crossfade_join(score, audio[..., context - overlap:], overlap)
    return Score(np.ascontiguousarray(score[..., :total], dtype=np.float32), rate, windows)


def planned_windows(seconds: float, window: float, context: float = CONTEXT_SEC) -> int:
    """How many windows compose() runs for `seconds`: the first makes `window` s, each next one
    `window - context` s more (for tests and the docs' arithmetic)."""
    if seconds <= window:
        return 1
    context = min(context, window / 3)
    return 1 + math.ceil((seconds - window) / (window - context))
