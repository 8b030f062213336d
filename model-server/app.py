"""AI WebTV's own model server: Zeroscope v2 576w (/run), Zeroscope v2 XL (/upscale), FILM or a
cross-fade (/interpolate), MusicGen (/predict_full), Dia's dialogue speech (/speak) and AudioLDM 2's sound
effects (/sfx) in one Gradio app, with the endpoint names and parameters of the product's default mapping,
so a channel config needs only `"app": "http://gpu-box:7860/"`. See docs/model-server.md.

All the endpoints share one concurrency slot ("gpu"): one job per GPU at a time, behind a queue of
WEBTV_QUEUE_SIZE. Run one server per GPU (CUDA_VISIBLE_DEVICES) to use several.

GET /webtv/health answers outside the queue: device, loaded models, free GPU memory.

Run: python app.py [--host 0.0.0.0] [--port 7860]
"""
import argparse
import os
import tempfile
import time

import gradio as gr
import torch
import uvicorn
from fastapi import FastAPI

from endpoints import MUSIC_MAX_SEC, SEED_MAX, SFX_MAX_SEC, SFX_MIN_SEC, Jobs
from model_cache import ModelCache
from fetch_weights import fetch_film_if_asked
from settings import FILM_FILE, models_dir, read_settings

SERVER_NAME = "webtv-model-server"
SERVER_VERSION = "1"


def build_demo(jobs: Jobs) -> gr.Blocks:
    gpu = {"concurrency_limit": 1, "concurrency_id": "gpu"}
    with gr.Blocks(title="AI WebTV model server") as demo:
        with gr.Tab("Zeroscope v2 576w"):
            prompt = gr.Textbox(label="Prompt")
            seed = gr.Slider(0, SEED_MAX, value=0, step=1, label="Seed")
            frames = gr.Slider(2, 64, value=24, step=1, label="Number of frames")
            steps = gr.Slider(1, 100, value=25, step=1, label="Number of inference steps")
            out = gr.Video(label="Result")
            gr.Button("Run").click(jobs.run, [prompt, seed, frames, steps], out, api_name="run", **gpu)
        with gr.Tab("Zeroscope v2 XL"):
            video = gr.Video(label="Input video")
            uprompt = gr.Textbox(label="Prompt (the one the video was made with)")
            useed = gr.Slider(0, SEED_MAX, value=0, step=1, label="Seed")
            denoise = gr.Slider(0.01, 1, value=0.75, label="Denoise strength")
            usteps = gr.Slider(1, 100, value=25, step=1, label="Number of inference steps")
            uout = gr.Video(label="Upscaled")
            gr.Button("Upscale").click(jobs.upscale, [video, uprompt, useed, denoise, usteps], uout,
                                       api_name="upscale", **gpu)
        with gr.Tab("Interpolation"):
            ivideo = gr.Video(label="Input video")
            depth = gr.Slider(1, 4, value=2, step=1, label="Interpolation depth")
            fps = gr.Slider(1, 60, value=24, step=1, label="Output fps")
            iout = gr.Video(label="Interpolated")
            gr.Button("Interpolate").click(jobs.interpolate, [ivideo, depth, fps], iout, api_name="interpolate", **gpu)
        with gr.Tab("MusicGen"):
            text = gr.Textbox(label="Input text")
            melody = gr.Audio(label="Melody condition (optional)", type="filepath")
            duration = gr.Slider(1, MUSIC_MAX_SEC, value=10, step=1, label="Duration")
            mseed = gr.Slider(0, SEED_MAX, value=0, step=1, label="Seed")
            aout = gr.Audio(label="Generated music", type="filepath")
            gr.Button("Generate").click(jobs.music, [text, melody, duration, mseed], aout, api_name="predict_full", **gpu)
        with gr.Tab("Dia (speech)"):
            line = gr.Textbox(label="Text ([S1]/[S2] speaker tags and cues such as (laughs); untagged is [S1])")
            vseed = gr.Slider(0, SEED_MAX, value=0, step=1, label="Seed")
            ref = gr.Audio(label="Audio prompt: a reference clip of the voice (optional)", type="filepath")
            ref_text = gr.Textbox(value="", label="Audio prompt transcript (the words spoken in the clip)")
            vout = gr.Audio(label="Speech", type="filepath")
            gr.Button("Speak").click(jobs.speak, [line, vseed, ref, ref_text], vout, api_name="speak", **gpu)
        with gr.Tab("AudioLDM 2 (sound effects)"):
            cue = gr.Textbox(label="Sound description")
            sduration = gr.Slider(SFX_MIN_SEC, SFX_MAX_SEC, value=5, step=0.1, label="Duration")
            sseed = gr.Slider(0, SEED_MAX, value=0, step=1, label="Seed")
            negative = gr.Textbox(value="Low quality.", label="Negative prompt")
            ssteps = gr.Slider(1, 500, value=200, step=1, label="Number of inference steps")
            sout = gr.Audio(label="Sound effect", type="filepath")
            gr.Button("Generate").click(jobs.sfx, [cue, sduration, sseed, negative, ssteps], sout, api_name="sfx", **gpu)
    return demo


