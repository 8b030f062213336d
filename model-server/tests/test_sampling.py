"""§6 of issue 23: the Spaces' sampler and negative prompt by default, and what made each clip written in
its comment tag, carried from /run through /upscale and /interpolate."""
import dataclasses
import json
import os
import subprocess
import tempfile
import unittest
from unittest import mock

import torch

import support
from endpoints import Jobs
from model_cache import ModelCache
from settings import Sampling


def comment_of(path: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags=comment", "-of", "json", path],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(json.loads(out)["format"]["tags"]["comment"])


class Sampling_(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from diffusers import TextToVideoSDPipeline, VideoToVideoSDPipeline
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        parts = support.tiny_models().video_components(os.path.join(d, "scratch"))
        TextToVideoSDPipeline(**parts).save_pretrained(os.path.join(d, "video"))
        VideoToVideoSDPipeline(**parts).save_pretrained(os.path.join(d, "upscale"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def jobs(self, **sampling) -> Jobs:
        d = self.tmp.name
        s = support.cpu_settings(video=os.path.join(d, "video"), upscale=os.path.join(d, "upscale"))
        s = dataclasses.replace(s, sampling=Sampling(**sampling))
        with mock.patch.dict(os.environ, {"WEBTV_VIDEO_SIZE": "64x64", "WEBTV_UPSCALE_SIZE": "64x64"}):
            return Jobs(s, ModelCache(torch.device("cpu"), 0, 0), tempfile.mkdtemp(dir=d))

    def test_the_spaces_defaults_are_used_and_recorded_through_all_three_steps(self):
        jobs = self.jobs()
        clip = jobs.run("a lighthouse", 7, 2, 2, progress=support.no_progress)
        self.assertEqual(type(jobs.cache.get("video", jobs.s.models.video, lambda: None).scheduler).__name__, "DPMSolverMultistepScheduler")
        run = {"scheduler": "DPMSolverMultistepScheduler", "steps": 2, "guidance": 9.0,
               "negative_prompt": "text, watermark, copyright, blurry, nsfw", "seed": 7}
        self.assertEqual(comment_of(clip), {"webtv": {"run": run}})
        upscaled = jobs.upscale(clip, "a lighthouse", 7, 0.5, 2, progress=support.no_progress)
        made = comment_of(upscaled)["webtv"]
        self.assertEqual(made["run"], run, "the generator's record travels with the clip")
        self.assertEqual(made["upscale"], {**run, "guidance": 15.0, "strength": 0.5})
        interpolated = jobs.interpolate(upscaled, 2, 24, progress=support.no_progress)
        made = comment_of(interpolated)["webtv"]
        self.assertEqual(list(made), ["run", "upscale", "interpolate"])
        self.assertEqual(made["interpolate"], {"interpolator": "blend", "fps": 24.0})

    def test_configurable_the_checkpoints_own_scheduler_no_negative_prompt_another_guidance(self):
        jobs = self.jobs(scheduler="model", negative_prompt="", video_guidance=7.5)
        made = comment_of(jobs.run("a lighthouse", 7, 2, 1, progress=support.no_progress))["webtv"]["run"]
        self.assertEqual((made["scheduler"], made["negative_prompt"], made["guidance"]), ("DDIMScheduler", "", 7.5))


if __name__ == "__main__":
    unittest.main()
