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
The motion policy: LivePortrait's implicit motion of the face -> controls, end to end.

The extractor's weights are random here (the mechanics, not the quality): its states, their
messages, the self-model data it reads off twin renders, training, and the offline runner
writing /face/motion with the camera stamps.
"""

import json

import numpy as np
import pytest
import torch

from ameca_imitation.animation.checkpoints import write_official_files
from ameca_imitation.animation.implicit_motion import ImplicitMotion
from ameca_imitation.animation.liveportrait.transform import rotation_matrix
from ameca_imitation.animation.training import AnimatorTrainConfig, save_animator
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.cli import imitate, train_policy
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.bag import read_bag
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.dataset import DatasetSpec, write_dataset


@pytest.fixture(scope='module')
def extractor(tmp_path_factory):
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp('animator_lp')
    save_animator(folder, build_animator('liveportrait'),
                  AnimatorTrainConfig(model='liveportrait'), {'size': 64})
    return folder


@pytest.mark.parametrize('kind', ['ours', 'official'])
def test_states_are_poses_and_survive_the_message(kind, extractor, schema, tmp_path):
    if kind == 'official':
        torch.manual_seed(0)
        extractor = write_official_files('liveportrait', tmp_path / 'lp')
    twin = TwinRenderer(schema, size=256)
    neutral = twin.render(schema.neutral)
    observer = ImplicitMotion(extractor, neutral.landmarks)
    states = observer.observe([neutral.image, twin.render(schema.live_max).image], [1.5, 2.0])
    k = 21 if kind == 'official' else 10
    for state in states:
        assert state.canonical.shape == state.expression.shape == (k, 3)
        np.testing.assert_allclose(state.rotation @ state.rotation.T, np.eye(3), atol=1e-5)
        angles = [torch.tensor([a]) for a in (state.pitch, state.yaw, state.roll)]
        np.testing.assert_allclose(rotation_matrix(*angles)[0].numpy(), state.rotation,
                                   atol=1e-5)
    _, types = rc.rosbags_types()
    back = rc.motion_state_from_msg(rc.motion_state_to_msg(states[1], types))
    assert back.stamp == pytest.approx(2.0)
    for name in ('canonical', 'expression', 'rotation', 'translation'):
        np.testing.assert_allclose(getattr(back, name), getattr(states[1], name), atol=1e-6)
    assert (back.pitch, back.scale) == pytest.approx((states[1].pitch, states[1].scale))
    assert not np.allclose(states[0].expression, states[1].expression)


def test_motion_policy_trains_on_twin_renders_and_runs_on_a_person(extractor, clip, schema,
                                                                   tmp_path):
    data = tmp_path / 'pairs'
    write_dataset(data, DatasetSpec(count=300, seed=0, size=64, shard_size=300, fps=2.5), 1)
    policy = tmp_path / 'motion_mlp'
    assert train_policy.main(['--arch', 'motion_mlp', '--extractor', str(extractor),
                              '--data', str(data), '--out', str(policy), '--epochs', '3',
                              '--no-augment']) == 0
    meta = json.loads((policy / 'config.json').read_text())
    assert meta['architecture'] == 'motion_mlp' and meta['config']['num_inputs'] == 3 * 10 + 3
    pipeline = tmp_path / 'motion.yaml'
    pipeline.write_text(f'policy: motion\nweights: {policy}\nmotion_extractor: {extractor}\n')
    out = tmp_path / 'out'
    assert imitate.main([str(clip('single_face.mp4')), '--out', str(out), '--pipeline',
                         str(pipeline), '--max-frames', '12']) == 0
    got = {}
    for topic, stamp, msg in read_bag(out / 'bag'):
        got.setdefault(topic, []).append((stamp, msg))
    faces = {s for s, m in got['/face/observation'] if m.face_found}
    motion = {s for s, _ in got['/face/motion']}
    assert len(faces) >= 10 and motion == faces
    assert {s for s, _ in got['/policy/controls']} == motion
    assert all(m.count == 10 for _, m in got['/face/motion'])
    summary = json.loads((out / 'summary.json').read_text())
    assert summary['limit_violations'] == 0
    # A still is measured against the twin's neutral, not itself: two portraits differ (against
    # itself every portrait would read zero motion and get the same controls).
    from ameca_imitation.pipeline import Pipeline
    from ameca_imitation.types import Frame
    pipe = Pipeline.from_config(str(pipeline))
    twin = TwinRenderer(schema, size=256)
    controls = []
    for values in (schema.neutral, schema.live_min):
        pipe.reset()
        res = pipe.step(Frame(twin.render(values).image, 0.0, 0), 1.0, still=True)
        controls.append(res.policy.values)
    assert np.abs(controls[0] - controls[1]).max() > 1e-3


def test_a_motion_policy_that_does_not_fit_is_refused(extractor, schema, tmp_path):
    from ameca_imitation.pipeline import Pipeline
    from ameca_imitation.policy.checkpoint import save_checkpoint
    from ameca_imitation.policy.modules import FeatureMLP, FeatureMLPConfig
    from ameca_imitation.weights import CheckpointError
    pipeline = tmp_path / 'motion.yaml'
    pipeline.write_text(f'policy: motion\nweights: {extractor}\n')
    with pytest.raises(ValueError, match='needs a motion_extractor'):
        Pipeline.from_config(str(pipeline))
    # A policy trained on the official extractor's 21 keypoints, run on ours (10).
    save_checkpoint(tmp_path / 'p21', FeatureMLP(FeatureMLPConfig(num_inputs=66)), 'motion_mlp',
                    schema.names)
    pipeline.write_text(f'policy: motion\nweights: {tmp_path / "p21"}\n'
                        f'motion_extractor: {extractor}\n')
    with pytest.raises(ValueError, match='reads 66 inputs, but the motion extractor gives 10'):
        Pipeline.from_config(str(pipeline))
    save_checkpoint(tmp_path / 'feat', FeatureMLP(), 'feature_mlp', schema.names)
    pipeline.write_text(f'policy: motion\nweights: {tmp_path / "feat"}\n'
                        f'motion_extractor: {extractor}\n')
    with pytest.raises(CheckpointError, match='feature_mlp policy, not motion_mlp'):
        Pipeline.from_config(str(pipeline))
