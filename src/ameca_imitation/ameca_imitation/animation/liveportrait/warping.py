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

"""W: 3-D dense motion from implicit keypoints, warping of the feature volume, occlusion."""

from dataclasses import dataclass

from ameca_imitation.animation.blocks import coordinate_grid, kp_to_gaussian, SameBlock2d
from ameca_imitation.animation.liveportrait.blocks3d import Hourglass3d
import torch
from torch import nn
import torch.nn.functional as F

WARP_LEAKY_SLOPE = 0.01     # the release's ``third`` block uses LeakyReLU's default slope
KP_VARIANCE = 0.01


@dataclass
class WarpingConfig:
    num_kp: int = 21
    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    reshape_channel: int = 32
    estimate_occlusion_map: bool = True
    dm_block_expansion: int = 32
    dm_max_features: int = 1024
    dm_num_blocks: int = 5
    reshape_depth: int = 16
    compress: int = 4


class DenseMotionNetwork3d(nn.Module):

    def __init__(self, c: WarpingConfig):
        super().__init__()
        self.num_kp = c.num_kp
        self.hourglass = Hourglass3d(c.dm_block_expansion, (c.num_kp + 1) * (c.compress + 1),
                                     c.dm_num_blocks, c.dm_max_features)
        self.mask = nn.Conv3d(self.hourglass.out_filters, c.num_kp + 1, 7, padding=3)
        self.compress = nn.Conv3d(c.reshape_channel, c.compress, 1)
        self.norm = nn.BatchNorm3d(c.compress, affine=True)
        self.occlusion = (nn.Conv2d(self.hourglass.out_filters * c.reshape_depth, 1, 7, padding=3)
                          if c.estimate_occlusion_map else None)
        # At inference (animation.inference): the mask conv through the FFT (FFTConv3d), the
        # occlusion conv as one GEMM and shifted sums (TapSumConv2d).
        self.fused_mask, self.fused_occlusion = None, None

    def forward(self, feature, kp_driving, kp_source):
        """
        Estimate the dense 3-D motion.

        ``feature`` ``(B, 32, D, H, W)``; keypoints ``(B, K, 3)`` -> deformation
        ``(B, D, H, W, 3)`` and occlusion map ``(B, 1, H, W)``.
        """
        feature = F.relu(self.norm(self.compress(feature)))            # (B, 4, D, H, W)
        b, c, d, h, w = feature.shape
        k = self.num_kp
        identity = coordinate_grid((d, h, w), feature.dtype, feature.device).view(1, 1, d, h, w, 3)
        to_source = identity - kp_driving.view(b, k, 1, 1, 1, 3) + kp_source.view(b, k, 1, 1, 1, 3)
        motions = torch.cat([identity.expand(b, 1, d, h, w, 3), to_source], dim=1)
        repeated = feature.unsqueeze(1).expand(b, k + 1, c, d, h, w)
        repeated = repeated.reshape(b * (k + 1), c, d, h, w)
        deformed = F.grid_sample(repeated, motions.reshape(b * (k + 1), d, h, w, 3),
                                 align_corners=False).view(b, k + 1, c, d, h, w)
        heat = (kp_to_gaussian(kp_driving, (d, h, w), KP_VARIANCE)
                - kp_to_gaussian(kp_source, (d, h, w), KP_VARIANCE))
        heat = torch.cat([heat.new_zeros(b, 1, d, h, w), heat], dim=1).unsqueeze(2)
        features = self.hourglass(torch.cat([heat, deformed], dim=2).view(b, -1, d, h, w))
        mask_conv = self.mask if self.fused_mask is None else self.fused_mask
        mask = F.softmax(mask_conv(features), dim=1)                   # (B, K+1, D, H, W)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)        # (B, D, H, W, 3)
        out = {'mask': mask, 'deformation': deformation}
        if self.occlusion is not None:
            occlusion_conv = (self.occlusion if self.fused_occlusion is None
                              else self.fused_occlusion)
            out['occlusion_map'] = torch.sigmoid(occlusion_conv(features.reshape(b, -1, h, w)))
        return out


class WarpingNetwork(nn.Module):

    def __init__(self, config: WarpingConfig | None = None):
        super().__init__()
        self.config = c = config or WarpingConfig()
        self.dense_motion_network = DenseMotionNetwork3d(c)
        width = c.block_expansion * 2 ** c.num_down_blocks
        self.third = SameBlock2d(c.max_features, width, 3, 1, negative_slope=WARP_LEAKY_SLOPE)
        self.fourth = nn.Conv2d(width, width, 1)

    def forward(self, feature_3d, kp_driving, kp_source):
        """
        ``f_s`` ``(B, 32, 16, 64, 64)`` and keypoints ``(B, 21, 3)`` -> ``{'out'.

        (B, 256, 64, 64), 'occlusion_map': (B, 1, 64, 64), 'deformation': ...}``.
        """
        motion = self.dense_motion_network(feature_3d, kp_driving, kp_source)
        out = F.grid_sample(feature_3d, motion['deformation'], align_corners=False)
        b, c, d, h, w = out.shape
        out = self.fourth(self.third(out.view(b, c * d, h, w)))
        occlusion = motion.get('occlusion_map')
        if occlusion is not None:
            out = out * occlusion
        return {'out': out, 'occlusion_map': occlusion, 'deformation': motion['deformation']}
