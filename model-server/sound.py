"""What /speak (Dia) and /sfx (AudioLDM 2) need beyond the jobs' shared plumbing: Dia's text with its
speaker tags and the reference clip's transcript before it, and how much speech fits in the model.

Dia picks a new voice on every call unless it is given an audio prompt: a clip of the voice and the words
spoken in it. It then carries on "after" the clip in that voice, so the caller makes one reference clip per
character and passes it, with its transcript and a fixed seed, with every line (docs/model-server.md)."""
import math
import re

import torch
from transformers import StoppingCriteria

from errors import bad_input

SPEAKER_TAG = re.compile(r"\[S[12]\]")

# How nari-labs sample Dia in their examples (transformers' model page, their app): classifier-free
# guidance 3.0, temperature 1.8, top-p 0.90, top-k 45.
SAMPLING = {"do_sample": True, "guidance_scale": 3.0, "temperature": 1.8, "top_p": 0.90, "top_k": 45}


def tagged(text: str) -> str:
    """Dia's text starts with a speaker tag; a line without one is speaker 1's."""
    text = text.strip()
    return text if SPEAKER_TAG.match(text) else f"[S1] {text}"


def dia_text(text: str, transcript: str | None) -> str:
    """The prompt's transcript, then the line: Dia reads them as one dialogue whose first part it has heard.
    When the line's speaker is the one who spoke last in the clip, the line goes on without a second tag
    (Dia's guidelines: speaker tags alternate)."""
    line = tagged(text)
    if not transcript:
        return line
    heard = tagged(transcript)
    last = SPEAKER_TAG.findall(heard)[-1]
    if line.startswith(last):
        line = line[len(last):].strip()
    return f"{heard} {line}"


def frame_rate(vm) -> float:
    """Audio frames (decoder positions) per second of speech: the codec's rate."""
    codec = vm.processor.audio_tokenizer.config
    return codec.sampling_rate / math.prod(codec.downsampling_ratios)


def check_text_fits(vm, inputs, prompted: bool) -> None:
    have = inputs["input_ids"].shape[-1]
    limit = vm.model.config.encoder_config.max_position_embeddings
    if have > limit:
        what = "the line and the reference clip's transcript are" if prompted else "the line is"
        raise bad_input("/speak", f"{what} {have} tokens (a byte each, a tag one); the voice model reads at most {limit}: "
                        "split the line" + (" or use a shorter reference clip" if prompted else ""))


def new_tokens(vm, inputs) -> int:
    """How many frames to generate: the checkpoint's own cap (its generation config), within what is left
    of the decoder's positions after the reference clip. A clip that leaves less than a second is refused."""
    positions = vm.model.config.decoder_config.max_position_embeddings
    room = positions - inputs["decoder_attention_mask"].shape[-1]
    rate = frame_rate(vm)
    if room < rate:
        prompt_sec = (inputs["decoder_attention_mask"].shape[-1] - max(vm.model.config.delay_pattern)) / rate
        raise bad_input("/speak", f"the reference clip is {prompt_sec:.1f} s; the voice model holds {positions / rate:.0f} s "
                        f"in all, which leaves no room for the line: use a reference clip under {positions / rate / 2:.0f} s")
    cap = vm.model.generation_config.max_new_tokens
    return min(cap, room) if cap else room


class StepCounter(StoppingCriteria):
    """Calls count(input_ids, scores) once per generated step and never stops generation."""

    def __init__(self, count):
        self.count = count

    def __call__(self, input_ids, scores, **kwargs):
        self.count(input_ids, scores)
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
