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
face-vid2vid (Wang et al. 2021) on LivePortrait's blocks, with its own keypoint transform.

No official code or weights exist. As in the common re-implementation, a canonical 3-D keypoint
detector sees the source only; a head-pose/expression estimator (here LivePortrait's ConvNeXt
trunk) gives every image its pitch, yaw, roll (66 bins, ``3 E[bin] - 99`` degrees), a 3-D
translation and per-keypoint expression deltas; keypoints are ``x = R x_c + t + delta`` (column
vectors, no scale, all of t). LivePortrait's F and W extract and warp the 3-D feature volume;
a residual decoder renders the image.
"""

from dataclasses import dataclass, field

from ameca_imitation.animation.blocks import (AntiAliasInterpolation2d, coordinate_grid,
                                              Hourglass, ResBlock2d, UpBlock2d)
from ameca_imitation.animation.liveportrait.appearance import (AppearanceConfig,
                                                               AppearanceFeatureExtractor)
from ameca_imitation.animation.liveportrait.motion import ConvNeXtV2, MotionConfig
from ameca_imitation.animation.liveportrait.transform import axis_rotations, bins_to_degrees
from ameca_imitation.animation.liveportrait.warping import WarpingConfig, WarpingNetwork
import torch
from torch import nn
import torch.nn.functional as F

BIN_OFFSET = 99.0


def rotation_matrix(pitch, yaw, roll) -> torch.Tensor:
    """Degrees ``(B,)`` each -> ``(B, 3, 3)`` ``R = Rx(pitch) Ry(yaw) Rz(roll)`` for ``R x``."""
    rx, ry, rz = axis_rotations(pitch, yaw, roll)
    return rx @ ry @ rz


def transform_keypoints(canonical, rotation, translation, expression) -> torch.Tensor:
    """``x = R x_c + t + delta``: ``(B, K, 3)``, ``(B, 3, 3)``, ``(B, 3)``, ``(B, K, 3)``."""
    return canonical @ rotation.transpose(1, 2) + translation[:, None, :] + expression


@dataclass
class FaceVid2VidConfig:
    num_kp: int = 15
    kp_block_expansion: int = 32
    kp_max_features: int = 1024
    kp_num_blocks: int = 5
    kp_depth: int = 16
    temperature: float = 0.1
    scale_factor: float = 0.25
    estimator: MotionConfig = field(default_factory=lambda: MotionConfig(num_kp=15))
    appearance: AppearanceConfig = field(default_factory=AppearanceConfig)
    warping: WarpingConfig = field(default_factory=lambda: WarpingConfig(num_kp=15))
    num_resblocks: int = 6


class CanonicalKPDetector(nn.Module):
    """Image -> ``(B, K, 3)`` canonical keypoints: a 3-D softmax over a heatmap volume."""

    def __init__(self, c: FaceVid2VidConfig):
        super().__init__()
        self.config = c
        self.down = AntiAliasInterpolation2d(3, c.scale_factor)
        self.predictor = Hourglass(c.kp_block_expansion, 3, c.kp_num_blocks, c.kp_max_features)
        self.kp = nn.Conv2d(self.predictor.out_filters, c.num_kp * c.kp_depth, 7, padding=3)

    def forward(self, image):
        logits = self.kp(self.predictor(self.down(image)))
        b, _, h, w = logits.shape
        k, d = self.config.num_kp, self.config.kp_depth
        heat = F.softmax(logits.reshape(b, k, -1) / self.config.temperature, dim=2)
        grid = coordinate_grid((d, h, w), heat.dtype, heat.device).view(1, 1, -1, 3)
        return (heat.unsqueeze(-1) * grid).sum(2)


class ResidualDecoder(nn.Module):
    """Warped features ``(B, C, h, w)`` -> image ``(B, 3, H, W)`` in [0, 1]."""

    def __init__(self, channels: int, num_resblocks: int, num_up: int, out_width: int = 64):
        super().__init__()
        self.resblocks = nn.Sequential(*[ResBlock2d(channels) for _ in range(num_resblocks)])
        widths = [channels] + [max(out_width, channels // 2 ** (i + 1)) for i in range(num_up)]
        self.up_blocks = nn.ModuleList(UpBlock2d(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.final = nn.Conv2d(widths[-1], 3, 7, padding=3)

    def forward(self, x):
        x = self.resblocks(x)
        for block in self.up_blocks:
            x = block(x)
        return torch.sigmoid(self.final(x))


class FaceVid2Vid(nn.Module):

    def __init__(self, config: FaceVid2VidConfig | None = None):
        super().__init__()
        self.config = c = config or FaceVid2VidConfig()
        self.kp_detector = CanonicalKPDetector(c)
        self.he_estimator = ConvNeXtV2(c.estimator)
        self.appearance = AppearanceFeatureExtractor(c.appearance)
        self.warping = WarpingNetwork(c.warping)
        a = c.appearance
        self.decoder = ResidualDecoder(a.block_expansion * 2 ** a.num_down_blocks,
                                       c.num_resblocks, a.num_down_blocks)

    def head_expression(self, image) -> dict:
        """``{'R': (B, 3, 3), 't': (B, 3), 'exp': (B, K, 3), 'pitch'/'yaw'/'roll': (B,)}``."""
        raw = self.he_estimator(image)
        pitch, yaw, roll = (bins_to_degrees(raw[k], BIN_OFFSET) for k in ('pitch', 'yaw', 'roll'))
        return {'pitch': pitch, 'yaw': yaw, 'roll': roll, 'R': rotation_matrix(pitch, yaw, roll),
                't': raw['t'], 'exp': raw['exp'].view(image.shape[0], -1, 3)}

    def keypoints(self, image, canonical=None) -> torch.Tensor:
        """``(B, K, 3)``: ``canonical`` (default: the image's own) posed by the image's head."""
        canonical = self.kp_detector(image) if canonical is None else canonical
        he = self.head_expression(image)
        return transform_keypoints(canonical, he['R'], he['t'], he['exp'])

    def forward(self, source, driving, canonical=None, source_features=None):
        """Redraw the driving frame from the source: ``(B, 3, H, W)`` in [0, 1] -> dict."""
        canonical = self.kp_detector(source) if canonical is None else canonical
        features = self.appearance(source) if source_features is None else source_features
        kp_source = self.keypoints(source, canonical)
        kp_driving = self.keypoints(driving, canonical)
        warped = self.warping(features, kp_driving, kp_source)
        return {'prediction': self.decoder(warped['out']), 'kp_source': kp_source,
                'kp_driving': kp_driving, 'occlusion_map': warped['occlusion_map']}
