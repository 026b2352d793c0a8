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

"""``prepare_for_inference``: apply the rewrites listed in this package's docstring."""

from ameca_imitation.animation.blocks import AntiAliasInterpolation2d, SameBlock2d, UpBlock2d
from ameca_imitation.animation.inference.fft_conv import FFTConv3d
from ameca_imitation.animation.inference.fused_spade import FusedSPADEResnetBlock
from ameca_imitation.animation.inference.same_conv import is_same_conv
from ameca_imitation.animation.inference.tap_conv import TapSumConv2d
from ameca_imitation.animation.inference.upsampled_conv import UpsampledConv
from ameca_imitation.animation.inference.winograd import route_through_winograd, winograd_pays
from ameca_imitation.animation.liveportrait.blocks3d import Decoder3d, UpBlock3d
from ameca_imitation.animation.liveportrait.spade import fold_spectral_norm, SPADEResnetBlock
from ameca_imitation.animation.liveportrait.warping import DenseMotionNetwork3d
import torch
from torch import nn


def _maybe_wide_conv(module: nn.Module) -> nn.Module | None:
    """
    Return the 3x3 conv of a block that can be wide enough for Winograd, or None.

    W's third block and its hourglass's last conv; the SPADE blocks route their own main
    convs. G.fc stays direct although it is wide: its output starts G's chain of eight
    residual blocks, which carries its rounding error to the image, and through Winograd it
    doubled G's deviation from the reference (5.4e-5 -> 1.1e-4, measured) to save about 10 ms.
    """
    return module.conv if isinstance(module, (SameBlock2d, Decoder3d)) else None


def prepare_for_inference(model: nn.Module, channels_last: bool = False,
                          winograd: bool = True) -> nn.Module:
    """
    Apply the rewrites in place; returns ``model`` in eval mode.

    ``winograd``: route the wide 3x3 convs through Winograd where it pays (CPU weights).
    """
    model.eval()
    fold_spectral_norm(model)
    has_3d = False
    for module in list(model.modules()):
        conv = _maybe_wide_conv(module)
        if (winograd and conv is not None and winograd_pays(conv.weight)
                and is_same_conv(conv)):
            route_through_winograd(conv)
        if isinstance(module, UpBlock2d):
            module.fused = UpsampledConv(module.conv, (2, 2))
        elif isinstance(module, UpBlock3d):
            module.fused = UpsampledConv(module.conv, (1, 2, 2))
            has_3d = True
        elif isinstance(module, SPADEResnetBlock):
            module.fused = FusedSPADEResnetBlock(module, winograd)
        elif isinstance(module, DenseMotionNetwork3d):
            module.fused_mask = FFTConv3d(module.mask)
            if module.occlusion is not None:
                module.fused_occlusion = TapSumConv2d(module.occlusion)
        elif isinstance(module, AntiAliasInterpolation2d):
            module.strided = True
        has_3d = has_3d or isinstance(module, nn.Conv3d)
    if channels_last and not has_3d:
        model.to(memory_format=torch.channels_last)
    return model
