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

"""Bad clocks, bad values and the actuator limits at the live-range edges."""

import copy
import logging

import numpy as np
import pytest

from ameca_imitation.trajectory import TrajectoryStage
from ameca_imitation.trajectory.limits import limit_step


def ratios(stage, out):
    """Largest |velocity| / limit and |acceleration| / limit over ``(T, N)`` commands."""
    s = stage.schema
    v = np.abs(np.diff(out, axis=0)) / stage.dt
    a = np.abs(np.diff(out, n=2, axis=0)) / stage.dt ** 2
    return float((v / s.max_velocity).max()), float((a / s.max_acceleration).max())


def assert_safe(stage, out):
    s = stage.schema
    assert np.all(np.isfinite(out))
    assert np.all(out >= s.live_min - 1e-12) and np.all(out <= s.live_max + 1e-12)
    rv, ra = ratios(stage, out)
    assert rv <= 1 + 1e-9 and ra <= 1 + 1e-9, (rv, ra)


def drive(stage, stamps, values, clock=None, start=0.0):
    """Push ``values`` at ``stamps`` (stage clock ``clock``, default the stamps), ticking between."""
    clock = stamps if clock is None else clock
    out, now = [], start
    for stamp, v, arrive in zip(stamps, values, clock):
        stage.push(stamp, v, arrive)
        while now < arrive + 1 / 30:
            out.append(stage.tick(now))
            now += stage.dt
    return np.array(out), now


def smile(schema, amount):
    v = schema.neutral.copy()
    for name in ('Lip Corner Raise Left', 'Lip Corner Raise Right'):
        i = schema.index(name)
        v[i] = schema.neutral[i] + amount * (schema.live_max[i] - schema.neutral[i])
    return v


def test_nan_stamps_and_clocks_are_rejected_and_the_stage_recovers(schema):
    stage = TrajectoryStage(schema)
    t = np.arange(0, 1, 1 / 30)
    out1, now = drive(stage, t, [smile(schema, 0.5)] * len(t))
    assert not stage.push(float('nan'), schema.neutral, now)
    assert not stage.push(now, schema.neutral, float('inf'))
    assert not stage.push(None, schema.neutral, now)
    assert stage.diagnostics.rejected_invalid == 3
    held = [stage.tick(float('nan')) for _ in range(10)]     # a broken clock: keep going safely
    assert stage.diagnostics.rejected_invalid == 13
    t2 = now + np.arange(0, 1, 1 / 30)
    out2, _ = drive(stage, t2, [smile(schema, 1.0)] * len(t2), start=now)
    out = np.vstack([out1, held, out2])
    assert_safe(stage, out)
    i = schema.index('Lip Corner Raise Left')
    assert out[-1, i] == pytest.approx(schema.live_max[i], abs=1e-3)   # follows good input again


def test_a_stamp_far_in_the_future_does_not_lock_the_stage_out(schema, caplog):
    stage = TrajectoryStage(schema)
    t = 5000 + np.arange(0, 1, 1 / 30)
    out1, now = drive(stage, t, [smile(schema, 0.3)] * len(t), clock=t - 5000)
    assert stage.push(1.7e9, smile(schema, 0.3), now)                   # one wild stamp
    t2 = t[-1] + np.arange(1, 31) / 30
    with caplog.at_level(logging.WARNING):
        out2, _ = drive(stage, t2, [smile(schema, 1.0)] * len(t2), clock=t2 - 5000, start=now)
    assert stage.diagnostics.clock_jumps == 1
    assert stage.diagnostics.accepted == len(t) + 1 + len(t2)           # nothing locked out
    assert 'jumped back' in caplog.text
    out = np.vstack([out1, out2])
    assert_safe(stage, out)
    i = schema.index('Lip Corner Raise Right')
    assert out[-1, i] > schema.neutral[i] + 0.8 * (schema.live_max[i] - schema.neutral[i])


