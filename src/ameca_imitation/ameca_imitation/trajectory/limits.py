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


def braking_speed(distance: np.ndarray, step: np.ndarray, dt: float) -> np.ndarray:
    """
    Return the largest speed from which slowing by ``step`` per tick stops within ``distance``.

    Exact for the discrete motion ``limit_step`` makes: from speed ``v`` the ticks travel
    ``dt * (v + (v - step) + (v - 2 step) + ...)`` until the speed is spent, a distance ``D(v)``
    with ``D(v) = v dt + D(v - step)``. So a control moving at most this fast towards a wall it
    may not cross (a live-range edge, or a target it must not overshoot) can always stop in time
    without exceeding the acceleration limit. ``distance >= 0``; all arrays ``(N,)``.
    """
    distance = np.maximum(distance, 0.0)
    unit = step * dt                       # D(n step) = unit * n (n + 1) / 2
    n = np.floor((np.sqrt(1.0 + 8.0 * distance / unit) - 1.0) / 2.0)
    return distance / (dt * (n + 1.0)) + step * n / 2.0


def limit_step(target: np.ndarray, position: np.ndarray, velocity: np.ndarray, dt: float,
               low: np.ndarray, high: np.ndarray, vmax: np.ndarray, amax: np.ndarray,
               speed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """
    Move ``position`` towards ``target`` for one tick of ``dt`` s within every limit.

    The speed never exceeds ``vmax`` and changes by at most ``amax * dt`` per tick; it is also
    capped by the braking speed towards the target (no overshoot) and towards both live-range
    edges, so the position never needs clipping and both limits hold exactly, edges included.
    ``speed`` (<= ``vmax``) caps only the wanted speed (easing to neutral): a control moving
    faster slows down within the acceleration limit. All arrays ``(N,)``, native units, with
    ``position`` in ``[low, high]`` and ``|velocity| <= vmax``. Returns ``(position, velocity)``.
    """
    target = np.clip(target, low, high)
    error = target - position
    step = amax * dt
    cap = vmax if speed is None else np.minimum(speed, vmax)
    wanted = np.sign(error) * np.minimum(np.minimum(np.abs(error) / dt, cap),
                                         braking_speed(np.abs(error), step, dt))
    lowest = np.maximum.reduce([velocity - step, -vmax,
                                -braking_speed(position - low, step, dt)])
    highest = np.minimum.reduce([velocity + step, vmax,
                                 braking_speed(high - position, step, dt)])
    v = np.clip(wanted, lowest, np.maximum(lowest, highest))
    new = np.clip(position + v * dt, low, high)   # rounding only: v already keeps it inside
    return new, (new - position) / dt
