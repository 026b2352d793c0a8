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

"""Head pose measured on twin renders whose pose is known exactly."""

import numpy as np
import pytest

from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
from ameca_imitation.face.pose import estimate_pose, euler_degrees, fit_similarity
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.face.pose import rotation


def test_euler_round_trip():
    for angles in [(10, -20, 5), (-15, 12, -8), (0, 0, 0)]:
        assert np.allclose(euler_degrees(rotation(*angles)), angles, atol=1e-9)


def test_similarity_recovers_a_known_transform():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(40, 3))
    rot = rotation(12, -7, 3)
    obs = 3.0 * ref @ rot.T + np.array([5.0, -2.0, 1.0])
    fit = fit_similarity(obs, ref)
    assert fit.scale == pytest.approx(3.0) and np.allclose(fit.rotation, rot)
    assert np.allclose(fit.to_model(obs), ref)


@pytest.mark.parametrize('pitch,yaw,roll', [(0, 15, 0), (0, -15, 0), (12, 0, 0), (-12, 0, 0),
                                            (0, 0, 8)])
def test_pose_on_twin_renders(schema, pitch, yaw, roll):
    renderer = TwinRenderer(schema)
    values = schema.neutral.copy()
    values[schema.index('Head Pitch')] = pitch
    values[schema.index('Head Yaw')] = yaw
    values[schema.index('Head Roll')] = roll
    out = renderer.render(values)
    # The twin's exact landmarks give the pose almost exactly ...
    _, exact = estimate_pose(out.landmarks)
    assert np.allclose(exact, (pitch, yaw, roll), atol=1.0)
    # ... and the landmark model's, relative to its reading of the neutral twin (it reads an
    # orthographic render with a few degrees of bias), within 6 degrees and with the right sign.
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as det:
        _, seen = estimate_pose(det.detect(out.image)[0].landmarks)
        _, rest = estimate_pose(det.detect(renderer.render(schema.neutral).image)[0].landmarks)
    change = np.subtract(seen, rest)
    assert np.allclose(change, (pitch, yaw, roll), atol=6.0), change
    big = np.argmax(np.abs([pitch, yaw, roll]))
    assert np.sign(change[big]) == np.sign([pitch, yaw, roll][big])
