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
Monkey-Net (Siarohin et al. 2019): keypoints with covariance, sparse-to-dense motion, warping.

The generator warps every level of a U-Net encoding of the source.

``MonkeyKPDetector``: image -> ``K`` heatmaps -> Gaussian keypoints: mean ``(B, K, 2)`` and
covariance ``(B, K, 2, 2)`` (the heatmap's first and second moments, the seed's eq. 1-2).
``MonkeyMotionNetwork``: the sparse motions ``z - kp_d + kp_s`` (translations) plus an identity
background, blended by ``K + 1`` soft masks predicted from the keypoint heatmap differences and
the source deformed by each sparse motion. ``MonkeyGenerator``: every level of a U-Net encoding
of the source is warped by the dense motion and decoded with the motion embedding (the heatmap
differences) concatenated.

The release runs its networks on video volumes with ``(1, 3, 3)`` kernels, i.e. frame by frame;
these are the same operations on single frames. No public checkpoint layout is reproduced.
"""

from dataclasses import dataclass

from ameca_imitation.animation.blocks import (AntiAliasInterpolation2d, coordinate_grid,
                                              DownBlock2d, Hourglass, inverse, SameBlock2d,
                                              UpBlock2d)
import torch
from torch import nn
import torch.nn.functional as F

COVARIANCE_FLOOR = 1e-4      # keeps a collapsed heatmap's covariance invertible


def gaussian_heatmaps(mean: torch.Tensor, covariance: torch.Tensor, spatial_size) -> torch.Tensor:
    """``(B, K, 2)`` means, ``(B, K, 2, 2)`` covariances -> ``(B, K, H, W)`` in (0, 1]."""
    grid = coordinate_grid(spatial_size, mean.dtype, mean.device)          # (H, W, 2)
    diff = grid.view(1, 1, *spatial_size, 2) - mean.view(*mean.shape[:2], 1, 1, 2)
    precision = inverse(covariance).view(*mean.shape[:2], 1, 1, 2, 2)
    mahalanobis = (diff.unsqueeze(-2) @ precision @ diff.unsqueeze(-1)).view(diff.shape[:-1])
    return torch.exp(-0.5 * mahalanobis)


@dataclass
class MonkeyNetConfig:
    num_kp: int = 10
    num_channels: int = 3
    kp_block_expansion: int = 32
    kp_max_features: int = 1024
    kp_num_blocks: int = 5
    temperature: float = 0.1
    scale_factor: float = 0.25          # keypoints and dense motion at 1/4 of the image side
    motion_block_expansion: int = 64
    motion_max_features: int = 1024
    motion_num_blocks: int = 5
    block_expansion: int = 64           # generator
    max_features: int = 512
    num_blocks: int = 3


class MonkeyKPDetector(nn.Module):

    def __init__(self, config: MonkeyNetConfig | None = None):
        super().__init__()
        self.config = c = config or MonkeyNetConfig()
        self.down = AntiAliasInterpolation2d(c.num_channels, c.scale_factor)
        self.predictor = Hourglass(c.kp_block_expansion, c.num_channels, c.kp_num_blocks,
                                   c.kp_max_features)
        self.kp = nn.Conv2d(self.predictor.out_filters, c.num_kp, 7, padding=3)

    def forward(self, image):
        """``(B, 3, H, W)`` in [0, 1] -> ``{'value': (B, K, 2), 'covariance': (B, K, 2, 2)}``."""
        logits = self.kp(self.predictor(self.down(image)))
        b, k, h, w = logits.shape
        heat = F.softmax(logits.reshape(b, k, -1) / self.config.temperature, dim=2)
        heat = heat.view(b, k, h, w, 1)
        grid = coordinate_grid((h, w), heat.dtype, heat.device)
        mean = (heat * grid).sum(dim=(2, 3))                                      # (B, K, 2)
        diff = grid - mean.view(b, k, 1, 1, 2)
        cov = (heat.unsqueeze(-1) * diff.unsqueeze(-1) * diff.unsqueeze(-2)).sum(dim=(2, 3))
        eye = torch.eye(2, dtype=cov.dtype, device=cov.device)
        return {'value': mean, 'covariance': cov + COVARIANCE_FLOOR * eye}


class MonkeyMotionNetwork(nn.Module):

    def __init__(self, config: MonkeyNetConfig):
        super().__init__()
        self.config = c = config
        self.down = AntiAliasInterpolation2d(c.num_channels, c.scale_factor)
        self.hourglass = Hourglass(c.motion_block_expansion, (c.num_kp + 1) * (c.num_channels + 1),
                                   c.motion_num_blocks, c.motion_max_features)
        self.mask = nn.Conv2d(self.hourglass.out_filters, c.num_kp + 1, 7, padding=3)

    def forward(self, source, kp_driving, kp_source):
        """Source ``(B, 3, H, W)`` -> deformation ``(B, h, w, 2)``, masks, heatmap differences."""
        source = self.down(source)
        b, c, h, w = source.shape
        k = kp_driving['value'].shape[1]
        heat = (gaussian_heatmaps(kp_driving['value'], kp_driving['covariance'], (h, w))
                - gaussian_heatmaps(kp_source['value'], kp_source['covariance'], (h, w)))
        identity = coordinate_grid((h, w), source.dtype, source.device).view(1, 1, h, w, 2)
        shift = (kp_source['value'] - kp_driving['value']).view(b, k, 1, 1, 2)
        motions = torch.cat([identity.expand(b, 1, h, w, 2), identity + shift], dim=1)
        repeated = source.unsqueeze(1).expand(b, k + 1, c, h, w).reshape(-1, c, h, w)
        deformed = F.grid_sample(repeated, motions.reshape(-1, h, w, 2),
                                 align_corners=False).view(b, k + 1, c, h, w)
        padded = torch.cat([heat.new_zeros(b, 1, h, w), heat], dim=1).unsqueeze(2)
        features = self.hourglass(torch.cat([padded, deformed], dim=2).view(b, -1, h, w))
        mask = F.softmax(self.mask(features), dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        return {'mask': mask, 'deformation': deformation, 'heatmap_difference': heat}


class MonkeyGenerator(nn.Module):

    def __init__(self, config: MonkeyNetConfig | None = None):
        super().__init__()
        self.config = c = config or MonkeyNetConfig()
        self.motion_network = MonkeyMotionNetwork(c)
        widths = [min(c.max_features, c.block_expansion * 2 ** i) for i in range(c.num_blocks + 1)]
        self.first = SameBlock2d(c.num_channels, widths[0], kernel_size=7, padding=3)
        self.down_blocks = nn.ModuleList(DownBlock2d(a, b)
                                         for a, b in zip(widths[:-1], widths[1:]))
        # The up block of level j sees the warped skip of that level, the K heatmap differences
        # and (below the bottleneck) the output of level j + 1; it upsamples to level j - 1.
        k, n = c.num_kp, c.num_blocks
        self.up_blocks = nn.ModuleList(
            UpBlock2d(widths[j] + k + (widths[j] if j < n else 0), widths[j - 1])
            for j in range(n, 0, -1))
        self.final = nn.Conv2d(widths[0] * 2 + k, c.num_channels, 7, padding=3)

    def forward(self, source, kp_driving, kp_source):
        """Source ``(B, 3, H, W)`` in [0, 1] and keypoint dicts -> ``{'prediction', ...}``."""
        motion = self.motion_network(source, kp_driving, kp_source)
        skips = [self.first(source)]
        for block in self.down_blocks:
            skips.append(block(skips[-1]))
        out = None
        for block, skip in zip(self.up_blocks, reversed(skips[1:])):
            level = self._with_motion(skip, motion)
            out = block(level if out is None else torch.cat([level, out], dim=1))
        out = self.final(torch.cat([self._with_motion(skips[0], motion), out], dim=1))
        return {**motion, 'prediction': torch.sigmoid(out)}

    @staticmethod
    def _with_motion(features, motion):
        """Warp ``features`` by the dense motion and append the heatmap differences."""
        size = features.shape[2:]
        grid = F.interpolate(motion['deformation'].permute(0, 3, 1, 2), size=size,
                             mode='bilinear', align_corners=False).permute(0, 2, 3, 1)
        heat = F.interpolate(motion['heatmap_difference'], size=size, mode='bilinear',
                             align_corners=False)
        return torch.cat([F.grid_sample(features, grid, align_corners=False), heat], dim=1)
