"""Issue 22 §3–§4 on the server: /speak (Dia) keeps a character's voice by continuing its reference clip,
/sfx (AudioLDM 2) makes an effect of the length asked for; both refuse bad input with a message that says
what to change. Tiny random-weight models of the real architectures, built here (tiny_sound.py)."""
import os
import subprocess
import tempfile
import unittest
from unittest import mock

import gradio as gr
import numpy as np
import torch

import support
import endpoints
from endpoints import Jobs
from model_cache import ModelCache


def wav(path: str) -> tuple[np.ndarray, int]:
    info = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels", "-of", "csv=p=0",
                           path], capture_output=True, text=True, check=True).stdout.strip().split(",")
    assert info[0] == "pcm_s16le" and info[2] == "1", info
    raw = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.int16), int(info[1])


def tone(path: str, seconds: float) -> str:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}",
                    "-ar", "22050", path], check=True)
    return path


class Sound(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tiny = support.tiny_sound().main(os.path.join(cls.tmp.name, "models"))
        cls.voice, cls.sfx_model = tiny["voice"], tiny["sfx"]
        cls.jobs = Jobs(support.cpu_settings(voice=cls.voice, sfx=cls.sfx_model), ModelCache(torch.device("cpu"), 0, 0),
                        cls.tmp.name)
        cls.reference = tone(os.path.join(cls.tmp.name, "reference.wav"), 1.0)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def speak(self, text, seed=7, clip=None, transcript="", progress=support.no_progress):
        return self.jobs.speak(text, seed, clip, transcript, progress=progress)

    def refused(self, pattern: str, call):
        with self.assertRaises(gr.Error) as e:
            call()
        self.assertRegex(e.exception.message, pattern)


class Speak(Sound):
    def test_the_line_follows_the_clips_transcript_with_a_tag_only_when_the_speaker_changes(self):
        import sound
        self.assertEqual(sound.dia_text("Hi. (laughs)", None), "[S1] Hi. (laughs)")
        self.assertEqual(sound.dia_text("[S1] Hi.", "Calm today."), "[S1] Calm today. Hi.")
        self.assertEqual(sound.dia_text("[S1] Hi.", "[S1] Calm today. [S2] Yes."), "[S1] Calm today. [S2] Yes. [S1] Hi.")
        self.assertEqual(sound.dia_text("[S2] Hi.", "Calm today."), "[S1] Calm today. [S2] Hi.")

    def test_a_line_is_a_mono_44_1_khz_wav_of_the_generated_frames_reporting_each_token(self):
        ticks = []
        samples, rate = wav(self.speak("Hello there. (laughs)", progress=lambda p, **kw: ticks.append((p, kw["unit"]))))
        # 40 tokens, less Dia's 15-frame codebook delay and the end: 24 frames of 512 samples.
        self.assertEqual((rate, samples.size), (44100, 24 * 512))
        self.assertEqual(ticks[-1], ((40, 40), "tokens"))

    def test_the_reference_clip_goes_first_with_its_transcript_and_only_the_new_line_comes_back(self):
        seen = []
        vm = self.jobs._model("voice", "WEBTV_VOICE_MODEL", "voice", endpoints.loaders.load_voice)
        real = type(vm.processor).__call__

        def spy(processor, **kw):
            seen.append((kw["text"], len(kw.get("audio") or [])))
            return real(processor, **kw)
        with mock.patch.object(type(vm.processor), "__call__", spy):
            samples, _ = wav(self.speak("Nice to see you.", clip=self.reference, transcript="The weather is calm today."))
            self.speak("(sighs) Again.")
        self.assertEqual(seen, [(["[S1] The weather is calm today. Nice to see you."], 1), (["[S1] (sighs) Again."], 0)])
        self.assertEqual(samples.size, 24 * 512, "the clip is the prompt, not part of the line's audio")

    def test_the_same_clip_and_seed_say_a_line_the_same_way_and_another_seed_does_not(self):
        line = lambda seed: wav(self.speak("Good evening.", seed, self.reference, "[S1] The weather is calm today."))[0]  # noqa: E731
        first, again, other = line(5), line(5), line(6)
        np.testing.assert_array_equal(first, again)
        self.assertFalse(np.array_equal(first, other))

    def test_bad_input_is_refused_saying_what_to_change(self):
        long_clip = tone(os.path.join(self.tmp.name, "long.wav"), 6.0)
        broken = os.path.join(self.tmp.name, "broken.wav")
        with open(broken, "wb") as f:
            f.write(b"RIFF not a wave at all" * 20)
        for pattern, call in [
            (r"^Invalid input for /speak: text must be a non-empty text", lambda: self.speak("  ")),
            (r"^Invalid input for /speak: seed must be between 0 and 2147483647", lambda: self.speak("Hi.", seed=-1)),
            (r"^Invalid input for /speak: audio_prompt_transcript is empty: give the words spoken in audio_prompt",
             lambda: self.speak("Hi.", clip=self.reference)),
            (r"^Invalid input for /speak: audio_prompt_transcript was given without audio_prompt",
             lambda: self.speak("Hi.", transcript="The weather is calm today.")),
            (r"^Invalid input for /speak: the line is 302 tokens \(a byte each, a tag one\); the voice model reads at most 256: split the line$",
             lambda: self.speak("x" * 300)),
            (r"^Invalid input for /speak: the reference clip is 6\.0 s; the voice model holds 6 s in all, which leaves no room "
             r"for the line: use a reference clip under 3 s", lambda: self.speak("Hi.", clip=long_clip, transcript="A long one.")),
            (r"^Invalid input for /speak: the audio_prompt could not be decoded",
             lambda: self.speak("Hi.", clip=broken, transcript="Words.")),
        ]:
            with self.subTest(pattern):
                self.refused(pattern, call)


class Sfx(Sound):
    def sfx(self, text="a door slams in the rain", duration=1.5, seed=3, steps=2, progress=support.no_progress):
        return self.jobs.sfx(text, duration, seed, "Low quality.", steps, progress=progress)

    def test_an_effect_is_exactly_the_duration_asked_for_at_the_vocoders_rate_reporting_each_step(self):
        ticks = []
        samples, rate = wav(self.sfx(duration=1.5, progress=lambda p, **kw: ticks.append((p, kw["unit"]))))
        self.assertEqual((rate, samples.size), (16000, 24000))
        self.assertEqual(ticks, [((1, 2), "steps"), ((2, 2), "steps")])

    def test_the_seed_decides_the_sound(self):
        made = []
        with mock.patch.object(endpoints, "write_audio", lambda samples, *_: made.append(np.array(samples))):
            self.sfx(seed=1), self.sfx(seed=1), self.sfx(seed=2)
        np.testing.assert_array_equal(made[0], made[1])
        self.assertFalse(np.array_equal(made[0], made[2]))

    def test_bad_input_is_refused_saying_what_to_change(self):
        for pattern, call in [
            (r"^Invalid input for /sfx: text must be a non-empty text", lambda: self.sfx(text="")),
            (r"^Invalid input for /sfx: duration must be between 0.5 and 30, got 45", lambda: self.sfx(duration=45)),
            (r"^Invalid input for /sfx: num_inference_steps must be between 1 and 500", lambda: self.sfx(steps=0)),
        ]:
            with self.subTest(pattern):
                self.refused(pattern, call)

    def test_a_missing_model_directory_names_the_variable(self):
        with tempfile.TemporaryDirectory() as d:
            jobs = Jobs(support.cpu_settings(sfx=os.path.join(d, "none")), ModelCache(torch.device("cpu"), 0, 0), d)
            with self.assertRaises(gr.Error) as e:
                jobs.sfx("rain", 1, 0, "", 2, progress=support.no_progress)
        self.assertRegex(e.exception.message, r"sound-effect model directory .*none does not exist on the model server; set WEBTV_SFX_MODEL")


del Sound  # a base, not a suite

if __name__ == "__main__":
    unittest.main()
