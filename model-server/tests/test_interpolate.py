"""§2 and §3 of issue 23: frames made at the output rate's own time steps, and FILM's padding."""
import os
import tempfile
import unittest

import numpy as np
import torch

import support
from endpoints import Jobs
import endpoints
from interpolators import TorchScriptInterpolator, pad_to, source_positions
from model_cache import ModelCache


def grey_ramp(n: int) -> np.ndarray:
    """Frame k is grey level 8k."""
    return np.stack([np.full((32, 48, 3), 8 * k, np.uint8) for k in range(n)])


class TrueRate(unittest.TestCase):
    def interpolate(self, model: str, clip_frames: np.ndarray, in_fps: float, out_fps: float):
        written = {}
        real_write = endpoints.write_video

        def capture(frames, fps, path, **kw):
            written["frames"], written["fps"] = frames, fps
            real_write(frames, fps, path, **kw)
        endpoints.write_video = capture
        try:
            with tempfile.TemporaryDirectory() as d:
                clip = support.write_clip(os.path.join(d, "ramp.mp4"), clip_frames, in_fps)
                jobs = Jobs(support.cpu_settings(interpolate=model), ModelCache(torch.device("cpu"), 0, 0), d)
                out = jobs.interpolate(clip, 2, out_fps, progress=support.no_progress)
                return written, support.read_gray(out)
        finally:
            endpoints.write_video = real_write

    def test_a_3_s_clip_of_24_frames_becomes_72_frames_at_24_fps_evenly_spaced_with_no_held_tail(self):
        written, encoded = self.interpolate("blend", grey_ramp(24), 8, 24)
        grey = written["frames"].reshape(len(written["frames"]), -1).mean(axis=1)
        self.assertEqual(len(grey), 72)
        self.assertEqual(written["fps"], 24)
        self.assertEqual((grey[0], grey[-1]), (0, 8 * 23), "from the first source frame to the last")
        steps = np.diff(grey)
        self.assertTrue((steps > 0).all(), f"rising, no two consecutive frames equal: {steps}")
        self.assertLessEqual(steps.max(), 1.5 * steps.min(), f"equal steps: {steps}")
        # What the product downloads: H.264 rounds each grey a little, but keeps the count and the order.
        self.assertEqual(len(encoded), 72)
        self.assertTrue((np.diff(encoded) > 0).all(), f"encoded greys rise: {encoded}")

    def test_output_frame_k_sits_at_source_position_k_times_23_over_71(self):
        self.assertEqual(source_positions(24, 72)[:3], [0.0, 23 / 71, 46 / 71])
        self.assertEqual(source_positions(24, 72)[-1], 23.0)

    def test_the_film_path_too(self):
        with tempfile.TemporaryDirectory() as d:
            film = os.path.join(d, "film.pt")
            torch.jit.save(torch.jit.script(support.tiny_models().FilmInterface().eval()), film)
            written, _ = self.interpolate(film, grey_ramp(24), 8, 24)
        self.assertEqual(len(written["frames"]), 72)


class Recorder(torch.nn.Module):
    """FILM's interface; remembers the size it was called with and marks the padding it was given."""

    def __init__(self):
        super().__init__()
        self.seen = (0, 0)

    def forward(self, img0, img1, dt):
        self.seen = tuple(img0.shape[-2:])
        return img0 * (1 - dt.view(-1, 1, 1, 1)) + img1 * dt.view(-1, 1, 1, 1)


class FilmPadding(unittest.TestCase):
    def test_frames_are_padded_to_multiples_of_64_centred_and_cropped_back(self):
        rec = Recorder()
        film = TorchScriptInterpolator(rec, torch.device("cpu"), torch.float32)
        a = torch.rand(1, 3, 72, 130)
        b = torch.rand(1, 3, 72, 130)
        out = film.frame(a, b, 0.25)
        self.assertEqual(rec.seen, (128, 192))
        self.assertEqual(tuple(out.shape), (1, 3, 72, 130))
        torch.testing.assert_close(out, (0.75 * a + 0.25 * b).clamp(0, 1))

    def test_pad_to_puts_the_odd_pixel_after_as_the_port_does(self):
        x, (top, left) = pad_to(torch.ones(1, 3, 65, 64), 64)
        self.assertEqual((tuple(x.shape[-2:]), top, left), ((128, 64), 31, 0))
        self.assertEqual(float(x[0, 0, 30, 0]), 0.0)
        self.assertEqual(float(x[0, 0, 31, 0]), 1.0)
        self.assertEqual(float(x[0, 0, 96, 0]), 0.0)


if __name__ == "__main__":
    unittest.main()
