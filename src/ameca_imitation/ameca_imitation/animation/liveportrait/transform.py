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
LivePortrait's motion arithmetic, batched.

pose bins, rotations, the keypoint transform, relative and absolute motion, regional masks,
stitching and retargeting on top of the motion.

Keypoints are row vectors in ``[-1, 1]^3`` (x right, y down, z into the image).
"""

import torch

NUM_BINS = 66
BIN_DEGREES = 3.0
BIN_OFFSET = 97.5           # LivePortrait; face-vid2vid used 99
LIP_KP = (6, 12, 14, 17, 19, 20)
EYE_KP = (11, 13, 15, 16, 18)
# Absolute mode copies the driving expression only for these keypoints and coordinates.
ABSOLUTE_EXP = {1: (0, 1, 2), 2: (0, 1, 2), 6: (0, 1, 2), 11: (0, 1, 2), 12: (0, 1, 2),
                13: (0, 1, 2), 14: (0, 1, 2), 15: (0, 1, 2), 16: (0, 1, 2), 17: (0, 1, 2),
                18: (0, 1, 2), 19: (0, 1, 2), 20: (0, 1, 2), 3: (1,), 4: (1,), 5: (2,), 8: (2,),
                9: (1, 2)}


def bins_to_degrees(logits: torch.Tensor, offset: float = BIN_OFFSET) -> torch.Tensor:
    """``(B, 66)`` bin logits -> ``(B,)`` degrees: ``3 * E[bin] - 97.5``."""
    idx = torch.arange(logits.shape[1], dtype=logits.dtype, device=logits.device)
    return BIN_DEGREES * (torch.softmax(logits, dim=1) * idx).sum(1) - offset


def axis_rotations(pitch, yaw, roll) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Degrees ``(B,)`` each -> ``Rx(pitch), Ry(yaw), Rz(roll)``, each ``(B, 3, 3)``."""
    p, y, r = (torch.deg2rad(a) for a in (pitch, yaw, roll))
    one, zero = torch.ones_like(p), torch.zeros_like(p)

    def mat(rows):
        return torch.stack([torch.stack(row, dim=-1) for row in rows], dim=-2)
    rx = mat([[one, zero, zero], [zero, p.cos(), -p.sin()], [zero, p.sin(), p.cos()]])
    ry = mat([[y.cos(), zero, y.sin()], [zero, one, zero], [-y.sin(), zero, y.cos()]])
    rz = mat([[r.cos(), -r.sin(), zero], [r.sin(), r.cos(), zero], [zero, zero, one]])
    return rx, ry, rz


def rotation_matrix(pitch, yaw, roll) -> torch.Tensor:
    """Degrees ``(B,)`` each -> ``(B, 3, 3)``: ``R = (Rz Ry Rx)^T``, applied as ``x @ R``."""
    rx, ry, rz = axis_rotations(pitch, yaw, roll)
    return (rz @ ry @ rx).transpose(1, 2)


def transform_keypoints(canonical, rotation, expression, scale, translation) -> torch.Tensor:
    """
    Paper eq.

    17: ``x = s (x_c R + delta) + t`` with only t_x, t_y. Shapes ``(B, K, 3)``, ``(B, 3, 3)``,
    ``(B, K, 3)``, ``(B,)``/``(B, 1)``, ``(B, 3)``.
    """
    t = translation.clone()
    t[:, 2] = 0
    return scale.view(-1, 1, 1) * (canonical @ rotation + expression) + t[:, None, :]


def motion_info(raw: dict) -> dict:
    """Convert M's raw output: pitch/yaw/roll degrees, ``R``, ``exp (B, 21, 3)``, ``kp``, ..."""
    b = raw['kp'].shape[0]
    pitch, yaw, roll = (bins_to_degrees(raw[k]) for k in ('pitch', 'yaw', 'roll'))
    return {'pitch': pitch, 'yaw': yaw, 'roll': roll, 'R': rotation_matrix(pitch, yaw, roll),
            'exp': raw['exp'].view(b, -1, 3), 'kp': raw['kp'].view(b, -1, 3), 't': raw['t'],
            'scale': raw['scale'].view(b)}


def relative_motion(source: dict, driving: dict, first: dict) -> torch.Tensor:
    """Driving frame i against the first driving frame 0, onto the source: ``x_d (B, K, 3)``."""
    rotation = (driving['R'] @ first['R'].transpose(1, 2)) @ source['R']
    expression = source['exp'] + (driving['exp'] - first['exp'])
    scale = source['scale'] * driving['scale'] / first['scale']
    translation = source['t'] + (driving['t'] - first['t'])
    return transform_keypoints(source['kp'], rotation, expression, scale, translation)


def absolute_motion(source: dict, driving: dict) -> torch.Tensor:
    """
    Transfer absolute motion: the driving pose and translation with the source scale.

    The driving expression is used on the keypoints and coordinates of :data:`ABSOLUTE_EXP`,
    the source's elsewhere.
    """
    expression = source['exp'].clone()
    for k, coords in ABSOLUTE_EXP.items():
        for c in coords:
            expression[:, k, c] = driving['exp'][:, k, c]
    return transform_keypoints(source['kp'], driving['R'], expression, source['scale'],
                               driving['t'])


def hull_volume(points: torch.Tensor) -> torch.Tensor:
    """3-D convex-hull volume of each ``(K, 3)`` set of a batch."""
    from scipy.spatial import ConvexHull
    return torch.tensor([ConvexHull(p.detach().cpu().double().numpy()).volume for p in points],
                        dtype=points.dtype, device=points.device)


def expression_friendly(x_s, x_d_i, x_d_0) -> torch.Tensor:
    """
    Transfer motion the CLI's default way: ``x_s + (x_d,i - x_d,0) m``.

    ``m = sqrt(hull(x_s)) / sqrt(hull(x_d,0))`` with 3-D convex-hull volumes.
    """
    m = torch.sqrt(hull_volume(x_s)) / torch.sqrt(hull_volume(x_d_0))
    return x_s + (x_d_i - x_d_0) * m.view(-1, 1, 1)


def region_mask(keypoints, like: torch.Tensor) -> torch.Tensor:
    """``(1, K, 1)`` mask selecting keypoints (e.g. :data:`LIP_KP`) for regional control."""
    mask = torch.zeros(1, like.shape[1], 1, dtype=like.dtype, device=like.device)
    mask[:, list(keypoints)] = 1
    return mask


def apply_stitching(x_d, delta, shift) -> torch.Tensor:
    """Add the stitching network's ``delta (B, 63)`` and ``shift (B, 2)`` to ``x_d (B, K, 3)``."""
    out = x_d + delta.view(x_d.shape)
    out[..., :2] = out[..., :2] + shift[:, None, :]
    return out


def driving_multiplier(x_s, x_d, k: float) -> torch.Tensor:
    return x_s + (x_d - x_s) * k
