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

"""3-D conv blocks and the 3-D hourglass of LivePortrait's feature volume (depth 16)."""

import torch
from torch import nn
import torch.nn.functional as F


class ResBlock3d(nn.Module):
    """Pre-activation residual block over ``(B, C, D, H, W)``."""

    def __init__(self, channels, kernel_size=3, padding=1):
        super().__init__()
        self.conv1 = nn.Conv3d(channels, channels, kernel_size, padding=padding)
        self.conv2 = nn.Conv3d(channels, channels, kernel_size, padding=padding)
        self.norm1 = nn.BatchNorm3d(channels, affine=True)
        self.norm2 = nn.BatchNorm3d(channels, affine=True)

    def forward(self, x):
        out = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(self.norm2(out))) + x


class DownBlock3d(nn.Module):
    """conv -> BN -> ReLU -> pool (1, 2, 2): depth is kept."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm3d(cout, affine=True)
        self.pool = nn.AvgPool3d((1, 2, 2))

    def forward(self, x):
        return self.pool(F.relu(self.norm(self.conv(x))))


class UpBlock3d(nn.Module):
    """Nearest upsampling (1, 2, 2) -> conv -> BN -> ReLU."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm3d(cout, affine=True)
        self.fused = None          # an UpsampledConv at inference (animation.inference)

    def forward(self, x):
        if self.fused is not None:
            return F.relu(self.norm(self.fused(x)))
        return F.relu(self.norm(self.conv(F.interpolate(x, scale_factor=(1, 2, 2)))))


def _width(be, mf, level):
    return min(mf, be * 2 ** level)


class Encoder3d(nn.Module):

    def __init__(self, be, cin, num_blocks, mf):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            DownBlock3d(cin if i == 0 else _width(be, mf, i), _width(be, mf, i + 1))
            for i in range(num_blocks))

    def forward(self, x):
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class Decoder3d(nn.Module):
    """Up blocks with skip concatenation, then a final conv -> BN -> ReLU."""

    def __init__(self, be, cin, num_blocks, mf):
        super().__init__()
        self.up_blocks = nn.ModuleList(
            UpBlock3d((1 if i == num_blocks - 1 else 2) * _width(be, mf, i + 1), _width(be, mf, i))
            for i in reversed(range(num_blocks)))
        self.out_filters = be + cin
        self.conv = nn.Conv3d(self.out_filters, self.out_filters, 3, padding=1)
        self.norm = nn.BatchNorm3d(self.out_filters, affine=True)

    def forward(self, skips):
        skips = list(skips)
        out = skips.pop()
        for block in self.up_blocks:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return F.relu(self.norm(self.conv(out)))


class Hourglass3d(nn.Module):

    def __init__(self, block_expansion, in_features, num_blocks, max_features):
        super().__init__()
        self.encoder = Encoder3d(block_expansion, in_features, num_blocks, max_features)
        self.decoder = Decoder3d(block_expansion, in_features, num_blocks, max_features)
        self.out_filters = self.decoder.out_filters

    def forward(self, x):
        return self.decoder(self.encoder(x))
