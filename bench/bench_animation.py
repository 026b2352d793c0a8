# Copyright 2026 The Ameca Imitation Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Animation models per frame, batch 1, fp32, random weights in the official shapes.

    .venv/bin/python bench/bench_animation.py [--device cuda] [--runs N]
        [--official-fomm DIR] [--official-liveportrait DIR]   # checkouts of the releases

"reference" runs each model the way the official code does per frame (FOMM: the generator
encodes the source again every frame; LivePortrait: M(driving) + W + G with G's spectral norm
recomputed every call; our modules are bit-identical to the official ones). Then each step adds
one change (animation.inference), cumulatively: per-source work cached, spectral norm folded,
upsampling fused into the following convs, the anti-alias blur computed only where it is
kept (strided), channels-last memory (FOMM); LivePortrait's SPADE blocks with merged convs,
its 7x7x7 mask conv through the FFT, its occlusion conv as a GEMM and shifted sums, the
wide 3x3 convs through Winograd F(2x2, 3x3), and the largest layers cut into pieces below
glibc's mmap threshold (animation.chunking; the steps before run without it). The
steps are timed interleaved, round by round (median ms, speed-ups as medians of paired
ratios), and every step's output is compared with the reference (max abs diff); for
LivePortrait also the reference against itself on one thread (the size of fp32 rounding noise
at G's output) and both the reference and the rewritten G against G in float64. Two threads
by default, as the official timings quoted in the reference were taken. Also: the speed
baseline shaped like the published system (LivePortrait animation + X2CNet at 224 px) per
frame.
"""

import argparse
import copy
import statistics
from pathlib import Path
import sys
import time

import common
import torch

from ameca_imitation.animation.blocks import AntiAliasInterpolation2d
from ameca_imitation.animation.fomm import KPDetector, OcclusionAwareGenerator
from ameca_imitation.animation.inference import chunking
from ameca_imitation.animation.inference import prepare_for_inference
from ameca_imitation.animation.liveportrait import (AppearanceFeatureExtractor,
                                                    MotionExtractor, SPADEDecoder,
                                                    WarpingNetwork)
from ameca_imitation.animation.liveportrait import transform as tf
from ameca_imitation.animation.liveportrait.spade import fold_spectral_norm, SPADEResnetBlock
from ameca_imitation.policy.modules import X2CNet


def timed(fn, runs, device, warm=True):
    if warm:
        fn()
    times = []
    for _ in range(runs):
        if device.type == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = fn()
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], out


def unchunked(fn):
    """``fn`` run with the CPU chunking of the rewrites switched off, to time it alone."""
    def run():
        saved, chunking.CHUNK_BYTES = chunking.CHUNK_BYTES, 1 << 62
        try:
            return fn()
        finally:
            chunking.CHUNK_BYTES = saved
    return run


def randomise_norms(*models):
    gen = torch.Generator().manual_seed(0)
    for model in models:
        for m in model.modules():
            if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=gen) * 0.2 - 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)


def stepwise(steps, runs, device):
    """
    Time each ``(label, fn)``, the steps interleaved round by round.

    This machine's speed drifts by up to 15 % over minutes: interleaving exposes every step to
    the same drift, and speed-ups are medians of the per-round ratios (paired), taken against
    the ``reference`` step and, when present, against ``official_code``. Outputs are compared
    with the reference step's.
    """
    outs = {label: fn() for label, fn in steps}                 # warm-up, and the outputs
    times = {label: [] for label, _ in steps}
    for _ in range(runs):
        for label, fn in steps:
            times[label].append(timed(fn, 1, device, warm=False)[0])

    def paired(base, label):
        return round(statistics.median(b / t for b, t in zip(times[base], times[label])), 3)
    figures = {}
    for label, ts in times.items():
        figures[label] = {'ms': round(1000 * statistics.median(ts), 1),
                          'speedup': paired('reference', label),
                          'max_abs_diff': float((outs[label].float()
                                                 - outs['reference'].float()).abs().max())}
        if 'official_code' in times:
            figures[label]['speedup_vs_official'] = paired('official_code', label)
    return figures


def official_modules(folder, names):
    """Import modules from a checkout of an official repository (an oracle; never vendored)."""
    import importlib
    sys.path.insert(0, str(folder))
    return [importlib.import_module(name) for name in names]


def official_fomm(folder, kp, gen):
    """The official FOMM networks (vox-256 config) holding the same weights as ours."""
    kp_mod, gen_mod = official_modules(folder, ['modules.keypoint_detector', 'modules.generator'])
    okp = kp_mod.KPDetector(block_expansion=32, num_kp=10, num_channels=3, max_features=1024,
                            num_blocks=5, temperature=0.1, estimate_jacobian=True,
                            scale_factor=0.25)
    ogen = gen_mod.OcclusionAwareGenerator(
        num_channels=3, num_kp=10, block_expansion=64, max_features=512, num_down_blocks=2,
        num_bottleneck_blocks=6, estimate_occlusion_map=True, estimate_jacobian=True,
        dense_motion_params=dict(block_expansion=64, max_features=1024, num_blocks=5,
                                 scale_factor=0.25))
    okp.load_state_dict(kp.state_dict())
    ogen.load_state_dict(gen.state_dict())
    return okp.eval().to(kp.down.weight.device), ogen.eval().to(kp.down.weight.device)


def official_liveportrait(folder, m, w, g):
    """The official LivePortrait M, W, G holding the same weights as ours."""
    mm, wm, gm = official_modules(folder, ['src.modules.motion_extractor',
                                           'src.modules.warping_network',
                                           'src.modules.spade_generator'])
    om = mm.MotionExtractor(num_kp=21, backbone='convnextv2_tiny')
    ow = wm.WarpingNetwork(num_kp=21, block_expansion=64, max_features=512, num_down_blocks=2,
                           reshape_channel=32, estimate_occlusion_map=True,
                           dense_motion_params=dict(block_expansion=32, max_features=1024,
                                                    num_blocks=5, reshape_depth=16, compress=4))
    og = gm.SPADEDecoder(upscale=2, block_expansion=64, max_features=512, num_down_blocks=2)
    device = next(m.parameters()).device
    for ours, theirs in ((m, om), (w, ow), (g, og)):
        theirs.load_state_dict(ours.state_dict())
    return om.eval().to(device), ow.eval().to(device), og.eval().to(device)


def bench_fomm(device, runs, official=None):
    torch.manual_seed(0)
    kp, gen = KPDetector().eval().to(device), OcclusionAwareGenerator().eval().to(device)
    randomise_norms(kp, gen)
    src, drv = torch.rand(1, 3, 256, 256, device=device), torch.rand(1, 3, 256, 256, device=device)
    with torch.inference_mode():
        kp_s = kp(src)
        feats = gen.encode(src)
        fused_kp, fused_gen = (prepare_for_inference(copy.deepcopy(m)) for m in (kp, gen))
        unstrided_kp, unstrided_gen = copy.deepcopy(fused_kp), copy.deepcopy(fused_gen)
        for module in [*unstrided_kp.modules(), *unstrided_gen.modules()]:
            if isinstance(module, AntiAliasInterpolation2d):
                module.strided = False
        cl_kp, cl_gen = (prepare_for_inference(copy.deepcopy(m), channels_last=True)
                         for m in (kp, gen))
        src_cl = src.contiguous(memory_format=torch.channels_last)
        cl_feats = cl_gen.encode(src_cl)
        steps = [
            ('reference', lambda: gen(src, kp(drv), kp_s)['prediction']),
            ('source_cached', lambda: gen(src, kp(drv), kp_s, feats)['prediction']),
            ('upsampling_fused',
             lambda: unstrided_gen(src, unstrided_kp(drv), kp_s, feats)['prediction']),
            ('blur_strided', lambda: fused_gen(src, fused_kp(drv), kp_s, feats)['prediction']),
            ('channels_last', lambda: cl_gen(src_cl, cl_kp(drv), kp_s, cl_feats)['prediction']),
        ]
        if official:
            okp, ogen = official_fomm(official, kp, gen)
            # the release leaves grid_sample's align_corners to torch (False now): time only
            steps.insert(0, ('official_code',
                             lambda: ogen(src, kp_source=kp_s, kp_driving=okp(drv))['prediction']))
        return {'fomm': stepwise(steps, runs, device)}


def bench_liveportrait(device, runs, official=None):
    torch.manual_seed(0)
    f, m, w, g = (AppearanceFeatureExtractor(), MotionExtractor(), WarpingNetwork(),
                  SPADEDecoder())
    nets = [n.eval().to(device) for n in (f, m, w, g)]
    randomise_norms(*nets)
    f, m, w, g = nets
    src, drv = torch.rand(1, 3, 256, 256, device=device), torch.rand(1, 3, 256, 256, device=device)
    with torch.inference_mode():
        f_s, x_s_info = f(src), tf.motion_info(m(src))
        first = tf.motion_info(m(drv))
        x_s = tf.transform_keypoints(x_s_info['kp'], x_s_info['R'], x_s_info['exp'],
                                     x_s_info['scale'], x_s_info['t'])

        def frame(m_, w_, g_):
            x_d = tf.relative_motion(x_s_info, tf.motion_info(m_(drv)), first)
            return g_(w_(f_s, x_d, x_s)['out'])
        folded = fold_spectral_norm(copy.deepcopy(g))
        fused_w, fused_g = (prepare_for_inference(copy.deepcopy(n)) for n in (w, g))
        # The later rewrites switched off again, to time them one by one.
        merged_w, merged_g = (prepare_for_inference(copy.deepcopy(n), winograd=False)
                              for n in (w, g))
        fft_w, phase_w, phase_g = (copy.deepcopy(n) for n in (merged_w, merged_w, merged_g))
        fft_w.dense_motion_network.fused_occlusion = None
        phase_w.dense_motion_network.fused_occlusion = None
        phase_w.dense_motion_network.fused_mask = None
        for block in phase_g.modules():
            if isinstance(block, SPADEResnetBlock):
                block.fused = None
        steps = [('reference', lambda: frame(m, w, g)),
                 ('spectral_norm_folded', lambda: frame(m, w, folded)),
                 ('upsampling_fused', lambda: frame(m, phase_w, phase_g)),
                 ('spade_blocks_merged', unchunked(lambda: frame(m, phase_w, merged_g))),
                 ('fft_mask_conv', unchunked(lambda: frame(m, fft_w, merged_g))),
                 ('occlusion_tap_sum', unchunked(lambda: frame(m, merged_w, merged_g))),
                 ('winograd_wide_convs', unchunked(lambda: frame(m, fused_w, fused_g))),
                 ('cpu_chunking', lambda: frame(m, fused_w, fused_g))]
        if official:
            om, ow, og = official_liveportrait(official, m, w, g)

            def official_frame():
                x_d = tf.relative_motion(x_s_info, tf.motion_info(om(drv)), first)
                return og(ow(f_s, kp_driving=x_d, kp_source=x_s)['out'])
            steps.insert(0, ('official_code', official_frame))
        figures = {'liveportrait': stepwise(steps, runs, device)}
        best = min(v['ms'] for v in figures['liveportrait'].values())
        if device.type == 'cpu':
            # fp32 rounding noise of the reference itself: the same computation on one thread
            # (another summation order) moves G's output this much.
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            one = frame(m, w, g)
            torch.set_num_threads(threads)
            # ... and what the rewrites change in each network alone, on the same input.
            x_d = tf.relative_motion(x_s_info, tf.motion_info(m(drv)), first)
            warped = w(f_s, x_d, x_s)['out']
            # ... and both G's against G in float64 on the same input (W's float64 mask conv
            # would need a 25 GB im2col; W's rewrites move its output by 1e-7 anyway).
            exact = copy.deepcopy(g).double()(warped.double())
            figures['liveportrait_rounding_noise'] = {
                'reference_1_thread_vs_n_max_abs_diff': float((one - frame(m, w, g)).abs().max()),
                'W_rewritten_max_abs_diff': float(
                    (fused_w(f_s, x_d, x_s)['out'] - warped).abs().max()),
                'G_rewritten_same_input_max_abs_diff': float(
                    (fused_g(warped) - g(warped)).abs().max()),
                'G_reference_vs_float64_max_abs_diff': float((g(warped) - exact).abs().max()),
                'G_rewritten_vs_float64_max_abs_diff': float(
                    (fused_g(warped) - exact).abs().max())}
        if device.type == 'cuda':
            # The official pipeline's default on GPUs: fp16 autocast (flag_use_half_precision).
            with torch.autocast('cuda', dtype=torch.float16):
                half = stepwise([('reference', lambda: frame(m, w, g)),
                                 ('fp16_fused', lambda: frame(m, fused_w, fused_g))],
                                runs, device)
            figures['liveportrait_fp16'] = half
        x2c = X2CNet().eval().to(device).to(memory_format=torch.channels_last)
        crop = torch.rand(1, 3, 224, 224, device=device)
        x2c_t, _ = timed(lambda: x2c(crop), runs, device)
    figures.update({'x2cnet_ms': 1000 * x2c_t, 'published_shape_baseline_ms': best + 1000 * x2c_t})
    return figures


def default_path_seconds(frames: int = 120) -> float:
    """Median seconds per frame of the default pipeline (landmarks + policy + trajectory)."""
    from ameca_imitation.capture import open_source
    from ameca_imitation.io.media import fetch_clip
    from ameca_imitation.pipeline import DEFAULT_PIPELINE, Pipeline
    pipe = Pipeline.from_config(DEFAULT_PIPELINE)
    times = []
    with open_source(fetch_clip('WolfgangLanger_Pexels.mp4')) as src:
        for frame in src:
            if len(times) >= frames:
                break
            times.append(pipe.step(frame, frame.stamp + 1 / src.fps).latency['total'])
    pipe.close()
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--official-fomm', type=Path, metavar='DIR',
                        help='a checkout of AliaksandrSiarohin/first-order-model to time too')
    parser.add_argument('--official-liveportrait', type=Path, metavar='DIR',
                        help='a checkout of KwaiVGI/LivePortrait to time too')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = False       # fp32 as the reference
        torch.backends.cudnn.allow_tf32 = False
    figures = {'device': torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu',
               'threads': torch.get_num_threads(), 'runs': args.runs}
    figures.update(bench_fomm(device, args.runs, args.official_fomm))
    figures.update(bench_liveportrait(device, args.runs, args.official_liveportrait))
    if device.type == 'cpu':
        # The default real-time path in the same run, so the ratio to the published shape holds.
        figures['default_path_ms'] = 1000 * default_path_seconds()
        figures['published_shape_over_default'] = (figures['published_shape_baseline_ms']
                                                   / figures['default_path_ms'])
    common.report('animation', {k: round(v, 4) if isinstance(v, float) else v
                                for k, v in figures.items()})


if __name__ == '__main__':
    main()
