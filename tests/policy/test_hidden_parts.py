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

"""What a hand hides rests on the robot: the hidden part's controls ease to neutral."""

import numpy as np

from ameca_imitation.capture import open_source
from ameca_imitation.face.occlusion import OcclusionConfig
from ameca_imitation.pipeline import Pipeline
from ameca_imitation.policy.hidden_parts import HiddenPartsRest, part_controls
from ameca_imitation.types import FaceObservation


def names(schema, idx):
    return {schema.names[i] for i in idx}


def test_each_part_has_its_own_controls(schema):
    assert names(schema, part_controls(schema, 'mouth')) == {
        n for n, g in zip(schema.names, schema.groups) if g == 'mouth'}
    left = names(schema, part_controls(schema, 'left_eye'))
    assert {'Eyelid Upper Left', 'Eyelid Lower Left', 'Brow Inner Left'} <= left
    assert not any('Right' in n for n in left) and not any('Lip' in n for n in left)
    # Mirrored, the person's left eye is the robot's right.
    assert names(schema, part_controls(schema, 'left_eye', mirror=True)) == names(
        schema, part_controls(schema, 'right_eye'))


def observation(*hidden):
    return FaceObservation(stamp=0.0, face_found=True, hidden_parts=hidden)


def test_a_hidden_part_eases_to_neutral_and_comes_back_when_seen(schema):
    rest = HiddenPartsRest(schema, OcclusionConfig(ease_frames=10.0))
    values = schema.clamp(schema.neutral + 0.3 * schema.span)       # far from neutral
    mouth = part_controls(schema, 'mouth')
    others = np.setdiff1d(np.arange(len(schema)), mouth)
    deviation = []
    for _ in range(30):
        out = rest(observation('mouth'), values)
        deviation.append(np.abs(out[mouth] - schema.neutral[mouth]).max())
        assert np.array_equal(out[others], values[others])
    deviation = np.array(deviation)
    assert np.all(np.diff(deviation) < 0)                  # easing, not jumping
    assert deviation[0] > 0.8 * np.abs(values - schema.neutral)[mouth].max()
    assert deviation[-1] < 0.1 * deviation[0]
    assert np.array_equal(rest(observation(), values), values)     # in view again
    # A hidden eye moves as the other one does while that one is in view: nothing to rest.
    assert np.array_equal(rest(observation('right_eye'), values, still=True), values)
    # A portrait has no last view: its hidden eyes rest at once.
    eyes = np.concatenate([part_controls(schema, 'left_eye'), part_controls(schema, 'right_eye')])
    still = rest(observation('left_eye', 'right_eye'), values, still=True)
    assert np.allclose(still[eyes], schema.neutral[eyes])
    assert rest(observation('mouth'), None) is None


def test_behind_her_hand_the_robot_stops_smiling(clip, schema):
    """WolfgangLanger cries behind her hand from about 2 s: the robot's mouth rests there."""
    pipe = Pipeline.from_config('feature')
    mouth = part_controls(schema, 'mouth')
    corner = [schema.index('Lip Corner Raise Left'), schema.index('Lip Corner Raise Right')]
    sent, raw, hidden = [], [], []
    with open_source(clip('WolfgangLanger_Pexels.mp4')) as src:
        for frame in src:
            if frame.index >= 150:
                break
            res = pipe.step(frame, frame.stamp + 1 / src.fps)
            sent.append(res.policy.values)
            raw.append(pipe.policy(res.observation))       # what the policy alone answers
            hidden.append('mouth' in res.observation.hidden_parts)
    pipe.close()
    sent, raw, hidden = np.array(sent), np.array(raw), np.array(hidden)
    assert hidden[100:146].all()
    free = np.setdiff1d(np.arange(len(schema)), mouth)
    assert np.allclose(sent[:, free], raw[:, free])        # her eyes (one hidden at times too:
    #                                                        it closes with the other) and head
    assert np.allclose(sent[~hidden], raw[~hidden])
    # The policy alone smiles behind her hand (from her closed eyes); the robot does not.
    assert (raw[120:146, corner] - schema.neutral[corner]).mean() > 0.05
    assert np.abs(sent[120:146, mouth] - schema.neutral[mouth]).max() < 0.3 * np.abs(
        raw[120:146, mouth] - schema.neutral[mouth]).max()
