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
M: ConvNeXtV2-tiny -> canonical keypoints, pose bins, translation, expression, scale.

Parameter names follow the release (``detector.`` prefix, ConvNeXtV2's ``downsample_layers``,
``stages``, ``grn``, heads ``fc_kp`` ... ``fc_exp``).
"""

from dataclasses import dataclass

import torch
from torch import nn
import torch.nn.functional as F


class ChannelsFirstLayerNorm(nn.Module):
    """LayerNorm over the channel axis of ``(B, C, H, W)`` (ConvNeXt's channels_first variant)."""

    def __init__(self, channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(1, keepdim=True)
        var = (x - mean).pow(2).mean(1, keepdim=True)
        x = (x - mean) / torch.sqrt(var + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class GRN(nn.Module):
    """Global response normalisation over ``(B, H, W, C)``."""

    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, dim))

    def forward(self, x):
        gx = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        nx = gx / (gx.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * nx) + self.beta + x


class ConvNeXtBlock(nn.Module):

    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.grn = GRN(4 * dim)
        self.pwconv2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)                  # (B, H, W, C)
        y = self.pwconv2(self.grn(F.gelu(self.pwconv1(self.norm(y)))))
        return x + y.permute(0, 3, 1, 2)


@dataclass
class MotionConfig:
    num_kp: int = 21
    num_bins: int = 66
    depths: tuple = (3, 3, 9, 3)
    dims: tuple = (96, 192, 384, 768)


class ConvNeXtV2(nn.Module):

    def __init__(self, config: MotionConfig):
        super().__init__()
        d, n = config.dims, config.num_kp
        self.downsample_layers = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(3, d[0], 4, stride=4), ChannelsFirstLayerNorm(d[0]))]
            + [nn.Sequential(ChannelsFirstLayerNorm(d[i]), nn.Conv2d(d[i], d[i + 1], 2, stride=2))
               for i in range(3)])
        self.stages = nn.ModuleList(nn.Sequential(*[ConvNeXtBlock(d[i]) for _ in range(depth)])
                                    for i, depth in enumerate(config.depths))
        self.norm = nn.LayerNorm(d[-1], eps=1e-6)
        self.fc_kp = nn.Linear(d[-1], 3 * n)
        self.fc_scale = nn.Linear(d[-1], 1)
        self.fc_pitch = nn.Linear(d[-1], config.num_bins)
        self.fc_yaw = nn.Linear(d[-1], config.num_bins)
        self.fc_roll = nn.Linear(d[-1], config.num_bins)
        self.fc_t = nn.Linear(d[-1], 3)
        self.fc_exp = nn.Linear(d[-1], 3 * n)

    def forward(self, x):
        for down, stage in zip(self.downsample_layers, self.stages):
            x = stage(down(x))
        x = self.norm(x.mean(dim=(-2, -1)))                      # (B, 768)
        return {'pitch': self.fc_pitch(x), 'yaw': self.fc_yaw(x), 'roll': self.fc_roll(x),
                't': self.fc_t(x), 'exp': self.fc_exp(x), 'scale': self.fc_scale(x),
                'kp': self.fc_kp(x)}


class MotionExtractor(nn.Module):
    """
    M: the implicit motion of a face image.

    ``(B, 3, 256, 256)`` RGB in [0, 1] -> ``kp (B, 63)``, ``pitch/yaw/roll (B, 66)`` bin
    logits, ``t (B, 3)``, ``exp (B, 63)``, ``scale (B, 1)``.
    """

    def __init__(self, config: MotionConfig | None = None):
        super().__init__()
        self.config = config or MotionConfig()
        self.detector = ConvNeXtV2(self.config)

    def forward(self, image):
        return self.detector(image)
