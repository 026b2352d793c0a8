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
The weight-free animator: FOMM's first-order motion model with landmarks as keypoints.

For an output pixel z, each keypoint k proposes where to sample the source: its local affine
motion ``s_k + J_k (z - d_k)`` (the seed's eq. 8-9; s: source keypoint, d: driving keypoint,
J: local Jacobian). Proposals are blended with soft masks, a softmax over Gaussian heatmaps
around the driving keypoints plus a fixed-logit background that does not move (eq. 10-12, with
the masks computed rather than learned). The source is then sampled with ``cv2.remap``.

No weights: this is the default animator until trained networks exist.
"""

from dataclasses import dataclass

import cv2
import numpy as np

# Keypoints used for warping: lips, eyes, brows, nose and the face oval (mediapipe indices).
WARP_POINTS = np.array(sorted({
    0, 13, 14, 17, 37, 39, 40, 61, 78, 80, 81, 82, 84, 87, 88, 91, 95, 146, 178, 181, 185, 191,
    267, 269, 270, 291, 308, 310, 311, 312, 314, 317, 318, 321, 324, 375, 402, 405, 409, 415,
    33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246,
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466,
    70, 63, 105, 66, 107, 55, 65, 52, 53, 46, 300, 293, 334, 296, 336, 285, 295, 282, 283, 276,
    1, 2, 4, 5, 6, 129, 358, 98, 327, 168,
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109}))


@dataclass
class WarpConfig:
    sigma: float = 0.12          # heatmap width, in eye-centre distances
    background_logit: float = -2.0   # how strongly far-away pixels stay put
    flow_scale: int = 2          # flow computed at 1/flow_scale resolution, then upsampled


class LandmarkWarpAnimator:
    """Warps one source image; the per-source work (grids, source points) is done once."""

    def __init__(self, source: np.ndarray, source_points: np.ndarray,
                 config: WarpConfig | None = None):
        """``source``: ``(H, W, 3)`` uint8; ``source_points``: ``(>=468, 2+)`` px landmarks."""
        self.config = config or WarpConfig()
        self.source = source
        self.src = source_points[WARP_POINTS, :2].astype(np.float32)      # (K, 2)
        h, w = source.shape[:2]
        f = self.config.flow_scale
        # Coarse samples at the positions cv2.resize maps them to: (i + 0.5) f - 0.5.
        ys, xs = np.meshgrid(np.arange(-(-h // f)) * f + (f - 1) / 2,
                             np.arange(-(-w // f)) * f + (f - 1) / 2, indexing='ij')
        ys, xs = ys.astype(np.float32), xs.astype(np.float32)
        self._grid = np.stack([xs.ravel(), ys.ravel()], 1)                  # (P, 2)
        self._coarse = ys.shape
        eyes = np.linalg.norm(source_points[468 if len(source_points) > 468 else 33, :2]
                              - source_points[473 if len(source_points) > 468 else 263, :2])
        self._two_sigma2 = 2 * (self.config.sigma * max(eyes, 1.0)) ** 2

    def warp_flow(self, driving: np.ndarray, jacobians: np.ndarray | None = None) -> np.ndarray:
        """
        Where each output pixel samples the source: ``(H, W, 2)`` float32 px.

        ``driving``: ``(K, 2)`` driving keypoints (px, in the source frame) for ``WARP_POINTS``;
        ``jacobians``: ``(K, 2, 2)`` local maps driving -> source, default identity.
        """
        z = self._grid                                                      # (P, 2)
        d = driving.astype(np.float32)                                      # (K, 2)
        # |z - d|^2 = |z|^2 - 2 z.d + |d|^2: one matrix product instead of a (P, K, 2) array.
        dist2 = (z ** 2).sum(1, keepdims=True) - 2 * z @ d.T + (d ** 2).sum(1)[None]
        logits = -dist2 / self._two_sigma2                                  # (P, K)
        top = np.maximum(logits.max(1, keepdims=True), self.config.background_logit)
        masks = np.exp(logits - top)
        background = np.exp(self.config.background_logit - top)             # (P, 1)
        norm = masks.sum(1, keepdims=True) + background
        masks /= norm
        background /= norm
        if jacobians is None:
            # sum_k m_k (s_k + z - d_k) + m_bg z
            flow = masks @ (self.src - d) + z * (masks.sum(1, keepdims=True) + background)
        else:
            j = jacobians.astype(np.float32)                                # (K, 2, 2)
            blended = (masks @ j.reshape(-1, 4)).reshape(-1, 2, 2)          # (P, 2, 2)
            jd = np.einsum('kij,kj->ki', j, d)                              # (K, 2)
            flow = (masks @ (self.src - jd) + np.einsum('pij,pj->pi', blended, z)
                    + background * z)
        flow = flow.reshape(*self._coarse, 2)
        h, w = self.source.shape[:2]
        return cv2.resize(flow, (w, h), interpolation=cv2.INTER_LINEAR)

    def animate(self, driving: np.ndarray, jacobians: np.ndarray | None = None) -> np.ndarray:
        """Warp the source so its keypoints move to ``driving`` ``(K, 2)`` px; returns BGR."""
        flow = self.warp_flow(driving, jacobians)
        return cv2.remap(self.source, flow[..., 0], flow[..., 1], cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)