def interpolator_of(source: str) -> dict:
    """Which interpolator /interpolate runs, for the health route and `webtv spaces check`."""
    if source == "blend":
        return {"kind": "blend", "source": "blend"}
    return {"kind": "film", "source": source}


def health(settings, cache: ModelCache, jobs: Jobs, demo: gr.Blocks, started: float) -> dict:
    gpu = None
    if settings.device.type == "cuda":
        free, total = torch.cuda.mem_get_info(settings.device)
        gpu = {"name": torch.cuda.get_device_name(settings.device), "free_bytes": free, "total_bytes": total}
    return {
        "server": SERVER_NAME,
        "version": SERVER_VERSION,
        "device": str(settings.device),
        "dtype": str(settings.dtype).replace("torch.", ""),
        "gpu": gpu,
        "loaded": cache.describe(),
        "unloads": cache.unloads,
        "jobs": list(jobs.history)[-20:],
        "models": vars(settings.models),
        "interpolator": interpolator_of(settings.models.interpolate),
        "queue": {"size": len(demo._queue), "max_size": settings.queue_size},
        "versions": {"gradio": gr.__version__, "torch": torch.__version__},
        "uptime_sec": round(time.time() - started, 1),
    }


def build_app(settings=None) -> FastAPI:
    settings = settings or read_settings()
    cache = ModelCache(settings.device, settings.max_loaded, settings.gpu_reserve_bytes)
    work = tempfile.mkdtemp(prefix="webtv-model-server-")
    jobs = Jobs(settings, cache, work)
    demo = build_demo(jobs)
    demo.queue(max_size=settings.queue_size, default_concurrency_limit=1)
    app = FastAPI()
    started = time.time()

    @app.get("/webtv/health")
    def get_health():
        return health(settings, cache, jobs, demo, started)

    # Errors the app means to show are gr.Error; anything else reaches clients as "An error occurred",
    # as on Spaces (no tracebacks leak to callers; they go to the server log).
    return gr.mount_gradio_app(app, demo, path="/", show_error=False, allowed_paths=[work])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # GRADIO_SERVER_NAME/PORT are what Hugging Face Spaces set for an app they run.
    env = os.environ.get
    parser.add_argument("--host", default=env("WEBTV_HOST") or env("GRADIO_SERVER_NAME") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("WEBTV_PORT") or env("GRADIO_SERVER_PORT") or "7860"))
    args = parser.parse_args()
    fetch_film_if_asked(os.path.join(models_dir(), FILM_FILE))
    settings = read_settings()
    print(f"{SERVER_NAME}: {settings.device_line}", flush=True)
    app = build_app(settings)
    print(f"{SERVER_NAME} on http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
