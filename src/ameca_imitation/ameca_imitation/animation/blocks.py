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
Building blocks shared by the image-animation models.

Monkey-Net, FOMM, face-vid2vid and LivePortrait share them: conv blocks, the hourglass, anti-
aliased downsampling, coordinate grids and
Gaussian keypoint heatmaps. Parameter names follow the official releases, so checkpoints load.

Coordinates: grids span ``[-1, 1]`` as ``2 * i / (n - 1) - 1``; a grid's last axis is (x, y)
(or (x, y, z) in 3-D), x along the width.
"""

import torch
from torch import nn
import torch.nn.functional as F


def coordinate_grid(spatial_size, dtype=torch.float32, device=None) -> torch.Tensor:
    """``(H, W, 2)`` or ``(D, H, W, 3)`` grid of (x, y[, z]) in [-1, 1]."""
    axes = [2 * torch.arange(n, dtype=dtype, device=device) / (n - 1) - 1 for n in spatial_size]
    mesh = torch.meshgrid(*axes, indexing='ij')          # (z,) y, x order of the axes
    return torch.stack(mesh[::-1], dim=-1)


def kp_to_gaussian(kp: torch.Tensor, spatial_size, variance: float) -> torch.Tensor:
    """Keypoints ``(B, K, D)`` -> heatmaps ``(B, K, *spatial)``: ``exp(-|g - kp|^2 / 2var)``."""
    grid = coordinate_grid(spatial_size, kp.dtype, kp.device)
    shape = (kp.shape[0], kp.shape[1]) + (1,) * len(spatial_size) + (kp.shape[2],)
    diff = grid.unsqueeze(0).unsqueeze(0) - kp.view(shape)
    return torch.exp(-0.5 * (diff ** 2).sum(-1) / variance)


class DownBlock2d(nn.Module):
    """conv -> BN -> ReLU -> 2x2 average pool."""

    def __init__(self, cin, cout, kernel_size=3, padding=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(cout, affine=True)
        self.pool = nn.AvgPool2d(2)

    def forward(self, x):
        return self.pool(F.relu(self.norm(self.conv(x))))


class UpBlock2d(nn.Module):
    """2x nearest upsampling -> conv -> BN -> ReLU."""

    def __init__(self, cin, cout, kernel_size=3, padding=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(cout, affine=True)
        self.fused = None          # an UpsampledConv at inference (animation.inference)

    def forward(self, x):
        if self.fused is not None:
            return F.relu(self.norm(self.fused(x)))
        return F.relu(self.norm(self.conv(F.interpolate(x, scale_factor=2))))


class SameBlock2d(nn.Module):
    """conv -> BN -> ReLU (or LeakyReLU with ``negative_slope``) at the same resolution."""

    def __init__(self, cin, cout, kernel_size=3, padding=1, negative_slope=0.0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, padding=padding)
        self.norm = nn.BatchNorm2d(cout, affine=True)
        self.negative_slope = negative_slope

    def forward(self, x):
        return F.leaky_relu(self.norm(self.conv(x)), self.negative_slope)


class ResBlock2d(nn.Module):
    """Pre-activation residual block: BN -> ReLU -> conv, twice, plus the input."""

    def __init__(self, channels, kernel_size=3, padding=1):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size, padding=padding)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size, padding=padding)
        self.norm1 = nn.BatchNorm2d(channels, affine=True)
        self.norm2 = nn.BatchNorm2d(channels, affine=True)

    def forward(self, x):
        out = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(self.norm2(out))) + x


def _width(block_expansion, max_features, level):
    return min(max_features, block_expansion * 2 ** level)


class Encoder(nn.Module):

    def __init__(self, block_expansion, in_features, num_blocks=3, max_features=256):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            DownBlock2d(in_features if i == 0 else _width(block_expansion, max_features, i),
                        _width(block_expansion, max_features, i + 1))
            for i in range(num_blocks))

    def forward(self, x):
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class Decoder(nn.Module):

    def __init__(self, block_expansion, in_features, num_blocks=3, max_features=256):
        super().__init__()
        self.up_blocks = nn.ModuleList(
            UpBlock2d((1 if i == num_blocks - 1 else 2)
                      * _width(block_expansion, max_features, i + 1),
                      _width(block_expansion, max_features, i))
            for i in reversed(range(num_blocks)))
        self.out_filters = block_expansion + in_features

    def forward(self, skips):
        skips = list(skips)
        out = skips.pop()
        for block in self.up_blocks:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return out


class Hourglass(nn.Module):
    """U-Net: ``(B, in, H, W)`` -> ``(B, block_expansion + in, H, W)``."""

    def __init__(self, block_expansion, in_features, num_blocks=3, max_features=256):
        super().__init__()
        self.encoder = Encoder(block_expansion, in_features, num_blocks, max_features)
        self.decoder = Decoder(block_expansion, in_features, num_blocks, max_features)
        self.out_filters = self.decoder.out_filters

    def forward(self, x):
        return self.decoder(self.encoder(x))


class AntiAliasInterpolation2d(nn.Module):
    """
    Gaussian blur (sigma = (1/scale - 1)/2) then subsampling by ``1/scale``, per channel.

    The kernel is a fixed buffer named ``weight`` (official checkpoints store it).
    """

    def __init__(self, channels, scale):
        super().__init__()
        sigma = (1 / scale - 1) / 2
        size = 2 * round(sigma * 4) + 1
        self.ka = size // 2
        self.kb = self.ka - 1 if size % 2 == 0 else self.ka
        axis = torch.arange(size, dtype=torch.float32)
        g = torch.exp(-(axis - (size - 1) / 2) ** 2 / (2 * sigma ** 2))     # a Gaussian of sigma
        kernel = torch.outer(g, g)
        kernel = kernel / kernel.sum()
        self.register_buffer('weight', kernel.expand(channels, 1, size, size).clone())
        self.groups = channels
        self.step = int(1 / scale)
        self.scale = scale
        # The release blurs every pixel and then keeps every step-th; a strided conv computes
        # only the kept ones (same values). Enabled at inference (animation.inference).
        self.strided = False

    def forward(self, x):
        if self.scale == 1.0:
            return x
        x = F.pad(x, (self.ka, self.kb, self.ka, self.kb))
        if self.strided:
            return F.conv2d(x, self.weight, groups=self.groups, stride=self.step)
        return F.conv2d(x, self.weight, groups=self.groups)[:, :, ::self.step, ::self.step]


def inverse(matrices: torch.Tensor) -> torch.Tensor:
    """Batched matrix inverse, in float32 for half-precision inputs (there is no fp16 kernel)."""
    return torch.inverse(matrices.float()).to(matrices.dtype)
