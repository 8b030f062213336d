"""The error texts clients see. The product tells failures apart by text (src/activities/backends/gradio/failures.ts):
"Invalid input" / "must be" are the caller's fault (not retried); "CUDA out of memory" is the GPU's
state (retried); a model that cannot load says which variable to fix."""
from contextlib import contextmanager

import gradio as gr
import torch


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


@contextmanager
def gpu_errors(endpoint: str, on_oom):
    """Maps a GPU out-of-memory to a gr.Error whose text says so (a bare exception would reach clients
    as "An error occurred"), after freeing what it can so a retry has room."""
    try:
        yield
    except gr.Error:
        raise
    except Exception as err:  # noqa: BLE001 - only OOM is translated; the rest propagates unchanged
        if not is_oom(err):
            raise
        on_oom()
        detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        raise gr.Error(f"CUDA out of memory while running {endpoint} ({detail}); other models were unloaded, "
                       "so a retry can fit") from err
