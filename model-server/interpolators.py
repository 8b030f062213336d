"""Frame interpolators: FILM through a TorchScript export of the published weights, or a weightless
cross-fade. Both answer frame(a, b, t) for images (1, 3, H, W) in 0..1."""
import torch


class TorchScriptInterpolator:
    """dajes/frame-interpolation-pytorch exports FILM ("Style" network, weights converted from Google's
    TF2 release) as TorchScript with forward(img0, img1, dt) where dt is (batch, 1)."""

    kind = "film-torchscript"

    def __init__(self, module, device: torch.device, dtype: torch.dtype):
        self.module = module
        self.device = device
        self.dtype = dtype

    def modules_for_size(self):
        return [self.module]

    @torch.no_grad()
    def frame(self, a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
        # The network halves the frame size several times: the port's reference inference pads each side
        # to a multiple of 64 (zeros, centred) and crops the result back.
        h, w = a.shape[-2:]
        a, box = pad_to(a, FILM_ALIGN)
        b, _ = pad_to(b, FILM_ALIGN)
        dt = a.new_full((a.shape[0], 1), t)
        top, left = box
        return self.module(a, b, dt)[..., top:top + h, left:left + w].clamp(0, 1)


FILM_ALIGN = 64


def pad_to(x: torch.Tensor, align: int) -> tuple[torch.Tensor, tuple[int, int]]:
    """x (…, H, W) zero-padded to multiples of `align`, half on each side (the odd pixel after), as
    dajes/frame-interpolation-pytorch's pad_batch does; and where the original starts in it."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % align, (-w) % align
    top, left = ph >> 1, pw >> 1
    if ph or pw:
        x = torch.nn.functional.pad(x, (left, pw - left, top, ph - top))
    return x, (top, left)


class BlendInterpolator:
    """No model: a linear cross-fade of the two neighbours. Smooth enough for slow motion, ghosting on
    fast motion; it is what runs when WEBTV_INTERPOLATE_MODEL is "blend" (the default, as FILM's weights
    are not on the Hub)."""

    kind = "blend"

    def __init__(self, device: torch.device, dtype: torch.dtype):
        self.device = device
        self.dtype = dtype

    def modules_for_size(self):
        return []

    @torch.no_grad()
    def frame(self, a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
        return torch.lerp(a, b, t)


def source_positions(n_in: int, n_out: int) -> list[float]:
    """Where each output frame sits on the source timeline, in source frames: evenly spaced from the
    first source frame to the last (a slight retime: no frame held at the end, none extrapolated)."""
    if n_out == 1 or n_in == 1:
        return [0.0] * n_out
    return [k * (n_in - 1) / (n_out - 1) for k in range(n_out)]


def output_frames(n_in: int, in_fps: float, out_fps: float) -> int:
    """Exactly the clip's length at the new rate: 24 frames at 8 fps make 72 at 24 fps."""
    return max(1, round(n_in * out_fps / in_fps))


def retime(model, frames: list[torch.Tensor], n_out: int, on_frame=None):
    """The clip's frames at n_out evenly spaced positions, each made straight at its time step (FILM takes
    any dt), yielded one at a time so the caller can move them off the device as they come."""
    last = len(frames) - 1
    for k, p in enumerate(source_positions(len(frames), n_out)):
        i = min(int(p), last)
        t = p - i
        if on_frame:
            on_frame(k, n_out)
        if t < 1e-6 or i == last:
            yield frames[i]
        elif t > 1 - 1e-6:
            yield frames[i + 1]
        else:
            yield model.frame(frames[i], frames[i + 1], t)
