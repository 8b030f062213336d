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
        dt = a.new_full((a.shape[0], 1), t)
        return self.module(a, b, dt).clamp(0, 1)


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


def in_between(model, a: torch.Tensor, b: torch.Tensor, depth: int) -> list[torch.Tensor]:
    """FILM's recursive scheme: the midpoint, then the midpoints of each half, `depth` levels deep:
    2**depth - 1 frames strictly between a and b, in order."""
    if depth == 0:
        return []
    m = model.frame(a, b, 0.5)
    return in_between(model, a, m, depth - 1) + [m] + in_between(model, m, b, depth - 1)
