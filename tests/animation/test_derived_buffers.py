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

"""
Buffers the networks derive from their configuration (not learned) equal the official formulas.

Loading an official checkpoint overwrites them, so only a network built here shows a wrong one:
the anti-aliasing blur of FOMM, Monkey-Net and face-vid2vid is checked against the release's
construction, ``exp(-(x - mean)^2 / (2 sigma^2))`` per axis with ``sigma = (1/scale - 1) / 2``
and ``2 round(4 sigma) + 1`` taps, normalised to sum 1; LivePortrait's spectral-norm vectors
against torch's construction; batch-norm statistics start at the identity. A buffer of any other
kind fails the test until it has a check of its own.
"""

from ameca_imitation.animation.blocks import AntiAliasInterpolation2d
from ameca_imitation.animation.face_vid2vid import FaceVid2Vid
from ameca_imitation.animation.fomm import KPDetector, OcclusionAwareGenerator
from ameca_imitation.animation.liveportrait import (AppearanceFeatureExtractor,
                                                    MotionExtractor, SPADEDecoder,
                                                    WarpingNetwork)
from ameca_imitation.animation.monkey_net import MonkeyGenerator, MonkeyKPDetector
from ameca_imitation.animation.zoo import ANIMATORS, build_animator
import pytest
import torch
from torch import nn

# Each network at its official size (default config), and the small ones trained here.
NETWORKS = {'fomm.kp_detector': KPDetector, 'fomm.generator': OcclusionAwareGenerator,
            'monkey_net.kp_detector': MonkeyKPDetector, 'monkey_net.generator': MonkeyGenerator,
            'face_vid2vid': FaceVid2Vid, 'liveportrait.appearance': AppearanceFeatureExtractor,
            'liveportrait.motion': MotionExtractor, 'liveportrait.warping': WarpingNetwork,
            'liveportrait.spade': SPADEDecoder,
            **{f'small.{name}': (lambda name=name: build_animator(name)) for name in ANIMATORS}}
BATCH_NORM_STATS = ('running_mean', 'running_var', 'num_batches_tracked')


def official_blur(channels: int, scale: float) -> torch.Tensor:
    """The release's anti-aliasing kernel ``(channels, 1, size, size)``, float64 then float32."""
    sigma = (1 / scale - 1) / 2
    size = 2 * round(sigma * 4) + 1
    kernel = torch.ones(size, size, dtype=torch.float64)
    grids = torch.meshgrid(torch.arange(size, dtype=torch.float64),
                           torch.arange(size, dtype=torch.float64), indexing='ij')
    for grid in grids:
        mean = (size - 1) / 2
        kernel = kernel * torch.exp(-(grid - mean) ** 2 / (2 * sigma ** 2))
    kernel = kernel / kernel.sum()
    return kernel.expand(channels, 1, size, size).float()


def test_the_blur_of_a_quarter_scale_matches_the_release():
    blur = AntiAliasInterpolation2d(3, 0.25)
    # sigma 1.5, 13 taps: the centre weight is 1 / (sum of exp(-k^2 / 4.5))^2.
    assert blur.weight.shape == (3, 1, 13, 13)
    assert abs(blur.weight[0, 0, 6, 6].item() - 0.0707) < 5e-4


@pytest.mark.parametrize('name', NETWORKS)
def test_every_derived_buffer_follows_the_official_formula(name):
    torch.manual_seed(0)
    model = NETWORKS[name]()
    checked = set()
    for prefix, module in model.named_modules():
        if isinstance(module, AntiAliasInterpolation2d):
            expected = official_blur(module.weight.shape[0], module.scale)
            torch.testing.assert_close(module.weight, expected, rtol=0, atol=1e-7)
            checked.add(f'{prefix}.weight' if prefix else 'weight')
        weight = getattr(module, 'weight_orig', None)
        if weight is not None:
            # torch's spectral_norm, as the release's SPADE decoder: the power iteration's unit
            # vectors u (out) and v (in * kh * kw); their direction is random in both.
            u, v = module.weight_u, module.weight_v
            assert u.shape == (weight.shape[0],) and v.shape == (weight[0].numel(),)
            assert abs(u.norm().item() - 1) < 1e-5 and abs(v.norm().item() - 1) < 1e-5
            checked |= {f'{prefix}.weight_u', f'{prefix}.weight_v'}
    others = {n for n, _ in model.named_buffers()
              if n not in checked and not n.endswith(BATCH_NORM_STATS)}
    assert not others, f'derived buffers without a check: {sorted(others)}'
    batch_norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for bn in batch_norms:       # statistics start as the identity, as in the release
        if bn.track_running_stats:
            assert torch.equal(bn.running_mean, torch.zeros_like(bn.running_mean))
            assert torch.equal(bn.running_var, torch.ones_like(bn.running_var))
