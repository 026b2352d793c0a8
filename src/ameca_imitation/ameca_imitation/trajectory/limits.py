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

"""Actuator limits: position, velocity and acceleration, as pure functions."""

import numpy as np


def limit_step(target: np.ndarray, position: np.ndarray, velocity: np.ndarray, dt: float,
               low: np.ndarray, high: np.ndarray, vmax: np.ndarray,
               amax: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """
    Move ``position`` towards ``target`` for one tick of ``dt`` s within every limit.

    The commanded speed never exceeds ``vmax``, changes by at most ``amax * dt`` per tick, and
    is capped by the discrete-time braking speed so the control can stop in time: it arrives
    without overshoot. All arrays ``(N,)``, native units. Returns the new ``(position, velocity)``.
    """
    target = np.clip(target, low, high)
    error = target - position
    step = amax * dt
    brake = np.sqrt(2.0 * amax * np.abs(error) + (step / 2) ** 2) - step / 2
    wanted = np.sign(error) * np.minimum(np.minimum(np.abs(error) / dt, vmax), brake)
    v = np.clip(wanted, velocity - step, velocity + step)
    v = np.clip(v, -vmax, vmax)
    new = np.clip(position + v * dt, low, high)
    return new, (new - position) / dt
