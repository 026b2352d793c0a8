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

"""Animator training: loss conventions, a short real run, checkpoints, metrics."""

import json

import numpy as np
import pytest
import torch

from ameca_imitation.animation.metrics import reconstruction_metrics
from ameca_imitation.animation.training import (AnimatorTrainConfig, equivariance_loss,
                                                load_animator, pyramid_l1, reconstruct_clips,
                                                train_animator, warp_affine)
from ameca_imitation.cli import train_animator as cli
from ameca_imitation.twin.videos import render_videos


@pytest.fixture(scope='module')
def twin_clips():
    return render_videos(3, 4, seed=5, size=64, workers=1)


def _blob(centre, size=64, sigma=0.06):
    lin = 2 * torch.arange(size) / (size - 1) - 1
    y, x = torch.meshgrid(lin, lin, indexing='ij')
    return torch.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * sigma ** 2))


class Centroid(torch.nn.Module):
    """A perfect keypoint 'detector' for one bright blob: its intensity-weighted centroid."""

    def keypoints(self, img):
        w = img[:, 0].flatten(1)
        w = w / w.sum(1, keepdim=True)
        lin = 2 * torch.arange(img.shape[-1]) / (img.shape[-1] - 1) - 1
        y, x = torch.meshgrid(lin, lin, indexing='ij')
        pts = torch.stack([(w * x.flatten()).sum(1), (w * y.flatten()).sum(1)], -1)
        return {'value': pts[:, None]}


def test_warp_and_keypoint_mapping_agree():
    # A blob at p, seen through X'(z) = X(A z + b), sits at p' with A p' + b = p: the mapping
    # equivariance_loss applies.
    p = torch.tensor([0.3, -0.2])
    image = _blob(p).expand(1, 3, 64, 64).clone()
    angle = torch.tensor(0.35)
    a = (0.9 * torch.stack([torch.stack([angle.cos(), -angle.sin()]),
                            torch.stack([angle.sin(), angle.cos()])]))[None]
    b = torch.tensor([[0.1, -0.15]])
    model = Centroid()
    warped = model.keypoints(warp_affine(image, a, b))['value'][0, 0]
    assert torch.allclose(a[0] @ warped + b[0], p, atol=0.02)
    # the opposite convention (p' = A p + b) is far off
    assert (warped - (a[0] @ p + b[0])).abs().max() > 0.1
    # a perfect detector has (almost) no equivariance loss under random warps
    gen = torch.Generator().manual_seed(1)
    assert equivariance_loss(model, image, model.keypoints(image), 0.1, gen) < 0.02


def test_pyramid_l1_is_zero_only_for_equal_images():
    x = torch.rand(2, 3, 32, 32)
    assert pyramid_l1(x, x, (1.0, 0.5)) == 0
    assert pyramid_l1(x, 1 - x, (1.0, 0.5)) > 0.3


def test_a_short_run_learns_and_checkpoints_reload(twin_clips, tmp_path):
    cfg = AnimatorTrainConfig(model='fomm', max_steps=40, batch_size=4, lr=1e-3)
    first = train_animator(AnimatorTrainConfig(model='fomm', max_steps=1, batch_size=4),
                           twin_clips, tmp_path / 'untrained')
    result = train_animator(cfg, twin_clips, tmp_path / 'fomm')
    assert result['steps'] == 40
    before = reconstruct_clips(first['model'], twin_clips)
    after = reconstruct_clips(result['model'], twin_clips)
    err = [np.abs(p.astype(float) - twin_clips).mean() for p in (before, after)]
    assert err[1] < 0.5 * err[0], err
    reloaded = load_animator(tmp_path / 'fomm')
    assert np.array_equal(reconstruct_clips(reloaded, twin_clips), after)


def test_metrics_of_a_perfect_and_a_copied_prediction(twin_clips):
    perfect = reconstruction_metrics(twin_clips, twin_clips)
    assert perfect['l1'] == 0 and perfect['akd_px'] == 0 and perfect['mkr'] == 0
    assert perfect['akd_frames'] == twin_clips.shape[0] * twin_clips.shape[1]
    copied = np.repeat(twin_clips[:, :1], twin_clips.shape[1], axis=1)
    m = reconstruction_metrics(copied, twin_clips)
    assert m['l1'] == pytest.approx(m['copy_source_l1'])
    assert m['akd_px'] == pytest.approx(m['copy_source_akd_px']) and m['akd_px'] > 0


def test_cli_writes_weights_metrics_and_preview(tmp_path):
    out = tmp_path / 'run'
    assert cli.main(['--model', 'monkey_net', '--out', str(out), '--max-steps', '2',
                     '--clips', '2', '--test-clips', '1', '--frames', '4', '--gan-weight', '0.1',
                     '--no-keypoint-metrics']) == 0
    metrics = json.loads((out / 'metrics.json').read_text())
    assert metrics['steps'] == 2 and metrics['model'] == 'monkey_net'
    assert metrics['history'][0]['gan'] > 0          # the discriminator term was trained on
    assert {'l1', 'copy_source_l1'} <= set(metrics['held_out'])
    assert (out / 'held_out.png').stat().st_size > 0
    assert json.loads((out / 'config.json').read_text())['model'] == 'monkey_net'
    assert (out / 'command.txt').read_text().strip()
