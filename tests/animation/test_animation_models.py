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

"""Monkey-Net, face-vid2vid and the small training configurations of all four models."""

import math

import pytest
import torch

from ameca_imitation.animation import face_vid2vid as fv
from ameca_imitation.animation.monkey_net import gaussian_heatmaps
from ameca_imitation.animation.zoo import ANIMATORS, build_animator


def test_gaussian_heatmap_with_covariance_matches_the_formula():
    mean = torch.tensor([[[0.2, -0.1]]])
    cov = torch.tensor([[[[0.04, 0.01], [0.01, 0.02]]]])
    heat = gaussian_heatmaps(mean, cov, (5, 5))                        # grid step 0.5
    # pixel (row 1, col 3) sits at (x, y) = (0.5, -0.5)
    d = torch.tensor([0.3, -0.4])
    expected = math.exp(-0.5 * float(d @ torch.inverse(cov[0, 0]) @ d))
    assert heat[0, 0, 1, 3].item() == pytest.approx(expected, rel=1e-5)
    assert heat.max() <= 1.0


def test_monkey_net_keypoints_carry_a_positive_definite_covariance():
    torch.manual_seed(0)
    model = build_animator('monkey_net').eval()
    with torch.no_grad():
        kp = model.keypoints(torch.rand(2, 3, 64, 64))
    assert kp['value'].shape == (2, 10, 2) and kp['covariance'].shape == (2, 10, 2, 2)
    eig = torch.linalg.eigvalsh(kp['covariance'])
    assert (eig > 0).all()
    assert torch.allclose(kp['covariance'], kp['covariance'].transpose(-1, -2))


@pytest.mark.parametrize('name', sorted(ANIMATORS))
def test_unmoved_keypoints_give_an_identity_flow_and_batching_holds(name):
    # Source = driving: every sparse motion is the identity, so whatever the (random) masks,
    # the dense motion must be the identity grid; and batch 2 = two batches of 1.
    torch.manual_seed(0)
    model = build_animator(name).eval()
    images = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        both = model(images, images)
        single = [model(images[i:i + 1], images[i:i + 1]) for i in range(2)]
    assert both['prediction'].shape == (2, 3, 64, 64)
    for i in range(2):
        # float32 summation order differs between batch sizes; random weights amplify it
        assert torch.allclose(both['prediction'][i], single[i]['prediction'][0], atol=1e-3)
    if 'deformation' in both:
        from ameca_imitation.animation.blocks import coordinate_grid
        grid = coordinate_grid(both['deformation'].shape[1:3])
        assert torch.allclose(both['deformation'], grid.expand_as(both['deformation']),
                              atol=1e-5)


def test_face_vid2vid_pose_and_transform_by_hand():
    uniform = torch.zeros(1, 66)
    assert fv.bins_to_degrees(uniform, fv.BIN_OFFSET).item() == pytest.approx(3 * 32.5 - 99)
    zero = torch.zeros(1)
    yaw90 = fv.rotation_matrix(zero, torch.full((1,), 90.0), zero)
    # column vectors: a yaw of 90 degrees turns +x into -z
    assert torch.allclose(yaw90[0] @ torch.tensor([1.0, 0, 0]), torch.tensor([0, 0, -1.0]),
                          atol=1e-6)
    pitch, yaw, roll = torch.tensor([10.0]), torch.tensor([-20.0]), torch.tensor([30.0])
    r = fv.rotation_matrix(pitch, yaw, roll)[0]
    p, y, q = (math.radians(a) for a in (10, -20, 30))
    rx = torch.tensor([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = torch.tensor([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = torch.tensor([[math.cos(q), -math.sin(q), 0], [math.sin(q), math.cos(q), 0], [0, 0, 1]])
    assert torch.allclose(r, rx @ ry @ rz, atol=1e-6)
    canonical = torch.tensor([[[0.1, 0.2, 0.3]]])
    t, delta = torch.tensor([[0.0, 0.5, -0.5]]), torch.tensor([[[0.01, 0.0, 0.0]]])
    x = fv.transform_keypoints(canonical, r[None], t, delta)
    assert torch.allclose(x[0, 0], r @ canonical[0, 0] + t[0] + delta[0, 0], atol=1e-6)


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match='unknown animation model'):
        build_animator('wav2lip')
