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

"""The mesh transfer on twin renders of known controls, seen by the real landmark model."""

import numpy as np
import pytest

from ameca_imitation.face.motion import MotionStage
from ameca_imitation.face.pose import estimate_pose
from ameca_imitation.policy.mesh_transfer import MeshTransferPolicy, VERTICES
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import Frame


@pytest.fixture(scope='module')
def setting(schema):
    policy = MeshTransferPolicy(schema)
    twin = TwinRenderer(schema)
    stage = MotionStage()
    neutral = twin.render(schema.neutral).image
    assert stage.calibrate_on(neutral)
    # The neutral is seen as the poses are, tracking: mediapipe's still and tracking modes differ
    # around the eyes and brows by as much as a small expression.
    for _ in range(2):
        rest, _ = stage.process(Frame(neutral, 0.0, 0))
    fit, _ = estimate_pose(rest.landmarks)
    twin_shape = fit.to_model(rest.landmarks[:VERTICES].astype(np.float64))

    def solve(**controls):
        values = schema.neutral.copy()
        for name, value in controls.items():
            values[schema.index(name.replace('_', ' '))] = value
        obs, _ = stage.process(Frame(twin.render(values).image, 0.0, 0))
        policy.reset()
        policy.neutral_shape = twin_shape          # the twin's own neutral, as seen
        return policy(obs)
    yield solve
    stage.close()


def test_the_twins_own_motions_come_back(schema, setting):
    jaw, lid, corner = (schema.index(n) for n in ('Jaw Pitch', 'Eyelid Upper Left',
                                                  'Lip Corner Raise Left'))
    rest = setting()
    half, wide = setting(Jaw_Pitch=0.75)[jaw], setting(Jaw_Pitch=0.6)[jaw]
    assert rest[jaw] > half > wide and wide < 0.75
    assert abs(wide - 0.6) < 0.1
    shut = setting(Eyelid_Upper_Left=-0.5, Eyelid_Upper_Right=-0.5)[lid]
    assert shut < rest[lid] - 0.4
    smile = setting(Lip_Corner_Raise_Left=1.0, Lip_Corner_Raise_Right=1.0)[corner]
    assert smile > rest[corner] + 0.25
    # At rest the face stays near neutral (no control moves by more than a tenth of its range).
    face = [i for i, n in enumerate(schema.names) if not n.startswith(('Head', 'Neck', 'Gaze'))]
    assert np.abs((rest - schema.neutral) / schema.span)[face].max() < 0.1


def test_a_face_less_frame_gives_nothing(schema):
    from ameca_imitation.types import FaceObservation
    assert MeshTransferPolicy(schema)(FaceObservation.no_face(0.0)) is None
