"""What the server decides from its environment at start: the interpolator (§3 of issue 23)."""
import os
import tempfile
import unittest
from unittest import mock

import support  # noqa: F401 - puts the server on the path
import settings
from app import interpolator_of


class DefaultInterpolator(unittest.TestCase):
    def env(self, models_dir: str, **extra):
        return mock.patch.dict(os.environ, {"WEBTV_MODELS_DIR": models_dir, "WEBTV_DEVICE": "cpu", **extra}, clear=False)

    def test_film_when_the_installer_put_its_weights_in_the_models_folder(self):
        with tempfile.TemporaryDirectory() as d, self.env(d):
            os.environ.pop("WEBTV_INTERPOLATE_MODEL", None)
            film = os.path.join(d, "film_net_fp16.pt")
            open(film, "wb").close()
            self.assertEqual(settings.read_settings().models.interpolate, film)
            self.assertEqual(interpolator_of(film), {"kind": "film", "source": film})

    def test_the_cross_fade_when_there_is_none(self):
        with tempfile.TemporaryDirectory() as d, self.env(d, WEBTV_INTERPOLATE_MODEL=""):
            self.assertEqual(settings.read_settings().models.interpolate, "blend")
            self.assertEqual(interpolator_of("blend")["kind"], "blend")

    def test_the_variable_wins_over_the_installed_file(self):
        with tempfile.TemporaryDirectory() as d, self.env(d, WEBTV_INTERPOLATE_MODEL="blend"):
            open(os.path.join(d, "film_net_fp16.pt"), "wb").close()
            self.assertEqual(settings.read_settings().models.interpolate, "blend")


class FilmAtStart(unittest.TestCase):
    def test_the_compose_opt_in_fetches_once_and_refuses_a_wrong_hash(self):
        import hashlib
        import pathlib
        from fetch_weights import fetch_film_if_asked
        with tempfile.TemporaryDirectory() as d:
            release = os.path.join(d, "release.pt")
            with open(release, "wb") as f:
                f.write(os.urandom(2048))
            sha = hashlib.sha256(pathlib.Path(release).read_bytes()).hexdigest()
            dest = os.path.join(d, "models", "film_net_fp16.pt")
            url = pathlib.Path(release).as_uri()
            with mock.patch.dict(os.environ, {"WEBTV_FILM_URL": url, "WEBTV_FILM_SHA256": "0" * 64}):
                with self.assertRaises(SystemExit) as e:
                    fetch_film_if_asked(dest)
                self.assertIn("refusing", str(e.exception))
                self.assertFalse(os.path.exists(dest))
            with mock.patch.dict(os.environ, {"WEBTV_FILM_URL": url, "WEBTV_FILM_SHA256": sha}):
                fetch_film_if_asked(dest)
                self.assertEqual(pathlib.Path(dest).read_bytes(), pathlib.Path(release).read_bytes())
                os.remove(release)
                fetch_film_if_asked(dest)  # already there with that hash: no download (the URL is gone)


class DeviceAtStart(unittest.TestCase):
    """§5: this machine has no GPU, as a box with a too-old driver for the CUDA 13 wheel would not."""

    def start(self, device: str | None):
        import subprocess
        import sys
        env = {k: v for k, v in os.environ.items() if k != "WEBTV_DEVICE"}
        if device is not None:
            env["WEBTV_DEVICE"] = device
        # --port 1 is never reached when the server refuses to start; a started one is killed at once.
        p = subprocess.Popen([sys.executable, os.path.join(support.SERVER, "app.py"), "--port", "1"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = p.stdout.readline()
        p.kill()
        p.wait()
        rest = p.stdout.read()
        return p.returncode, first + rest

    def test_cuda_asked_for_and_not_usable_stops_the_server_with_one_line_naming_the_versions(self):
        code, out = self.start("cuda")
        self.assertNotEqual(code, 0)
        self.assertRegex(out, r"WEBTV_DEVICE=cuda but there is no usable CUDA GPU \(no NVIDIA driver found; torch "
                              r"[0-9.]+\S* is built for CUDA 13\.\d+, which needs driver 580\.65 or newer\)")

    def test_no_device_asked_for_and_no_gpu_runs_on_cpu_with_a_loud_warning(self):
        _, out = self.start(None)
        self.assertRegex(out.splitlines()[0], r"^webtv-model-server: WARNING: no usable CUDA GPU, so running on the CPU")

    def test_cpu_asked_for_says_so_without_a_warning(self):
        _, out = self.start("cpu")
        self.assertRegex(out.splitlines()[0], r"^webtv-model-server: device cpu, float32 \(WEBTV_DEVICE=cpu\) · no NVIDIA driver")


if __name__ == "__main__":
    unittest.main()
