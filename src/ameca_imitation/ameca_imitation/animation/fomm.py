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
First Order Motion Model (Siarohin et al. 2019), vox-256 configuration.

``KPDetector``: image -> 10 keypoints ``(B, 10, 2)`` in [-1, 1] and local Jacobians
``(B, 10, 2, 2)``. ``DenseMotionNetwork``: sparse motions ``J_s J_d^-1 (z - kp_d) + kp_s`` plus an
identity background, blended by 11 soft masks, and an occlusion map. ``OcclusionAwareGenerator``:
encodes the source, warps its features, masks occluded parts, decodes. Parameter names match
the official ``vox-cpk.pth.tar`` (``generator`` and ``kp_detector`` entries).

FOMM was trained with torch 1.0, whose ``grid_sample`` behaved as ``align_corners=True``; that is
the default here (``align_corners`` may be set per model).
"""

from dataclasses import dataclass

from ameca_imitation.animation.blocks import (AntiAliasInterpolation2d, coordinate_grid,
                                              DownBlock2d, Hourglass, inverse, kp_to_gaussian,
                                              ResBlock2d, SameBlock2d, UpBlock2d)
import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class KPDetectorConfig:
    num_kp: int = 10
    num_channels: int = 3
    block_expansion: int = 32
    max_features: int = 1024
    num_blocks: int = 5
    temperature: float = 0.1
    scale_factor: float = 0.25
    estimate_jacobian: bool = True
    pad: int = 0


class KPDetector(nn.Module):

    def __init__(self, config: KPDetectorConfig | None = None):
        super().__init__()
        self.config = c = config or KPDetectorConfig()
        self.predictor = Hourglass(c.block_expansion, c.num_channels, c.num_blocks,
                                   c.max_features)
        self.kp = nn.Conv2d(self.predictor.out_filters, c.num_kp, 7, padding=c.pad)
        self.jacobian = None
        if c.estimate_jacobian:
            self.jacobian = nn.Conv2d(self.predictor.out_filters, 4 * c.num_kp, 7, padding=c.pad)
            nn.init.zeros_(self.jacobian.weight)
            self.jacobian.bias.data.copy_(torch.tensor([1.0, 0, 0, 1] * c.num_kp))
        self.down = AntiAliasInterpolation2d(c.num_channels, c.scale_factor)

    def forward(self, image):
        """``(B, 3, H, W)`` RGB in [0, 1] -> ``{'value': (B, K, 2), 'jacobian': (B, K, 2, 2)}``."""
        features = self.predictor(self.down(image))
        logits = self.kp(features)                                       # (B, K, h, w)
        b, k, h, w = logits.shape
        heat = F.softmax(logits.view(b, k, -1) / self.config.temperature, dim=2).view(b, k, h, w)
        grid = coordinate_grid((h, w), heat.dtype, heat.device)           # (h, w, 2)
        out = {'value': (heat.unsqueeze(-1) * grid).sum(dim=(2, 3))}
        if self.jacobian is not None:
            jmap = self.jacobian(features).view(b, k, 4, h, w)
            out['jacobian'] = (heat.unsqueeze(2) * jmap).view(b, k, 4, -1).sum(-1).view(b, k, 2, 2)
        return out


@dataclass
class DenseMotionConfig:
    block_expansion: int = 64
    num_blocks: int = 5
    max_features: int = 1024
    num_kp: int = 10
    num_channels: int = 3
    estimate_occlusion_map: bool = True
    scale_factor: float = 0.25
    kp_variance: float = 0.01
    align_corners: bool = True


class DenseMotionNetwork(nn.Module):

    def __init__(self, config: DenseMotionConfig | None = None):
        super().__init__()
        self.config = c = config or DenseMotionConfig()
        self.hourglass = Hourglass(c.block_expansion, (c.num_kp + 1) * (c.num_channels + 1),
                                   c.num_blocks, c.max_features)
        self.mask = nn.Conv2d(self.hourglass.out_filters, c.num_kp + 1, 7, padding=3)
        self.occlusion = (nn.Conv2d(self.hourglass.out_filters, 1, 7, padding=3)
                          if c.estimate_occlusion_map else None)
        self.down = AntiAliasInterpolation2d(c.num_channels, c.scale_factor)

    def sparse_motions(self, h, w, kp_driving, kp_source):
        """``(B, K+1, h, w, 2)``: identity, then ``J_s J_d^-1 (z - kp_d) + kp_s`` per keypoint."""
        b, k, _ = kp_driving['value'].shape
        identity = coordinate_grid((h, w), kp_driving['value'].dtype,
                                   kp_driving['value'].device).view(1, 1, h, w, 2)
        z = identity - kp_driving['value'].view(b, k, 1, 1, 2)
        if 'jacobian' in kp_driving:
            jac = kp_source['jacobian'] @ inverse(kp_driving['jacobian'])   # (B, K, 2, 2)
            z = torch.einsum('bkij,bkhwj->bkhwi', jac, z)
        to_source = z + kp_source['value'].view(b, k, 1, 1, 2)
        return torch.cat([identity.expand(b, 1, h, w, 2), to_source], dim=1)

    def forward(self, source, kp_driving, kp_source):
        """Source ``(B, 3, H, W)`` -> deformation ``(B, h, w, 2)``, masks, occlusion map."""
        source = self.down(source)
        b, c, h, w = source.shape
        k = kp_driving['value'].shape[1]
        heat = (kp_to_gaussian(kp_driving['value'], (h, w), self.config.kp_variance)
                - kp_to_gaussian(kp_source['value'], (h, w), self.config.kp_variance))
        heat = torch.cat([heat.new_zeros(b, 1, h, w), heat], dim=1).unsqueeze(2)
        motions = self.sparse_motions(h, w, kp_driving, kp_source)              # (B, K+1, h, w, 2)
        repeated = source.unsqueeze(1).expand(b, k + 1, c, h, w).reshape(b * (k + 1), c, h, w)
        deformed = F.grid_sample(repeated, motions.reshape(b * (k + 1), h, w, 2),
                                 align_corners=self.config.align_corners).view(b, k + 1, c, h, w)
        features = self.hourglass(torch.cat([heat, deformed], dim=2).view(b, -1, h, w))
        mask = F.softmax(self.mask(features), dim=1)                               # (B, K+1, h, w)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)                    # (B, h, w, 2)
        out = {'mask': mask, 'sparse_deformed': deformed, 'deformation': deformation}
        if self.occlusion is not None:
            out['occlusion_map'] = torch.sigmoid(self.occlusion(features))
        return out


@dataclass
class GeneratorConfig:
    num_channels: int = 3
    num_kp: int = 10
    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    num_bottleneck_blocks: int = 6
    estimate_occlusion_map: bool = True
    align_corners: bool = True


class OcclusionAwareGenerator(nn.Module):

    def __init__(self, config: GeneratorConfig | None = None,
                 dense_motion: DenseMotionConfig | None = None):
        super().__init__()
        self.config = c = config or GeneratorConfig()
        dm = dense_motion or DenseMotionConfig(num_kp=c.num_kp, num_channels=c.num_channels,
                                               estimate_occlusion_map=c.estimate_occlusion_map,
                                               align_corners=c.align_corners)
        self.dense_motion_network = DenseMotionNetwork(dm)
        be, mf, n = c.block_expansion, c.max_features, c.num_down_blocks
        self.first = SameBlock2d(c.num_channels, be, kernel_size=7, padding=3)
        self.down_blocks = nn.ModuleList(
            DownBlock2d(min(mf, be * 2 ** i), min(mf, be * 2 ** (i + 1))) for i in range(n))
        self.up_blocks = nn.ModuleList(UpBlock2d(min(mf, be * 2 ** (n - i)),
                                                 min(mf, be * 2 ** (n - i - 1)))
                                       for i in range(n))
        self.bottleneck = nn.Sequential()
        for i in range(c.num_bottleneck_blocks):
            self.bottleneck.add_module(f'r{i}', ResBlock2d(min(mf, be * 2 ** n)))
        self.final = nn.Conv2d(be, c.num_channels, 7, padding=3)

    def _warp(self, x, deformation):
        if deformation.shape[1:3] != x.shape[2:]:
            deformation = F.interpolate(deformation.permute(0, 3, 1, 2), size=x.shape[2:],
                                        mode='bilinear', align_corners=False).permute(0, 2, 3, 1)
        return F.grid_sample(x, deformation, align_corners=self.config.align_corners)

    def encode(self, source):
        """Per-source work, cacheable across driving frames: ``(B, C, h, w)`` features."""
        out = self.first(source)
        for block in self.down_blocks:
            out = block(out)
        return out

    def forward(self, source, kp_driving, kp_source, source_features=None):
        """Source ``(B, 3, 256, 256)`` in [0, 1] and keypoint dicts -> ``{'prediction', ...}``."""
        out = self.encode(source) if source_features is None else source_features
        motion = self.dense_motion_network(source, kp_driving, kp_source)
        out = self._warp(out, motion['deformation'])
        if 'occlusion_map' in motion:
            occlusion = motion['occlusion_map']
            if occlusion.shape[2:] != out.shape[2:]:
                occlusion = F.interpolate(occlusion, size=out.shape[2:], mode='bilinear',
                                          align_corners=False)
            out = out * occlusion
        out = self.bottleneck(out)
        for block in self.up_blocks:
            out = block(out)
        return {**motion, 'deformed': self._warp(source, motion['deformation']),
                'prediction': torch.sigmoid(self.final(out))}


def relative_kp(kp_source, kp_driving, kp_driving_initial, adapt_scale: bool = True):
    """
    Transfer relative motion as FOMM does: ``kp = (kp_i - kp_0) a + kp_s``.

    Jacobians: ``J = J_i J_0^-1 J_s``.

    ``a = sqrt(area(hull(kp_s)) / area(hull(kp_0)))`` when ``adapt_scale``; batched.
    """
    scale = 1.0
    if adapt_scale:
        ratio = _hull_area(kp_source['value']) / _hull_area(kp_driving_initial['value'])
        scale = torch.sqrt(ratio).view(-1, 1, 1)
    moved = kp_driving['value'] - kp_driving_initial['value']
    out = {'value': moved * scale + kp_source['value']}
    if 'jacobian' in kp_driving:
        out['jacobian'] = (kp_driving['jacobian'] @ inverse(kp_driving_initial['jacobian'])
                           @ kp_source['jacobian'])
    return out


def _hull_area(points: torch.Tensor) -> torch.Tensor:
    """Convex-hull area of each ``(K, 2)`` point set of a batch ``(B, K, 2)``."""
    from scipy.spatial import ConvexHull
    return torch.tensor([ConvexHull(p.detach().cpu().double().numpy()).volume for p in points],
                        dtype=points.dtype, device=points.device)
