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

"""ameca-train-policy on small twin sets: learning happens, checkpoints are complete, DDP runs."""

import json
import os
from pathlib import Path
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from ameca_imitation.cli.train_policy import main as train_main
from ameca_imitation.policy import make_policy
from ameca_imitation.policy.checkpoint import load_checkpoint
from ameca_imitation.policy.self_model import observed_features
from ameca_imitation.policy.train import recompute_bn_statistics
from ameca_imitation.twin.dataset import DatasetSpec, ShardDataset, write_dataset


@pytest.fixture(scope='module')
def pairs(tmp_path_factory):
    root = tmp_path_factory.mktemp('train')
    write_dataset(root / 'train', DatasetSpec(count=600, seed=0, size=128, shard_size=300,
                                              fps=2.5), 2)
    write_dataset(root / 'test', DatasetSpec(count=100, seed=1, size=128, shard_size=100,
                                             fps=2.5), 2)
    return root


@pytest.mark.parametrize('precision', [[], ['--bf16']], ids=['fp32', 'bf16'])
def test_image_policy_learns(pairs, tmp_path, schema, precision):
    out = tmp_path / 'small'
    assert train_main(['--arch', 'small_image', '--data', str(pairs / 'train'), '--test',
                       str(pairs / 'test'), '--out', str(out), '--epochs', '12',
                       '--batch-size', '32', '--warmup-steps', '20', '--lr', '2e-3',
                       '--patience', '12', '--max-minutes', '3'] + precision) == 0
    for name in ('model.safetensors', 'config.json', 'metrics.json', 'command.txt'):
        assert (out / name).is_file(), name
    metrics = json.loads((out / 'metrics.json').read_text())
    # Better than predicting the mean pose of the training set.
    train_mean = schema.normalise(ShardDataset(pairs / 'train').controls()).mean(0)
    baseline = np.abs(schema.normalise(ShardDataset(pairs / 'test').controls()) - train_mean).mean()
    assert metrics['test_mae_normalised']['overall'] < 0.9 * baseline
    assert set(metrics['test_mae_normalised']) >= {'brows', 'eyelids', 'gaze', 'head/neck', 'mouth'}
    policy = make_policy('image', schema, str(out))
    image, truth = ShardDataset(pairs / 'test')[0]
    assert policy(image).shape == truth.shape


def test_feature_policy_on_the_self_model(pairs, tmp_path, schema):
    inputs, controls = observed_features(pairs / 'train')
    assert inputs.shape[1] == 22 and len(inputs) >= 0.9 * 600        # the face is found
    out = tmp_path / 'feat'
    assert train_main(['--arch', 'feature_mlp', '--data', str(pairs / 'train'), '--test',
                       str(pairs / 'test'), '--out', str(out), '--epochs', '150',
                       '--batch-size', '32', '--warmup-steps', '20', '--lr', '3e-3',
                       '--patience', '40', '--no-augment']) == 0
    metrics = json.loads((out / 'metrics.json').read_text())
    test_in, test_out = observed_features(pairs / 'test')
    baseline = np.abs(schema.normalise(test_out) - schema.normalise(controls).mean(0)).mean()
    assert metrics['test_mae_normalised']['overall'] < 0.9 * baseline
    # The checkpoint keeps the training range, and input past its edge answers as the edge.
    model, _ = load_checkpoint(out)
    low, high = inputs.min(0), inputs.max(0)
    assert np.allclose(model.input_low.numpy(), low)
    assert np.allclose(model.input_high.numpy(), high)
    edge = torch.as_tensor(np.stack([high, low]), dtype=torch.float32)
    past = torch.as_tensor(np.stack([high + 5 * (high - low), low - 5 * (high - low)]),
                           dtype=torch.float32)
    with torch.no_grad():
        assert torch.allclose(model(past), model(edge))


def test_the_brows_can_be_learned_as_the_mesh_moves_them(pairs, schema):
    from ameca_imitation.face.features import FEATURE_NAMES
    from ameca_imitation.twin import TwinRenderer
    from ameca_imitation.twin.exact import ExactFeatures
    brows = ('brow_inner_left', 'brow_inner_right', 'brow_outer_left', 'brow_outer_right')
    read, controls = observed_features(pairs / 'test')
    mixed, same = observed_features(pairs / 'test', mesh_features=brows)
    assert np.array_equal(controls, same)
    cols = [FEATURE_NAMES.index(n) for n in brows]
    rest = [i for i in range(mixed.shape[1]) if i not in cols]
    assert np.array_equal(mixed[:, rest], read[:, rest])      # the rest as the render reads
    twin = TwinRenderer(schema, size=128)
    exact = ExactFeatures(twin.render(schema.neutral).landmarks)
    for k in (0, len(controls) - 1):
        mesh = exact(twin.render(controls[k].astype(np.float64)).landmarks)
        assert np.allclose(mixed[k, cols], mesh[cols], atol=1e-5)
    # The landmark model reads a fraction of the brows' motion on the hairless grey render.
    assert np.all(mixed[:, cols].std(0) > 1.5 * read[:, cols].std(0))
    with pytest.raises(ValueError, match='unknown features'):
        observed_features(pairs / 'test', mesh_features=('eyebrow',))


def test_two_processes_with_torchrun(pairs, tmp_path):
    torchrun = shutil.which('torchrun', path=str(Path(sys.executable).parent))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    cmd = [torchrun, '--standalone', '--nproc_per_node', '2', '-m',
           'ameca_imitation.cli.train_policy', '--arch', 'small_image', '--data',
           str(pairs / 'train'), '--out', str(tmp_path / 'ddp'), '--epochs', '1',
           '--max-steps', '3', '--batch-size', '16']
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((tmp_path / 'ddp' / 'metrics.json').read_text())
    assert metrics['world_size'] == 2 and metrics['steps'] == 3


def test_batchnorm_statistics_are_the_plain_average_of_the_given_batches():
    gen = torch.Generator().manual_seed(0)
    batches = [torch.randn(8, 3, 4, 4, generator=gen) * 2 + torch.tensor([1.0, -2.0, 5.0])
               .view(1, 3, 1, 1) for _ in range(5)]
    model = torch.nn.Sequential(torch.nn.BatchNorm2d(3, momentum=0.1)).eval()
    model[0].running_mean.fill_(100.0)
    recompute_bn_statistics(model, batches)
    data = torch.cat(batches)
    per_batch_var = torch.stack([b.var(dim=(0, 2, 3)) for b in batches])   # unbiased, as BN
    assert torch.allclose(model[0].running_mean, data.mean(dim=(0, 2, 3)), atol=1e-5)
    assert torch.allclose(model[0].running_var, per_batch_var.mean(0), atol=1e-5)
    assert model[0].momentum == 0.1 and not model.training
