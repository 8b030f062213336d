"""§1 of issue 23: what keeps a real GPU's memory in bounds, and the out-of-memory errors' meaning."""
import gc
import os
import tempfile
import unittest
import weakref

import numpy as np
import torch

import support  # noqa: F401 - puts the server on the path
import gradio as gr

import loaders
from endpoints import Jobs
from errors import run_on_gpu
from model_cache import ModelCache


class VaeSlicing(unittest.TestCase):
    def test_both_video_pipelines_decode_and_encode_a_frame_at_a_time(self):
        from diffusers import TextToVideoSDPipeline, VideoToVideoSDPipeline
        with tempfile.TemporaryDirectory() as d:
            parts = support.tiny_models().video_components(os.path.join(d, "scratch"))
            TextToVideoSDPipeline(**parts).save_pretrained(os.path.join(d, "t2v"))
            VideoToVideoSDPipeline(**parts).save_pretrained(os.path.join(d, "v2v"))
            for load, folder in ((loaders.load_text_to_video, "t2v"), (loaders.load_video_to_video, "v2v")):
                pipe = load(os.path.join(d, folder), torch.device("cpu"), torch.float32)
                self.assertTrue(pipe.vae.use_slicing, f"{type(pipe).__name__}'s VAE slices")


class Big:
    """Stands for a half-loaded pipeline's weights."""


class LoadRetry(unittest.TestCase):
    def test_a_load_that_ran_out_of_memory_is_freed_before_the_retry(self):
        cache = ModelCache(torch.device("cpu"), 0, 0)
        cache.get("other", "o", lambda: "another model")
        first = []

        def load():
            if not first:
                half_loaded = Big()
                first.append(weakref.ref(half_loaded))
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            self.assertIsNone(first[0](), "the failed attempt's half-loaded model is gone when the retry starts")
            return "model"

        self.assertEqual(cache.get("video", "v", load), "model")
        self.assertEqual([m["name"] for m in cache.describe()], ["video"])


class OutOfMemoryErrors(unittest.TestCase):
    @staticmethod
    def oom():
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity "
                                     "of 23.64 GiB of which 1.12 GiB is free.")

    def test_with_other_models_to_unload_it_says_cuda_out_of_memory_so_the_product_retries(self):
        with self.assertRaises(gr.Error) as e:
            run_on_gpu("/upscale", self.oom, lambda: True, "24 frames at 1024x576", "lower them")
        self.assertIn("CUDA out of memory while running /upscale", e.exception.message)

    def test_alone_on_the_gpu_it_is_bad_input_that_says_what_to_lower_and_never_out_of_memory(self):
        with self.assertRaises(gr.Error) as e:
            run_on_gpu("/upscale", self.oom, lambda: False, "24 frames at 1024x576",
                       "send fewer frames, or lower WEBTV_UPSCALE_SIZE on the model server")
        text = e.exception.message
        self.assertTrue(text.startswith("Invalid input for /upscale: 24 frames at 1024x576 does not fit"), text)
        self.assertIn("lower WEBTV_UPSCALE_SIZE", text)
        # The product's failure rules read "out of memory" as retryable before they read "Invalid input".
        self.assertNotIn("out of memory", text.lower())

    def test_the_jobs_activations_are_freed_before_other_models_are_unloaded(self):
        seen = []

        def job():
            activations = Big()
            seen.append(weakref.ref(activations))
            self.oom()

        def free_others():
            gc.collect()
            self.assertIsNone(seen[0](), "the exception's frames no longer hold the job's tensors")
            return True
        with self.assertRaises(gr.Error):
            run_on_gpu("/run", job, free_others, "x", "y")


class UpscaleCap(unittest.TestCase):
    def test_a_clip_longer_than_the_cap_is_refused_before_any_model_loads(self):
        with tempfile.TemporaryDirectory() as d:
            clip = support.write_clip(os.path.join(d, "long.mp4"), np.zeros((40, 64, 64, 3), np.uint8), 8)
            jobs = Jobs(support.cpu_settings(upscale=os.path.join(d, "no-model")), ModelCache(torch.device("cpu"), 0, 0), d)
            with self.assertRaises(gr.Error) as e:
                jobs.upscale(clip, "a cat", 1, 0.75, 2, progress=support.no_progress)
            self.assertIn("Invalid input for /upscale: the video has 40 frames; at most 32", e.exception.message)
            self.assertEqual(jobs.cache.describe(), [])


class JobRecord(unittest.TestCase):
    def test_each_job_records_its_peak_gpu_memory_for_the_real_bench_none_on_a_cpu(self):
        with tempfile.TemporaryDirectory() as d:
            jobs = Jobs(support.cpu_settings(), ModelCache(torch.device("cpu"), 0, 0), d)
            with jobs._job("/run", "a cat"):
                pass
        self.assertIn("peak_gpu_bytes", jobs.history[-1])
        self.assertIsNone(jobs.history[-1]["peak_gpu_bytes"])


if __name__ == "__main__":
    unittest.main()
