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

"""Policy networks: the X2CNet layout loads official checkpoints strictly; our format round-trips."""

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file, save_file
import torch

from ameca_imitation.policy import make_policy
from ameca_imitation.policy.checkpoint import (CheckpointError, load_checkpoint,
                                               load_x2cnet_official, save_checkpoint)
from ameca_imitation.policy.modules import FeatureMLP, SmallImagePolicy, X2CNet
from ameca_imitation.policy.wrappers import for_inference, ImagePolicy

MANIFEST = Path(__file__).resolve().parents[1] / 'data' / 'checkpoints' / 'x2cnet_mapping_network.json'


def manifest():
    return json.loads(MANIFEST.read_text())


def test_x2cnet_matches_the_official_manifest():
    ref = manifest()
    state = X2CNet().state_dict()
    assert set(state) == set(ref['keys'])
    for key, (shape, dtype) in ref['keys'].items():
        assert list(state[key].shape) == shape, key
        assert str(state[key].dtype).replace('torch.', '') == dtype, key
    params = sum(p.numel() for p in X2CNet().parameters())
    assert params == ref['param_count']


def official_file(tmp_path, mutate=None):
    """A file laid out like x2control.pth (random values in the official shapes)."""
    ref = manifest()
    gen = torch.Generator().manual_seed(0)
    state = {}
    for key, (shape, dtype) in ref['keys'].items():
        state[key] = (torch.tensor(7) if dtype == 'int64' else
                      torch.rand(shape, generator=gen) * 0.1 + (1.0 if 'running_var' in key else 0))
    if mutate:
        mutate(state)
    path = tmp_path / 'x2control.pth'
    torch.save({'model': state, 'epoch': 12, 'optimizer': {}}, path)
    return path, state


def test_official_layout_loads_strictly_and_runs(tmp_path, schema):
    path, state = official_file(tmp_path)
    model = load_x2cnet_official(path)
    assert torch.equal(model.state_dict()['pos_pred_head.4.bias'], state['pos_pred_head.4.bias'])
    features, controls = model(torch.zeros(2, 3, 224, 224))
    assert features.shape == (2, 512) and controls.shape == (2, 30)
    policy = make_policy('x2cnet', schema, str(path))
    out = policy(np.zeros((300, 300, 3), np.uint8))
    assert out.shape == (30,) and np.all(out >= schema.live_min) and np.all(out <= schema.live_max)


def test_mismatched_file_names_the_keys(tmp_path):
    def break_it(state):
        state['extra.weight'] = torch.zeros(1)
        del state['pos_pred_head.4.bias']
        state['pos_pred_head.0.weight'] = torch.zeros(128, 512)
    path, _ = official_file(tmp_path, break_it)
    with pytest.raises(CheckpointError) as err:
        load_x2cnet_official(path)
    text = str(err.value)
    assert 'pos_pred_head.4.bias' in text and 'extra.weight' in text
    assert 'pos_pred_head.0.weight (128, 512)!=(256, 512)' in text


def test_our_checkpoints_round_trip(tmp_path, schema):
    model = SmallImagePolicy().eval()
    save_checkpoint(tmp_path / 'small', model, 'small_image', schema.names, {'mae': 0.1})
    back, meta = load_checkpoint(tmp_path / 'small')
    side = model.config.image_size
    x = torch.rand(1, 3, side, side)
    assert torch.allclose(model(x), back(x))
    assert meta['control_names'] == list(schema.names)
    assert (tmp_path / 'small' / 'command.txt').is_file()
    mlp = FeatureMLP()
    mlp.input_mean.fill_(2.0)
    save_checkpoint(tmp_path / 'mlp', mlp, 'feature_mlp', schema.names)
    assert torch.equal(load_checkpoint(tmp_path / 'mlp')[0].input_mean, mlp.input_mean)
    # A folder saved before the MLP kept its training range loads unbounded.
    state = load_file(tmp_path / 'mlp' / 'model.safetensors')
    del state['input_low'], state['input_high']
    save_file(state, tmp_path / 'mlp' / 'model.safetensors')
    old = load_checkpoint(tmp_path / 'mlp')[0]
    assert torch.isinf(old.input_low).all() and torch.isinf(old.input_high).all()
    with pytest.raises(CheckpointError, match='not a checkpoint'):
        load_checkpoint(tmp_path)


def test_wrapper_refuses_another_control_order(schema):
    with pytest.raises(ValueError, match='another order'):
        ImagePolicy(schema, SmallImagePolicy(), {'control_names': list(schema.names)[::-1]})


def test_outputs_are_normalised(schema):
    model = SmallImagePolicy()
    side = model.config.image_size
    with torch.no_grad():
        y = model(torch.randn(4, 3, side, side))
    assert y.shape == (4, 30) and float(y.min()) >= 0 and float(y.max()) <= 1


@pytest.mark.parametrize('cls', [SmallImagePolicy, X2CNet])
def test_inference_copy_computes_the_same_function(cls):
    torch.manual_seed(0)
    model = cls().eval()
    for m in model.modules():          # statistics that are not the identity, so folding shows
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    keys = set(model.state_dict())
    net = for_inference(model)
    x = torch.randn(2, 3, model.config.image_size, model.config.image_size)
    with torch.no_grad():
        expected, got = model(x), net(x.contiguous(memory_format=torch.channels_last))
    for e, g in zip(*(o if isinstance(o, tuple) else (o,) for o in (expected, got))):
        assert (e - g).abs().max() < 1e-4 * max(1.0, float(e.abs().max()))
    assert set(model.state_dict()) == keys
    if cls is SmallImagePolicy:
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in net.modules())
