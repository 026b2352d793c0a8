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

import numpy as np
import pytest

from ameca_imitation.bezier import ease
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import Clip, ExpressionLibrary, random_clip


def test_ease_is_monotonic_with_flat_ends():
    u = np.linspace(0, 1, 201)
    y = ease(u)
    assert y[0] == pytest.approx(0) and y[-1] == pytest.approx(1)
    assert np.all(np.diff(y) >= -1e-12)
    assert (y[1] - y[0]) < 0.2 * (u[1] - u[0]) * 10    # gentle start
    assert ease(np.array(0.5)) == pytest.approx(0.5, abs=1e-6)


def test_clip_hits_keyframes_and_eases_between(schema):
    a, b = schema.neutral.copy(), schema.neutral.copy()
    b[schema.index('Jaw Pitch')] = 0.5
    clip = Clip(np.array([0.0, 1.0]), np.stack([a, b]))
    frames = clip.frames(30)
    assert frames.shape == (31, len(schema))
    jaw = frames[:, schema.index('Jaw Pitch')]
    assert jaw[0] == pytest.approx(1.0) and jaw[-1] == pytest.approx(0.5)
    assert np.all(np.diff(jaw) <= 1e-12)
    # Eased: the first step is much smaller than the middle one.
    assert abs(jaw[1] - jaw[0]) < 0.25 * abs(jaw[16] - jaw[15])


def test_bad_keyframes_are_refused(schema):
    with pytest.raises(ValueError):
        Clip(np.array([0.0, 0.0]), np.stack([schema.neutral] * 2))


def test_library_has_the_expressions_and_clips(schema):
    lib = ExpressionLibrary(schema)
    for name in ('neutral', 'happy', 'sad', 'surprise', 'fear', 'anger', 'disgust', 'blink'):
        assert name in lib.poses
    for name in ('blink', 'talk', 'gaze_sweep', 'head_turns'):
        assert name in lib.clips
    happy = lib.poses['happy']
    assert happy[schema.index('Lip Corner Raise Left')] > schema.neutral[schema.index('Lip Corner Raise Left')]
    assert np.all(happy >= schema.live_min) and np.all(happy <= schema.live_max)


def test_random_clips_are_reproducible_and_inside_limits(schema):
    lib = ExpressionLibrary(schema)
    one = random_clip(schema, np.random.default_rng(3), library=lib).frames(25)
    two = random_clip(schema, np.random.default_rng(3), library=lib).frames(25)
    assert np.array_equal(one, two)
    assert np.all(one >= schema.live_min - 1e-9) and np.all(one <= schema.live_max + 1e-9)
    assert one.std(0).min() > 0       # every control moves


def test_library_poses_are_symmetric_on_the_twin(schema):
    """Each pose moves a Left/Right pair alike, although the table's neutrals differ per side."""
    rig = TwinRenderer(schema).rig
    for name, values in ExpressionLibrary(schema).poses.items():
        coef = rig.coefficients(values).reshape(-1, 2)               # (N, [above, below])
        for i, control in enumerate(schema.names):
            if 'Left' in control and not control.startswith('Eyelid'):
                j = schema.names.index(control.replace('Left', 'Right'))
                assert np.abs(coef[i] - coef[j]).max() < 0.02, (name, control, coef[i], coef[j])
