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

"""The driver's keep-alive: silence eases the face to neutral within the limits, never before."""

from ameca_imitation.controls import ControlSchema
from ameca_imitation.driver import CommandWatchdog
import numpy as np


def test_silence_eases_to_neutral_within_limits():
    schema = ControlSchema.default()
    dog = CommandWatchdog(schema, timeout_s=0.25, rate_hz=50.0)
    assert dog.tick(10.0) is None                       # nothing commanded yet: nothing to do
    smile = schema.clamp(schema.neutral + 0.4 * (schema.live_max - schema.neutral))
    t = 0.0
    for k in range(10):                                 # moving towards the smile
        dog.command(t, schema.neutral + (smile - schema.neutral) * (k + 1) / 10)
        t += 0.02
        assert dog.tick(t) is None                      # fresh commands: the driver forwards
    path = [dog.position.copy()]
    t += 0.25
    while (step := dog.tick(t)) is not None:
        path.append(step)
        t += 0.02
        assert len(path) < 5000
    path = np.array(path)
    assert dog.events == 1
    np.testing.assert_allclose(path[-1], schema.neutral, atol=1e-9)
    velocity = np.diff(path, axis=0) * 50.0
    assert (np.abs(velocity) <= schema.max_velocity + 1e-9).all()
    assert (np.abs(np.diff(velocity, axis=0)) * 50.0 <= schema.max_acceleration + 1e-6).all()
    assert (path >= schema.live_min - 1e-9).all() and (path <= schema.live_max + 1e-9).all()
    dog.command(t, smile)                                # commands again: easing ends
    assert dog.tick(t + 0.1) is None and not dog.easing
