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

"""The driver's own keep-alive: when commands stop coming, ease the face to neutral."""

from ameca_imitation.controls import ControlSchema
from ameca_imitation.trajectory.limits import limit_step
import numpy as np


class CommandWatchdog:
    """
    Follow the commands a driver sends; ease to neutral once none has come for ``timeout_s``.

    The easing steps keep every actuator limit and move at ``neutral_speed`` of each control's
    velocity limit, like the trajectory stage's own easing.
    The trajectory stage sends at the robot rate even when the person is gone, so a silence
    here means the stage itself is gone (crashed, killed, or its machine is off the network):
    without this the robot would hold its last expression. Native units, canonical order.
    """

    def __init__(self, schema: ControlSchema, timeout_s: float = 0.25, rate_hz: float = 50.0,
                 neutral_speed: float = 0.25):
        self.schema = schema
        self.timeout_s = timeout_s
        self.dt = 1.0 / rate_hz
        self.neutral_speed = neutral_speed
        self.events = 0                 # times the commands stopped and easing began
        self.reset()

    def reset(self) -> None:
        """Forget everything (on activation): nothing is eased before a command has come."""
        self.position = None
        self.velocity = np.zeros(len(self.schema))
        self._last_command = None       # monotonic time of the newest command
        self.easing = False

    def command(self, now: float, values: np.ndarray) -> None:
        """Note a command sent at monotonic time ``now`` (s): ``values`` native ``(N,)``."""
        if self.position is not None and self._last_command is not None:
            dt = now - self._last_command
            if dt > 0:
                self.velocity = np.clip((values - self.position) / dt,
                                        -self.schema.max_velocity, self.schema.max_velocity)
        self.position = np.asarray(values, dtype=float).copy()
        self._last_command = now
        self.easing = False

    def tick(self, now: float) -> np.ndarray | None:
        """Return the next vector to send while easing, or None (commands are fresh, or rest)."""
        if self._last_command is None or now - self._last_command < self.timeout_s:
            return None
        if not self.easing:
            self.easing = True
            self.events += 1
        at_rest = (np.allclose(self.position, self.schema.neutral, atol=1e-9)
                   and not self.velocity.any())
        if at_rest:
            return None
        vmax = self.schema.max_velocity
        self.position, self.velocity = limit_step(
            self.schema.neutral, self.position, self.velocity, self.dt, self.schema.live_min,
            self.schema.live_max, vmax, self.schema.max_acceleration, vmax * self.neutral_speed)
        return self.position.copy()