def test_a_stage_clock_that_jumps_back_restarts_from_where_the_robot_is(schema):
    stage = TrajectoryStage(schema)
    t = np.arange(0, 1, 1 / 30)
    out1, _ = drive(stage, t, [smile(schema, 0.6)] * len(t), clock=1000 + t, start=1000)
    t2 = 1 + np.arange(0, 3, 1 / 30)                                    # clock restarted at 0
    out2, _ = drive(stage, t2, [smile(schema, 0.6)] * len(t2), clock=t2 - 1, start=0.0)
    assert stage.diagnostics.clock_jumps == 1
    assert not stage.idle                                                # no spurious keep-alive
    out = np.vstack([out1, out2])
    assert_safe(stage, out)
    i = schema.index('Lip Corner Raise Left')
    assert np.abs(out[len(out1):, i] - out[len(out1) - 1, i]).max() < 0.02   # held, no jump


def test_out_of_order_stamps_are_logged_at_a_limited_rate(schema, caplog):
    stage = TrajectoryStage(schema)
    assert stage.push(10.0, schema.neutral, 0.0)
    with caplog.at_level(logging.WARNING):
        for k in range(200):
            assert not stage.push(9.5, schema.neutral, 0.01 * k)
    assert stage.diagnostics.rejected_out_of_order == 200
    records = [r for r in caplog.records if 'out of order' in r.getMessage()]
    assert 1 <= len(records) <= 2


@pytest.mark.parametrize('bad', ['abc', None, float('nan'), [1.0]])
def test_bad_values_in_a_named_vector_are_rejected_by_name(schema, bad):
    stage = TrajectoryStage(schema)
    assert not stage.push_named(0.0, ['Jaw Pitch', 'Nose Wrinkle'], [0.8, bad], 0.0)
    assert stage.diagnostics.rejected_invalid == 1
    assert 'Nose Wrinkle' in stage.diagnostics.last_error
    assert not stage.push(0.1, ['abc'] * len(schema), 0.1)             # a raw vector of strings
    assert stage.diagnostics.rejected_invalid == 2


def test_diagnostic_level_warns_on_some_rejections_and_errs_when_all_are_rejected(schema):
    stage = TrajectoryStage(schema)
    start = copy.copy(stage.diagnostics)
    stage.push(0.0, schema.neutral, 0.0)
    assert stage.diagnostics.level_since(start) == 0
    stage.push(float('nan'), schema.neutral, 0.0)
    assert stage.diagnostics.level_since(start) == 1
    later = copy.copy(stage.diagnostics)
    stage.push(float('nan'), schema.neutral, 0.1)
    assert stage.diagnostics.level_since(later) == 2


@pytest.mark.parametrize('seed', range(4))
def test_limits_hold_exactly_for_random_inputs_and_square_waves_at_the_edges(schema, seed):
    rng = np.random.default_rng(seed)
    stage = TrajectoryStage(schema)
    t = np.arange(0, 12, 1 / 30)
    lo, hi = schema.live_min - 0.2 * schema.span, schema.live_max + 0.2 * schema.span
    square = np.where((np.floor(t * rng.uniform(0.5, 3)) % 2)[:, None] == 0, lo, hi)
    noise = lo + rng.uniform(0, 1, (len(t), len(schema))) * (hi - lo)
    values = np.where((t < 6)[:, None], square, noise)       # past the edges on purpose
    out, _ = drive(stage, t, values)
    out = np.vstack([schema.neutral, schema.neutral, out])
    rv, ra = ratios(stage, out)
    assert_safe(stage, out)
    assert ra > 0.9                                          # the limits were actually reached


def test_limit_step_decelerating_into_an_edge_keeps_the_acceleration_limit():
    low, high = np.zeros(1), np.ones(1)
    vmax, amax, dt = np.full(1, 10.0), np.full(1, 50.0), 0.02
    pos, vel, trace = np.array([0.2]), np.array([8.0]), []   # flying at the upper edge
    for _ in range(100):
        before = vel
        pos, vel = limit_step(np.array([5.0]), pos, vel, dt, low, high, vmax, amax)
        trace.append(pos[0])
        assert abs(vel[0] - before[0]) <= amax[0] * dt * (1 + 1e-9)
    assert max(trace) <= 1.0 and trace[-1] == pytest.approx(1.0)
