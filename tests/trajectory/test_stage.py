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

"""The trajectory stage on noisy synthetic streams and on policy outputs recorded from a real clip."""

import numpy as np
import pytest

from ameca_imitation.trajectory import TrajectoryConfig, TrajectoryStage
from ameca_imitation.trajectory.limits import limit_step

CAMERA_DT = 1 / 30


def run(stage, stamps, values, until=None, arrivals=None):
    """Feed inputs at their arrival times and tick at the robot rate; return (times, commands)."""
    arrivals = stamps if arrivals is None else arrivals
    until = until if until is not None else stamps[-1] + 0.5
    times, out, k, now = [], [], 0, 0.0
    order = np.argsort(arrivals, kind='stable')
    while now < until:
        while k < len(order) and arrivals[order[k]] <= now:
            i = order[k]
            stage.push(stamps[i], values[i], arrivals[i])
            k += 1
        out.append(stage.tick(now))
        times.append(now)
        now += stage.dt
    return np.array(times), np.array(out)


def check_safe(stage, out):
    s = stage.schema
    assert np.all(out >= s.live_min - 1e-9) and np.all(out <= s.live_max + 1e-9)
    steps = np.abs(np.diff(out, axis=0))
    assert np.all(steps <= s.max_velocity * stage.dt * (1 + 1e-9))
    accel = np.abs(np.diff(out, n=2, axis=0)) / stage.dt ** 2
    assert np.all(accel <= s.max_acceleration * (1 + 1e-6))


def high_energy(x, fs):
    x = x - x.mean(0)
    f = np.fft.rfftfreq(len(x), 1 / fs)
    return (np.abs(np.fft.rfft(x, axis=0)) ** 2)[f > 5].sum()


def test_noise_is_removed_and_limits_hold(schema):
    rng = np.random.default_rng(0)
    stage = TrajectoryStage(schema)
    t = np.arange(0, 20, CAMERA_DT)
    clean = schema.neutral + 0.15 * schema.span * np.sin(2 * np.pi * 0.4 * t)[:, None]
    noisy = schema.clamp(clean + rng.normal(0, 0.05, clean.shape) * schema.span)
    times, out = run(stage, t, noisy)
    check_safe(stage, out)
    raw = noisy[np.minimum((times / CAMERA_DT).astype(int), len(noisy) - 1)]
    reduction = 1 - high_energy(out / schema.span, 50) / high_energy(raw / schema.span, 50)
    assert reduction >= 0.8, reduction


@pytest.mark.parametrize('name', ['Lip Corner Raise Left', 'Brow Inner Right', 'Eyelid Upper Left'])
def test_step_reaches_90_percent_within_150_ms(schema, name):
    i = schema.index(name)
    stage = TrajectoryStage(schema)
    t = np.arange(0, 2, CAMERA_DT)
    values = np.tile(schema.neutral, (len(t), 1))
    target = schema.neutral[i] + 0.5 * schema.span[i] * (1 if schema.neutral[i] < 0.5 * (schema.live_min[i] + schema.live_max[i]) else -1)
    values[t >= 1.0, i] = target
    times, out = run(stage, t, values)
    check_safe(stage, out)
    moved = (out[:, i] - schema.neutral[i]) / (target - schema.neutral[i])
    t90 = times[np.argmax(moved >= 0.9)] - t[t >= 1.0][0]
    assert t90 <= 0.150, t90
    assert moved.max() <= 1.0 + 1e-6          # no overshoot


def test_keepalive_eases_to_neutral_and_resumes_smoothly(schema):
    stage = TrajectoryStage(schema)
    i = schema.index('Jaw Pitch')
    t = np.arange(0, 1, CAMERA_DT)
    values = np.tile(schema.neutral, (len(t), 1))
    values[:, i] = 0.55
    # Input stops at 1 s; it resumes at 6 s.
    t2 = np.arange(6, 7, CAMERA_DT)
    times, out = run(stage, np.concatenate([t, t2]), np.concatenate([values, values]), until=7.5)
    check_safe(stage, out)
    assert out[times < 1.0][-1, i] == pytest.approx(0.55, abs=0.02)
    assert out[(times > 2.5) & (times < 2.9), i].max() < 0.56 + 1e-9  # held until 2 s of silence
    assert stage.diagnostics.keepalive_events == 1
    assert out[(times > 5.5) & (times < 6.0), i].min() > 0.97         # eased back to closed (neutral 1)
    assert out[-1, i] == pytest.approx(0.55, abs=0.02)                  # resumed


def test_bad_inputs_never_reach_the_output(schema):
    stage = TrajectoryStage(schema)
    nan = schema.neutral.copy()
    nan[0] = np.nan
    assert not stage.push(0.0, nan, 0.0)
    assert not stage.push(0.0, schema.neutral[:10], 0.0)
    assert not stage.push_named(0.0, ['Tail Wag'], [1.0], 0.0)
    assert stage.push(1.0, schema.neutral, 1.0)
    assert not stage.push(0.5, schema.max, 1.01)                      # out of order
    assert stage.diagnostics.rejected_invalid == 3
    assert stage.diagnostics.rejected_out_of_order == 1
    far = schema.neutral + 1000.0                                      # clamped, never jumps
    assert stage.push(1.1, far, 1.1)
    out = np.array([stage.tick(1.1 + k * stage.dt) for k in range(100)])
    check_safe(stage, np.vstack([schema.neutral, out]))


def test_bursts_and_gaps(schema):
    rng = np.random.default_rng(2)
    stage = TrajectoryStage(schema)
    t = np.sort(rng.uniform(0, 5, 120))
    t = t[np.concatenate([[True], np.diff(t) > 1e-3])]
    arrivals = t.copy()
    arrivals[40:60] = arrivals[59]        # a burst: 20 frames arrive at once
    arrivals[80:] += 0.8                  # a gap of 0.8 s
    values = schema.live_min + rng.uniform(0, 1, (len(t), len(schema))) * (schema.live_max - schema.live_min)
    _, out = run(stage, t, values, arrivals=arrivals, until=7.0)
    check_safe(stage, out)


def test_recorded_policy_outputs(schema, tmp_path_factory):
    """Policy outputs of the real WolfgangLanger clip, as the offline runner records them."""
    from ameca_imitation.cli.imitate import run as imitate
    from ameca_imitation.io.media import fetch_clip
    out_dir = tmp_path_factory.mktemp('recorded')
    imitate(str(fetch_clip('WolfgangLanger_Pexels.mp4')), out_dir, max_frames=240)
    data = np.genfromtxt(out_dir / 'policy.csv', delimiter=',', skip_header=1)
    stamps, values = data[:, 0], data[:, 1:]
    stage = TrajectoryStage(schema)
    times, out = run(stage, stamps, values)
    check_safe(stage, out)
    raw = values[np.minimum(np.searchsorted(stamps, times), len(stamps) - 1)]
    assert high_energy(out / schema.span, 50) < 0.5 * high_energy(raw / schema.span, 50)


def test_limit_step_brakes_without_overshoot():
    pos, vel = np.zeros(1), np.zeros(1)
    trace = []
    for _ in range(200):
        pos, vel = limit_step(np.ones(1), pos, vel, 0.01, np.full(1, -5.0), np.full(1, 5.0),
                              np.full(1, 4.0), np.full(1, 50.0))
        trace.append(pos[0])
    assert max(trace) <= 1.0 + 1e-9 and trace[-1] == pytest.approx(1.0)


def test_config_rejects_silly_rates():
    with pytest.raises(ValueError):
        TrajectoryConfig(rate_hz=1000)
