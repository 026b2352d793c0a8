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
The published system end to end (``--pipeline mimetician``) with files in the official layouts.

LivePortrait at its published size (or as ameca-train-animator saves it) and X2CNet, random
weights saved the way the releases save them, in the weights folder a user fills: real forward
passes, shapes, stamps and the chain to commands (not quality: the weights are random).
"""

import json

import numpy as np
import pytest
import torch

from ameca_imitation.animation.checkpoints import write_official_files
from ameca_imitation.animation.training import AnimatorTrainConfig, save_animator
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.cli import imitate
from ameca_imitation.io.bag import read_bag
from ameca_imitation.policy.modules import X2CNet


@pytest.fixture(scope='module')
def official_weights(tmp_path_factory):
    root = tmp_path_factory.mktemp('weights')
    torch.manual_seed(0)
    write_official_files('liveportrait', root / 'liveportrait')
    torch.save({'model': X2CNet().state_dict(), 'epoch': 1}, root / 'x2control.pth')
    return root


@pytest.mark.parametrize('animator', ['official', 'ameca-train-animator'])
def test_mimetician_runs_end_to_end_from_the_weights_folder(animator, official_weights, clip,
                                                            schema, tmp_path, monkeypatch):
    monkeypatch.setenv('AMECA_IMITATION_WEIGHTS', str(official_weights))
    out = tmp_path / 'out'
    extra = []
    if animator != 'official':          # LivePortrait trained here on the twin (its layout)
        torch.manual_seed(0)
        save_animator(tmp_path / 'lp', build_animator('liveportrait'),
                      AnimatorTrainConfig(model='liveportrait'), {'size': 64})
        extra = ['--animator-weights', str(tmp_path / 'lp')]
    assert imitate.main([str(clip('single_face.mp4')), '--out', str(out), '--pipeline',
                         'mimetician', '--max-frames', '8'] + extra) == 0
    summary = json.loads((out / 'summary.json').read_text())
    animator_figures = summary['animator']
    assert animator_figures['model'] == 'liveportrait'
    assert animator_figures['frames_animated'] >= 1
    if animator == 'official' and not torch.cuda.is_available():
        # Seconds per frame on a CPU: it keeps up by taking only the frames it is free for.
        assert animator_figures['frames_animated'] < 8 and animator_figures['ms_per_frame'] > 100
    got = {}
    for topic, stamp, msg in read_bag(out / 'bag'):
        got.setdefault(topic, []).append((stamp, msg))
    policy, commands = got['/policy/controls'], got['/ameca/command']
    camera = {stamp for stamp, _ in got['/camera/image_raw/compressed']}
    assert len(got['/animator/image/compressed']) == 8
    assert len(policy) == animator_figures['frames_animated']
    assert {stamp for stamp, _ in policy} <= camera and commands
    values = np.array([m.values for _, m in commands])
    assert values.shape[1] == len(schema)
    assert ((values >= schema.live_min - 1e-9) & (values <= schema.live_max + 1e-9)).all()
    assert summary['limit_violations'] == 0
