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
``TrajectoryStage``: from jittery policy outputs to smooth, limited commands at the robot rate.

Inputs (``push``) arrive at camera rate, with jitter and gaps. Each is validated, filtered
(One-Euro) and appended as the end of a cubic Bezier segment that starts at the previous filtered
point with the previous segment's end tangent (C1 continuity) and is played over the input
interval. ``tick`` samples the segment at the robot rate and applies the actuator limits.
Nothing waits for future samples: the added latency is one input interval plus the filter's lag.

Clocks: stamps are the camera's clock, ``now`` the stage's. Non-finite stamps or clocks are
rejected. A stamp more than ``clock_jump_s`` older than the newest accepted one (a camera restart,
a looping bag) or a stage clock that goes back by more than that is a clock jump: the stage
starts over from where the robot is, as after a gap, instead of rejecting everything after it.
"""

from dataclasses import dataclass, field
import logging

from ameca_imitation.bezier import cubic
from ameca_imitation.config import load_config
from ameca_imitation.controls import ControlError, ControlSchema
from ameca_imitation.throttled_log import ThrottledLog
from ameca_imitation.trajectory.limits import limit_step
from ameca_imitation.trajectory.one_euro import OneEuroFilter
import numpy as np

log = logging.getLogger(__name__)


@dataclass
class FilterConfig:
    min_cutoff: float = 1.5    # Hz, at rest
    beta: float = 4.0          # Hz per (range/s) of speed
    d_cutoff: float = 1.0      # Hz, for the speed estimate


@dataclass
class TrajectoryConfig:
    rate_hz: float = 50.0
    keepalive_s: float = 2.0
    neutral_speed: float = 0.25
    max_input_gap_s: float = 0.5
    segment_fraction: float = 1.0
    clock_jump_s: float = 1.0
    filters: dict[str, FilterConfig] = field(default_factory=dict)

    def __post_init__(self):
        if not 1.0 <= self.rate_hz <= 200.0:
            raise ValueError(f'rate_hz {self.rate_hz} outside 1..200')
        if not self.clock_jump_s > 0:
            raise ValueError(f'clock_jump_s {self.clock_jump_s} must be positive')
        self.filters = {k: v if isinstance(v, FilterConfig) else FilterConfig(**v)
                        for k, v in self.filters.items()}

    @classmethod
    def load(cls, path: str = 'trajectory.yaml') -> 'TrajectoryConfig':
        return load_config(cls, path)


@dataclass
class Diagnostics:
    """Counters since the stage started; ``last_error`` says why the newest rejection happened."""

    accepted: int = 0
    rejected_invalid: int = 0        # bad size, non-finite values or a non-finite stamp/clock
    rejected_out_of_order: int = 0   # older than (or as old as) the newest accepted stamp
    clock_jumps: int = 0             # restarts after a stamp or stage clock jumped back
    keepalive_events: int = 0
    last_error: str = ''

    @property
    def rejected(self) -> int:
        return self.rejected_invalid + self.rejected_out_of_order

    def level_since(self, before: 'Diagnostics') -> int:
        """
        Diagnostic level for what happened since ``before`` (an earlier copy).

        0 OK; 1 WARN: some inputs rejected or a clock jump, others accepted; 2 ERROR: inputs
        arrived and every one was rejected.
        """
        rejected = self.rejected - before.rejected
        if rejected and self.accepted == before.accepted:
            return 2
        return 1 if rejected or self.clock_jumps > before.clock_jumps else 0


class TrajectoryStage:
    """Stateful; one per robot. Native units, the schema's canonical order."""

    def __init__(self, schema: ControlSchema, config: TrajectoryConfig | None = None):
        self.schema = schema
        self.config = config or TrajectoryConfig.load()
        groups = schema.groups
        fc = [self.config.filters.get(g, FilterConfig()) for g in groups]
        self.filter = OneEuroFilter([f.min_cutoff for f in fc], [f.beta for f in fc],
                                    [f.d_cutoff for f in fc], schema.span)
        self.dt = 1.0 / self.config.rate_hz
        self.diagnostics = Diagnostics()
        self._warn = ThrottledLog(log)
        self.position = schema.neutral.copy()
        self.velocity = np.zeros(len(schema))
        self._segment = None        # (t0, duration, p0, p1, p2, p3)
        self._last_stamp = None     # stamp of the newest accepted input (camera clock)
        self._last_arrival = None   # when it arrived (stage clock)
        self._last_point = None
        self._last_tangent = np.zeros(len(schema))
        self._idle = True
        self._last_tick = None      # stage clock of the newest tick
        self._target = self.position.copy()

    # -- input ----------------------------------------------------------------------------------
    def push(self, stamp: float, values: np.ndarray, now: float) -> bool:
        """
        Accept one policy output (native values, canonical order) stamped ``stamp`` s.

        ``now`` is the stage clock. Returns False (and counts and logs why) for a vector that
        must not move the robot: wrong size, NaN/inf values, a non-finite stamp or clock, or a
        stamp at most ``clock_jump_s`` older than the newest accepted one. An older stamp is a
        clock jump and restarts the stage (see the module docstring).
        """
        try:
            values = self.schema.validate(values)
            if not (np.isfinite(stamp) and np.isfinite(now)):
                raise ControlError(f'non-finite stamp {stamp} or stage clock {now}')
        except (ControlError, TypeError) as err:
            return self._reject('invalid', f'trajectory input rejected: {err}')
        if self._last_stamp is not None and stamp <= self._last_stamp:
            if self._last_stamp - stamp <= self.config.clock_jump_s:
                return self._reject('out_of_order', f'stamp {stamp:.3f} not after '
                                    f'{self._last_stamp:.3f}: out of order, dropped')
            self._restart(f'stamp jumped back from {self._last_stamp:.3f} to {stamp:.3f}', now)
        target = self.schema.clamp(values)
        gap = None if self._last_stamp is None else stamp - self._last_stamp
        fresh = gap is None or gap > self.config.max_input_gap_s or self._idle
        if fresh:
            # Start over from where the robot is: no catch-up burst after a gap or keep-alive.
            self.filter.reset(self.position)
            dt = self.dt
            self._last_point = self.position.copy()
            self._last_tangent = np.zeros(len(self.schema))
        else:
            dt = gap
        point = self.filter(target, dt)
        duration = max(dt * self.config.segment_fraction, self.dt)
        p0 = self._last_point
        tangent = (point - p0) / duration
        # Keep C1 continuity only where it cannot overshoot: the start tangent must point the
        # same way as the segment and keep its control point between p0 and p3 (monotone).
        same_way = np.sign(self._last_tangent) == np.sign(point - p0)
        start = np.where(same_way, self._last_tangent, 0.0)
        bound = 3.0 * np.abs(point - p0) / duration
        start = np.clip(start, -bound, bound)
        p1 = p0 + start * duration / 3
        p2 = point - tangent * duration / 3
        self._segment = (now, duration, p0, p1, p2, point)
        self._last_point, self._last_tangent = point, tangent
        self._last_stamp, self._last_arrival = stamp, now
        self._idle = False
        self.diagnostics.accepted += 1
        return True

    def push_named(self, stamp: float, names, values, now: float) -> bool:
        """Like :meth:`push` for a named vector; unknown names are rejected, missing ones hold."""
        try:
            full = self.schema.from_named(names, values, fill=self._last_point
                                          if self._last_point is not None else None)
        except ControlError as err:
            return self._reject('invalid', f'trajectory input rejected: {err}')
        return self.push(stamp, full, now)

    def _reject(self, kind: str, message: str) -> bool:
        if kind == 'invalid':
            self.diagnostics.rejected_invalid += 1
        else:
            self.diagnostics.rejected_out_of_order += 1
        self.diagnostics.last_error = message
        self._warn.warning(kind, '%s', message)
        return False

    def _restart(self, why: str, now: float) -> None:
        """Forget the input history at stage time ``now``; the next input starts from here."""
        self.diagnostics.clock_jumps += 1
        self.diagnostics.last_error = why
        self._warn.warning('clock_jump', 'trajectory restarts: %s', why)
        self._last_stamp = None
        if not self._idle:
            # Hold the current command until input resumes; keep-alive counts from now.
            p = self.position.copy()
            self._segment = (now, self.dt, p, p, p, p)
            self._last_arrival = now

    # -- output ---------------------------------------------------------------------------------
    def target(self, now: float) -> np.ndarray:
        """Where the Bezier says the face should be at stage time ``now`` (before limits)."""
        if self._segment is None or self._idle:
            return self.schema.neutral
        t0, duration, p0, p1, p2, p3 = self._segment
        s = np.clip((now - t0) / duration, 0.0, 1.0)
        return cubic(p0, p1, p2, p3, [s])[0]

    def tick(self, now: float) -> np.ndarray:
        """
        One robot-rate step at stage time ``now``: returns the command (native ``(N,)``).

        Always finite and inside the live ranges. A non-finite ``now`` is counted and logged,
        and the command keeps moving towards the previous target.
        """
        vmax, amax = self.schema.max_velocity, self.schema.max_acceleration
        speed = None
        if not np.isfinite(now):
            self.diagnostics.rejected_invalid += 1
            self.diagnostics.last_error = f'non-finite stage clock {now} at a tick'
            self._warn.warning('clock', 'trajectory tick with a non-finite clock %s: '
                               'holding the previous target', now)
        else:
            if self._last_tick is not None and now < self._last_tick - self.config.clock_jump_s:
                self._restart(f'stage clock jumped back from {self._last_tick:.3f} to '
                              f'{now:.3f}', now)
            self._last_tick = now
            if not self._idle and now - self._last_arrival > self.config.keepalive_s:
                self._idle = True
                self.diagnostics.keepalive_events += 1
                log.info('no input for %.1f s: easing to neutral', self.config.keepalive_s)
            self._target = self.target(now)
        if self._idle:
            speed = vmax * self.config.neutral_speed
        self.position, self.velocity = limit_step(
            self._target, self.position, self.velocity, self.dt,
            self.schema.live_min, self.schema.live_max, vmax, amax, speed)
        return self.position.copy()

    @property
    def filtered(self) -> np.ndarray | None:
        """Return the newest input after the One-Euro filter (native ``(N,)``), or None."""
        return None if self._last_point is None else self._last_point.copy()

    @property
    def idle(self) -> bool:
        """Tell whether the stage is easing to (or resting at) neutral for lack of input."""
        return self._idle
