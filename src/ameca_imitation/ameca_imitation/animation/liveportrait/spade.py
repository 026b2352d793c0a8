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
G: SPADE decoder, warped features ``(B, 256, 64, 64)`` -> image ``(B, 3, 512, 512)``.

The release wraps the residual blocks' convs in spectral normalisation, so its checkpoint holds
``weight_orig``/``weight_u``/``weight_v``; those load as they are. :func:`fold_spectral_norm`
then replaces each by the plain weight ``W = weight_orig / (u . (weight_orig v))``, exactly what
spectral norm computes in eval mode, once, instead of on every forward pass.
"""

from dataclasses import dataclass

import torch
from torch import nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm

SPADE_HIDDEN = 128
LEAKY_SLOPE = 0.2


class SPADE(nn.Module):
    """Instance norm modulated by ``gamma``, ``beta`` predicted from the segmentation map."""

    def __init__(self, channels, label_channels, hidden=SPADE_HIDDEN):
        super().__init__()
        self.param_free_norm = nn.InstanceNorm2d(channels, affine=False)
        self.mlp_shared = nn.Sequential(nn.Conv2d(label_channels, hidden, 3, padding=1),
                                        nn.ReLU())
        self.mlp_gamma = nn.Conv2d(hidden, channels, 3, padding=1)
        self.mlp_beta = nn.Conv2d(hidden, channels, 3, padding=1)

    def forward(self, x, seg):
        act = self.mlp_shared(F.interpolate(seg, size=x.shape[2:], mode='nearest'))
        return self.param_free_norm(x) * (1 + self.mlp_gamma(act)) + self.mlp_beta(act)


class SPADEResnetBlock(nn.Module):

    def __init__(self, fin, fout, label_channels, hidden=SPADE_HIDDEN):
        super().__init__()
        self.learned_shortcut = fin != fout
        fmid = min(fin, fout)
        self.conv_0 = spectral_norm(nn.Conv2d(fin, fmid, 3, padding=1))
        self.conv_1 = spectral_norm(nn.Conv2d(fmid, fout, 3, padding=1))
        self.norm_0 = SPADE(fin, label_channels, hidden)
        self.norm_1 = SPADE(fmid, label_channels, hidden)
        if self.learned_shortcut:
            self.conv_s = spectral_norm(nn.Conv2d(fin, fout, 1, bias=False))
            self.norm_s = SPADE(fin, label_channels, hidden)

        self.fused = None        # a FusedSPADEResnetBlock at inference (.fused_spade)

    def forward(self, x, seg, upsample: int = 1):
        """``x`` ``(B, fin, H, W)``, upsampled (nearest) by ``upsample`` first."""
        if self.fused is not None:
            return self.fused(x, seg, upsample)
        if upsample > 1:
            x = F.interpolate(x, scale_factor=upsample)
        shortcut = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), LEAKY_SLOPE))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), LEAKY_SLOPE))
        return shortcut + dx


@dataclass
class SPADEConfig:
    upscale: int = 2
    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    out_channels: int = 64
    num_middle_blocks: int = 6         # the release; small training configurations use fewer
    spade_hidden: int = SPADE_HIDDEN


class SPADEDecoder(nn.Module):

    def __init__(self, config: SPADEConfig | None = None):
        super().__init__()
        self.config = c = config or SPADEConfig()
        cin = min(c.max_features, c.block_expansion * 2 ** c.num_down_blocks)     # 256
        self.fc = nn.Conv2d(cin, 2 * cin, 3, padding=1)
        for i in range(c.num_middle_blocks):
            block = SPADEResnetBlock(2 * cin, 2 * cin, cin, c.spade_hidden)
            setattr(self, f'G_middle_{i}', block)
        self.up_0 = SPADEResnetBlock(2 * cin, cin, cin, c.spade_hidden)
        self.up_1 = SPADEResnetBlock(cin, c.out_channels, cin, c.spade_hidden)
        if c.upscale is None or c.upscale <= 1:
            self.conv_img = nn.Conv2d(c.out_channels, 3, 3, padding=1)
        else:
            self.conv_img = nn.Sequential(nn.Conv2d(c.out_channels, 3 * 4, 3, padding=1),
                                          nn.PixelShuffle(2))

    def forward(self, feature):
        seg = feature
        x = self.fc(feature)
        for i in range(self.config.num_middle_blocks):
            x = getattr(self, f'G_middle_{i}')(x, seg)
        x = self.up_0(x, seg, upsample=2)
        x = self.up_1(x, seg, upsample=2)
        return torch.sigmoid(self.conv_img(F.leaky_relu(x, LEAKY_SLOPE)))


def fold_spectral_norm(model: nn.Module) -> nn.Module:
    """Replace every spectral-norm reparametrisation by its eval-mode weight (in place)."""
    for module in model.modules():
        for hook in list(module._forward_pre_hooks.values()):
            if type(hook).__name__ == 'SpectralNorm':
                torch.nn.utils.remove_spectral_norm(module)
    return model
