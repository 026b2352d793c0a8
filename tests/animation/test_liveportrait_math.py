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

"""LivePortrait's motion arithmetic with hand-computed values, batched like batch 1."""

import math

import pytest
import torch

from ameca_imitation.animation.liveportrait import transform as tf


def test_bins_to_degrees():
    logits = torch.full((2, 66), -1e9)
    logits[0, 0] = 0            # all mass on bin 0 -> -97.5
    logits[1, 40] = 0           # bin 40 -> 3 * 40 - 97.5 = 22.5
    assert torch.allclose(tf.bins_to_degrees(logits), torch.tensor([-97.5, 22.5]))
    even = torch.zeros(1, 66)   # uniform -> mean index 32.5 -> 0
    assert tf.bins_to_degrees(even).item() == pytest.approx(0.0, abs=1e-5)


def test_rotation_convention():
    # Yaw 90 alone: x @ Ry^T = (Ry x^T)^T, and Ry (1,0,0) = (cos 90, 0, -sin 90) = (0, 0, -1).
    r = tf.rotation_matrix(torch.tensor([0.0]), torch.tensor([90.0]), torch.tensor([0.0]))
    assert torch.allclose(torch.tensor([[1.0, 0, 0]]) @ r[0], torch.tensor([[0.0, 0, -1]]), atol=1e-6)
    # Roll 90: x @ Rz^T = Rz x, and Rz (1,0,0) = (0, 1, 0).
    r = tf.rotation_matrix(torch.tensor([0.0]), torch.tensor([0.0]), torch.tensor([90.0]))
    assert torch.allclose(torch.tensor([[1.0, 0, 0]]) @ r[0], torch.tensor([[0.0, 1, 0]]), atol=1e-6)
    p, y, ro = torch.tensor([10.0, -20]), torch.tensor([30.0, 5]), torch.tensor([-15.0, 40])
    rs = tf.rotation_matrix(p, y, ro)
    assert torch.allclose(rs @ rs.transpose(1, 2), torch.eye(3).expand(2, 3, 3), atol=1e-6)


def test_keypoint_transform_ignores_tz():
    kp = torch.tensor([[[1.0, 2.0, 3.0]]])
    out = tf.transform_keypoints(kp, torch.eye(3)[None], torch.tensor([[[0.5, 0, 0]]]),
                                 torch.tensor([2.0]), torch.tensor([[1.0, -1.0, 100.0]]))
    assert torch.allclose(out, torch.tensor([[[2 * 1.5 + 1, 2 * 2 - 1, 6.0]]]))


def info(seed, batch=3):
    g = torch.Generator().manual_seed(seed)
    raw = {'pitch': torch.randn(batch, 66, generator=g), 'yaw': torch.randn(batch, 66, generator=g),
           'roll': torch.randn(batch, 66, generator=g), 't': torch.randn(batch, 3, generator=g),
           'exp': 0.1 * torch.randn(batch, 63, generator=g), 'kp': torch.randn(batch, 63, generator=g),
           'scale': 1 + 0.1 * torch.rand(batch, 1, generator=g)}
    return tf.motion_info(raw)


def first(d, i):
    return {k: v[i:i + 1] for k, v in d.items()}


def test_relative_motion_identity_and_batching():
    s, d0 = info(0), info(1)
    # Driving frame == first driving frame: the source's own keypoints.
    same = tf.relative_motion(s, d0, d0)
    own = tf.transform_keypoints(s['kp'], s['R'], s['exp'], s['scale'], s['t'])
    assert torch.allclose(same, own, atol=1e-5)
    di = info(2)
    batched = tf.relative_motion(s, di, d0)
    for i in range(3):
        single = tf.relative_motion(first(s, i), first(di, i), first(d0, i))
        assert torch.allclose(batched[i:i + 1], single, atol=1e-6)
    # Scale: s = s_s * s_i / s_0.
    s2 = dict(s, R=torch.eye(3).expand(3, 3, 3), exp=torch.zeros_like(s['exp']),
              t=torch.zeros_like(s['t']))
    d02 = dict(d0, R=torch.eye(3).expand(3, 3, 3), exp=torch.zeros_like(d0['exp']), t=s2['t'])
    di2 = dict(di, R=d02['R'], exp=d02['exp'], t=s2['t'])
    expected = (s['scale'] * di['scale'] / d0['scale']).view(-1, 1, 1) * s['kp']
    assert torch.allclose(tf.relative_motion(s2, di2, d02), expected, atol=1e-5)


def test_absolute_motion_copies_listed_expression_only():
    s, d = info(0), info(1)
    out = tf.absolute_motion(s, d)
    exp = s['exp'].clone()
    exp[:, 1] = d['exp'][:, 1]
    exp[:, 3, 1] = d['exp'][:, 3, 1]
    exp[:, 9, 1:] = d['exp'][:, 9, 1:]
    # Keypoint 0 keeps the source expression, keypoint 1 takes the driving one.
    manual = tf.transform_keypoints(s['kp'], d['R'], exp, s['scale'], d['t'])
    assert torch.allclose(out[:, [0, 1, 3, 9]], manual[:, [0, 1, 3, 9]], atol=1e-6)


def test_expression_friendly_scale_and_regions():
    cube = torch.tensor([[[x, y, z] for x in (0.0, 1) for y in (0.0, 1) for z in (0.0, 1)]])
    big = cube * 2                                       # volume 8 -> m = sqrt(1)/sqrt(8)
    moved = big + 0.4
    out = tf.expression_friendly(cube, moved, big)
    assert torch.allclose(out, cube + 0.4 / math.sqrt(8), atol=1e-6)
    mask = tf.region_mask(tf.LIP_KP, torch.zeros(1, 21, 3))
    assert mask.sum() == 6 and mask[0, 6, 0] == 1 and mask[0, 11, 0] == 0


def test_stitching_and_multiplier():
    x = torch.zeros(2, 21, 3)
    delta = torch.ones(2, 63)
    shift = torch.tensor([[0.5, -0.5], [1.0, 1.0]])
    out = tf.apply_stitching(x, delta, shift)
    assert torch.allclose(out[0, :, 0], torch.full((21,), 1.5))
    assert torch.allclose(out[0, :, 2], torch.ones(21))
    assert torch.allclose(tf.driving_multiplier(x, out, 0.5), out * 0.5)
