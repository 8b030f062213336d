"""The error texts clients see. The product tells failures apart by text (src/activities/backends/gradio/failures.ts):
"Invalid input" / "must be" are the caller's fault (not retried); "CUDA out of memory" is the GPU's
state (retried), and a job too big for the GPU even alone is the caller's (not retried, says what to
lower: its text must not contain "out of memory", which the product reads as retryable); a model that
cannot load says which variable to fix."""
import traceback

import gradio as gr
import torch

# Every endpoint's seed: what torch.Generator and the Spaces' sliders take.
SEED_MAX = 2**31 - 1


def bad_input(endpoint: str, why: str) -> gr.Error:
    return gr.Error(f"Invalid input for {endpoint}: {why}")


def check_range(endpoint: str, name: str, value, low, high):
    if value is None:
        raise bad_input(endpoint, f"{name} is missing; it must be between {low} and {high}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise bad_input(endpoint, f"{name} must be a number between {low} and {high}, got {value!r}") from None
    if not (low <= v <= high):
        raise bad_input(endpoint, f"{name} must be between {low} and {high}, got {value}")
    return v


def is_oom(err: BaseException) -> bool:
    return isinstance(err, torch.OutOfMemoryError) or "out of memory" in str(err).lower()


def run_on_gpu(endpoint: str, job, free_others, too_big: str, lower: str):
    """Runs job(); a GPU out-of-memory becomes a gr.Error whose text says what the product should do (a
    bare exception would reach clients as "An error occurred").

    When other models were loaded, free_others() unloads them and the error says "CUDA out of memory"
    (the product retries: the job may fit now). When the job's model was alone on the GPU, a retry meets
    the same wall: the error is "Invalid input" (not retried), names the job's size (`too_big`) and says
    what to lower (`lower`).
    The freeing happens after the except block, once the exception and the frames its traceback holds
    (the job's activations) are gone, so the memory is really handed back before anything else runs."""
    detail = None
    try:
        return job()
    except gr.Error:
        raise
    except Exception as err:  # noqa: BLE001 - only OOM is translated; the rest propagates unchanged
        if not is_oom(err):
            raise
        traceback.print_exc()
        detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
    freed = free_others()
    if freed:
        raise gr.Error(f"CUDA out of memory while running {endpoint} ({detail}); other models were unloaded, "
                       "so a retry can fit")
    raise bad_input(endpoint, f"{too_big} does not fit in this GPU's memory even with no other model loaded, so a "
                    f"retry cannot help; {lower}")
