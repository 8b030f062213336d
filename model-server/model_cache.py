"""Lazily loaded models, at most as many at once as fit: least recently used out first.

On CUDA "fit" is measured: after a model loads, others are unloaded (oldest use first) until the GPU
has `gpu_reserve_bytes` free for the job's activations; an out-of-memory while loading unloads the
others and, once the failed attempt's memory is freed, tries once more. WEBTV_MAX_LOADED_MODELS caps the
count on any device. An unloaded model is
dropped, not parked in CPU memory: from_pretrained reads it back from the local Hub cache or directory.
"""
import gc
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

import torch

from errors import is_oom


@dataclass
class Loaded:
    model: Any
    source: str
    bytes: int
    loaded_at: float
    last_used: float


def module_bytes(model: Any) -> int:
    """Parameter and buffer bytes of a torch module, or of every module a pipeline holds."""
    modules = []
    if isinstance(model, torch.nn.Module):
        modules = [model]
    elif hasattr(model, "components"):
        modules = [m for m in model.components.values() if isinstance(m, torch.nn.Module)]
    elif hasattr(model, "modules_for_size"):
        modules = model.modules_for_size()
    total = 0
    for m in modules:
        for t in list(m.parameters()) + list(m.buffers()):
            total += t.numel() * t.element_size()
    return total


class ModelCache:
    def __init__(self, device: torch.device, max_loaded: int, gpu_reserve_bytes: int):
        self.device = device
        self.max_loaded = max_loaded
        self.gpu_reserve_bytes = gpu_reserve_bytes
        self._loaded: "OrderedDict[str, Loaded]" = OrderedDict()
        self._lock = threading.RLock()
        self.unloads = 0

    def get(self, name: str, source: str, load: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._loaded.get(name)
            if entry and entry.source == source:
                entry.last_used = time.time()
                self._loaded.move_to_end(name)
                return entry.model
            if entry:
                self._unload(name)
            if self.max_loaded > 0:
                while len(self._loaded) >= self.max_loaded:
                    self._unload(next(iter(self._loaded)))
            retry = False
            try:
                model = load()
            except Exception as err:  # noqa: BLE001 - retried once only when the GPU was full
                if not (is_oom(err) and self._loaded):
                    raise
                retry = True
            if retry:
                # Out here, not in the except block: there the exception's traceback still holds the
                # half-loaded model's frames, so its GPU memory could not be freed before the retry.
                self.unload_all(keep=None)
                free_memory(self.device)
                model = load()
            now = time.time()
            self._loaded[name] = Loaded(model, source, module_bytes(model), now, now)
            self._make_room(keep=name)
            return model

    def unload_all(self, keep: str | None) -> int:
        """Unloads every model but `keep`; says how many went."""
        with self._lock:
            others = [n for n in self._loaded if n != keep]
            for other in others:
                self._unload(other)
            return len(others)

    def describe(self) -> list[dict]:
        with self._lock:
            return [{"name": n, "source": e.source, "bytes": e.bytes, "device": str(self.device),
                     "loaded_at": e.loaded_at, "last_used": e.last_used} for n, e in self._loaded.items()]

    def _make_room(self, keep: str) -> None:
        if self.device.type != "cuda":
            return
        for other in [n for n in self._loaded if n != keep]:
            free, _ = torch.cuda.mem_get_info(self.device)
            if free >= self.gpu_reserve_bytes:
                break
            self._unload(other)

    def _unload(self, name: str) -> None:
        entry = self._loaded.pop(name, None)
        if entry is None:
            return
        del entry
        self.unloads += 1
        free_memory(self.device)


def free_memory(device: torch.device) -> None:
    """Drops unreachable tensors now and hands cached CUDA blocks back, so the next allocation sees them."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
