"""Tiny random-weight models of /speak's and /sfx's real architectures, for tests (nothing can be downloaded
there), saved with save_pretrained so the server reads them with from_pretrained, its real path.

  voice/  transformers DiaForConditionalGeneration (encoder, decoder over 9 codebooks) + DiaProcessor, whose
          codec, a tiny DacModel at 44.1 kHz, is saved in voice/dac (the processor's config points there,
          as nari-labs' points at descript/dac_44khz)
  sfx/    diffusers AudioLDM2Pipeline: the components of diffusers' own fast tests (get_dummy_components in
          tests/pipelines/audioldm2/test_audioldm2.py), with tokenizers built here instead of fetched from
          hf-internal-testing, and a vocoder hopping 160 samples at 16 kHz as cvssp/audioldm2's does

Run: python tiny_sound.py OUT_DIR   (prints a JSON object of the paths)
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "fixtures", "model-server"))
from tiny_models import byte_chars  # noqa: E402

# Tokens the tiny Dia generates per line (with its 15-frame codebook delay: 24 frames, 12,288 samples).
VOICE_TOKENS = 40


def voice_model(folder: str) -> str:
    from transformers import (DacConfig, DacModel, DiaConfig, DiaDecoderConfig, DiaEncoderConfig, DiaFeatureExtractor,
                              DiaForConditionalGeneration, DiaProcessor, DiaTokenizer)
    torch.manual_seed(0)
    config = DiaConfig(
        encoder_config=DiaEncoderConfig(max_position_embeddings=256, num_hidden_layers=2, hidden_size=32,
                                        num_attention_heads=2, num_key_value_heads=2, head_dim=16,
                                        intermediate_size=64, vocab_size=256),
        # 512 positions hold 5.9 s of speech at the codec's 86 frames/s (the real model: 3072, 35 s).
        decoder_config=DiaDecoderConfig(max_position_embeddings=512, num_hidden_layers=2, hidden_size=32,
                                        intermediate_size=64, num_attention_heads=2, num_key_value_heads=1,
                                        head_dim=16, cross_num_attention_heads=2, cross_head_dim=16,
                                        cross_num_key_value_heads=2, cross_hidden_size=32, vocab_size=1028,
                                        num_channels=9))
    model = DiaForConditionalGeneration(config).eval()
    # Sampling, as nari-labs' generation config does, so the seed decides what is said.
    model.generation_config.update(do_sample=True, temperature=1.2, top_k=45, top_p=0.95, max_new_tokens=VOICE_TOKENS)
    model.save_pretrained(folder)
    codec_dir = os.path.join(folder, "dac")
    DacModel(DacConfig(encoder_hidden_size=8, downsampling_ratios=[2, 4, 8, 8], decoder_hidden_size=32, n_codebooks=9,
                       codebook_size=1024, codebook_dim=8, hidden_size=64, sampling_rate=44100)).eval().save_pretrained(codec_dir)
    # Loaded back, the codec knows its folder: the processor's config records it as its audio tokenizer.
    codec = DacModel.from_pretrained(codec_dir)
    DiaProcessor(feature_extractor=DiaFeatureExtractor(sampling_rate=44100, hop_length=512), tokenizer=DiaTokenizer(),
                 audio_tokenizer=codec).save_pretrained(folder)
    return folder


def sfx_model(folder: str) -> str:
    from diffusers import (AudioLDM2Pipeline, AudioLDM2ProjectionModel, AudioLDM2UNet2DConditionModel, AutoencoderKL,
                           DDIMScheduler)
    from transformers import (ClapConfig, ClapFeatureExtractor, ClapModel, GPT2Config, GPT2LMHeadModel, RobertaTokenizer,
                              SpeechT5HifiGan, SpeechT5HifiGanConfig, T5Config, T5EncoderModel, T5Tokenizer)
    scratch = folder + "-tokenizers"
    os.makedirs(scratch, exist_ok=True)
    # RoBERTa's byte-level BPE with no merges (one token per byte), and a small T5 Unigram vocabulary.
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for c in byte_chars():
        vocab.setdefault(c, len(vocab))
    vocab["<mask>"] = len(vocab)
    with open(os.path.join(scratch, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(scratch, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
    tokenizer = RobertaTokenizer(os.path.join(scratch, "vocab.json"), os.path.join(scratch, "merges.txt"), model_max_length=77)
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    pieces += [(w, -1.0) for w in "▁a ▁the ▁door ▁slam s ing ▁rain ▁thunder ▁glass ▁wind".split()]
    pieces += [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz▁"]
    tokenizer_2 = T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=77)

    torch.manual_seed(0)
    unet = AudioLDM2UNet2DConditionModel(block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=8, sample_size=32,
                                         in_channels=4, out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
                                         up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=(8, 16))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False)
    torch.manual_seed(0)
    vae = AutoencoderKL(block_out_channels=[8, 16], in_channels=1, out_channels=1, norm_num_groups=8,
                        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"], latent_channels=4)
    torch.manual_seed(0)
    text_branch = {"bos_token_id": 0, "eos_token_id": 2, "hidden_size": 8, "intermediate_size": 37, "layer_norm_eps": 1e-05,
                   "num_attention_heads": 1, "num_hidden_layers": 1, "pad_token_id": 1, "vocab_size": len(tokenizer),
                   "projection_dim": 8, "max_position_embeddings": 80}
    audio_branch = {"spec_size": 8, "window_size": 4, "num_mel_bins": 8, "intermediate_size": 37, "layer_norm_eps": 1e-05,
                    "depths": [1, 1], "num_attention_heads": [1, 1], "num_hidden_layers": 1, "hidden_size": 192,
                    "projection_dim": 8, "patch_size": 2, "patch_stride": 2, "patch_embed_input_channels": 4}
    text_encoder = ClapModel(ClapConfig(text_config=text_branch, audio_config=audio_branch, projection_dim=16))
    feature_extractor = ClapFeatureExtractor(feature_size=8, sampling_rate=16000, hop_length=7900)
    torch.manual_seed(0)
    text_encoder_2 = T5EncoderModel(T5Config(vocab_size=len(tokenizer_2), d_model=32, d_ff=37, d_kv=8, num_heads=1, num_layers=1))
    torch.manual_seed(0)
    language_model = GPT2LMHeadModel(GPT2Config(n_embd=16, n_head=1, n_layer=1, vocab_size=1000, n_ctx=99, n_positions=99,
                                                           bos_token_id=999, eos_token_id=999))
    language_model.config.max_new_tokens = 8
    torch.manual_seed(0)
    projection_model = AudioLDM2ProjectionModel(text_encoder_dim=16, text_encoder_1_dim=32, langauge_model_dim=16)
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig(
        model_in_dim=8, sampling_rate=16000, upsample_initial_channel=16, upsample_rates=[8, 4, 5],
        upsample_kernel_sizes=[16, 8, 10], resblock_kernel_sizes=[3, 7], resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]],
        normalize_before=False))
    AudioLDM2Pipeline(unet=unet, scheduler=scheduler, vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2,
                      tokenizer=tokenizer, tokenizer_2=tokenizer_2, feature_extractor=feature_extractor,
                      language_model=language_model, projection_model=projection_model, vocoder=vocoder).save_pretrained(folder)
    return folder


def main(out: str) -> dict:
    os.makedirs(out, exist_ok=True)
    return {"voice": voice_model(os.path.join(out, "voice")), "sfx": sfx_model(os.path.join(out, "sfx"))}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])), flush=True)
