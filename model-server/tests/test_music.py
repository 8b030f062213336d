"""§4 of issue 23: music as long as the episode, in windows that continue one another, mono and stereo."""
import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch

import support
import loaders
import music
from endpoints import Jobs
from model_cache import ModelCache


def wav(path: str) -> tuple[np.ndarray, int, int]:
    info = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=sample_rate,channels", "-of", "csv=p=0", path],
                          capture_output=True, text=True, check=True).stdout.strip().split(",")
    rate, channels = int(info[0]), int(info[1])
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, channels).T, rate, channels


class Windows(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tiny = support.tiny_models()
        cls.mono = os.path.join(cls.tmp.name, "mono")
        cls.stereo = os.path.join(cls.tmp.name, "stereo")
        # 2048 decoder positions, as facebook/musicgen-* have: 40 s at most in one generate() call.
        tiny.music_model(cls.mono, positions=2048)
        tiny.music_model(cls.stereo, positions=2048, stereo=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def compose(self, source: str, seconds: float):
        mm = loaders.load_music(source, torch.device("cpu"), torch.float32)
        inputs = lambda _start, _length: dict(mm.tokenizer(["calm piano"], return_tensors="pt"))  # noqa: E731
        torch.manual_seed(3)
        return mm, music.compose(mm.model, inputs, seconds)

    def test_95_s_on_a_2048_position_model_is_5_windows_of_exactly_95_s_joined_without_a_jump(self):
        mm = loaders.load_music(self.mono, torch.device("cpu"), torch.float32)
        real_generate = mm.model.generate
        prompts = []

        def generate(**kw):
            # The real generation runs (positions, lengths, the prompt's path through the decoder); its audio
            # is then replaced by window k's own level, k, so any jump at a join shows.
            out = real_generate(**kw)
            prompts.append(None if kw.get("decoder_input_ids") is None else tuple(kw["decoder_input_ids"].shape))
            return torch.full_like(out, float(len(prompts)))
        mm.model.generate = generate
        inputs = lambda _start, _length: dict(mm.tokenizer(["calm piano"], return_tensors="pt"))  # noqa: E731
        torch.manual_seed(3)
        score = music.compose(mm.model, inputs, 95)
        self.assertEqual(music.window_seconds(mm.model), 30)
        self.assertEqual(score.windows, 5)
        self.assertEqual(music.planned_windows(95, 30), 5)
        # Each window after the first is prompted with the EnCodec codes of the previous 10 s (4 codebooks).
        self.assertEqual(prompts, [None] + [(4, 10 * 50)] * 4)
        self.assertEqual(score.samples.shape, (1, 95 * score.rate))
        fade = round(music.CROSSFADE_SEC * score.rate)
        steps = np.abs(np.diff(score.samples, axis=-1))
        self.assertLessEqual(steps.max(), 1 / fade + 1e-6, "each join is a ramp over the crossfade, no jump")
        self.assertEqual([float(score.samples[0, round(t * score.rate)]) for t in (15, 40, 60, 80, 94.9)], [1, 2, 3, 4, 5])

    def test_a_stereo_checkpoint_keeps_both_channels_through_the_windows(self):
        mm, score = self.compose(self.stereo, 45)
        self.assertEqual(score.windows, 2)
        self.assertEqual(score.samples.shape, (2, 45 * score.rate))
        self.assertFalse(np.allclose(score.samples[0], score.samples[1]), "two different channels")

    def test_the_default_melody_class_loads_without_torchaudio_and_continues_across_windows(self):
        melody = os.path.join(self.tmp.name, "melody")
        support.tiny_models().music_model(melody, positions=2048, melody=True)
        mm, score = self.compose(melody, 45)
        self.assertEqual(type(mm.model).__name__, "MusicgenMelodyForConditionalGeneration")
        self.assertIsNone(mm.processor)
        self.assertIn("torchaudio", mm.no_processor)
        self.assertEqual((score.windows, score.samples.shape), (2, (1, 45 * score.rate)))

    def test_the_endpoint_writes_the_exact_length_in_both_channels(self):
        with tempfile.TemporaryDirectory() as d:
            jobs = Jobs(support.cpu_settings(music=self.stereo), ModelCache(torch.device("cpu"), 0, 0), d)
            samples, rate, channels = wav(jobs.music("warm drums", None, 42, 1, progress=support.no_progress))
        self.assertEqual((channels, samples.shape[1]), (2, 42 * rate))


class Crossfade(unittest.TestCase):
    def test_a_jump_between_windows_becomes_a_ramp_no_steeper_than_the_crossfade(self):
        before, after = np.full((2, 1000), 0.5, np.float32), np.full((2, 1000), -0.5, np.float32)
        joined = music.crossfade_join(before, after, 100)
        self.assertEqual(joined.shape, (2, 1900))
        self.assertLessEqual(np.abs(np.diff(joined, axis=-1)).max(), 1.0 / 100 + 1e-6)

    def test_tail_codes_interleave_left_and_right_as_musicgen_lays_stereo_out(self):
        class Encoder:
            def encode(self, input_values, return_dict):
                value = int(input_values.mean().item())
                return type("Out", (), {"audio_codes": torch.full((1, 1, 4, 3), value)})()

        class Model:
            audio_encoder = Encoder()
            decoder = type("Decoder", (), {"num_codebooks": 8})()
        tail = torch.stack([torch.full((10,), 1.0), torch.full((10,), 2.0)])
        codes = music.tail_codes(Model(), tail)
        self.assertEqual(tuple(codes.shape), (8, 3))
        self.assertEqual(codes[:, 0].tolist(), [1, 2, 1, 2, 1, 2, 1, 2])


if __name__ == "__main__":
    unittest.main()
