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

"""The default real-time path on a real 640x360 clip: landmarks + pose + features (the motion
stage alone: budget <= 10 ms/frame), then + policy + trajectory (budget >= 30 frames/s and p95
camera-to-command latency <= 50 ms). Twin rendering off.

    .venv/bin/python bench/bench_realtime.py

Two latencies are reported. ``stamp_latency``: from the camera frame's stamp to the first robot
command carrying it (processing, then the wait for the next 50 Hz tick), what the header stamps
measure in the ROS graph. ``smoothing_lag``: how far the commanded curves trail the raw policy
outputs (the lag that best aligns them), the delay the trajectory stage's filtering adds.
"""

import resource
import time

import common
import numpy as np

from ameca_imitation.capture import open_source
from ameca_imitation.io.media import fetch_clip
from ameca_imitation.pipeline import DEFAULT_PIPELINE, Pipeline


def smoothing_lag(raw_t, raw, cmd_t, cmd, max_lag=0.3):
    """Delay (s) that best aligns commanded with raw curves, by cross-correlation."""
    grid = np.arange(max(raw_t[0], cmd_t[0]) + max_lag, min(raw_t[-1], cmd_t[-1]) - max_lag, 0.005)
    scale = raw.std(0) + 1e-9
    lags = np.arange(0.0, max_lag, 0.005)
    errors = []
    for lag in lags:
        a = np.stack([np.interp(grid, raw_t, raw[:, i]) for i in range(raw.shape[1])], 1)
        b = np.stack([np.interp(grid + lag, cmd_t, cmd[:, i]) for i in range(cmd.shape[1])], 1)
        errors.append(np.mean(((a - b) / scale) ** 2))
    return float(lags[int(np.argmin(errors))])


def main():
    pipe = Pipeline.from_config(DEFAULT_PIPELINE)
    motion_ms, total_ms, stamp_ms, raw_t, raw, cmd_t, cmd = [], [], [], [], [], [], []
    tick = 1.0 / pipe.trajectory.config.rate_hz
    with open_source(fetch_clip('WolfgangLanger_Pexels.mp4')) as src:
        frames = list(src)
    start = time.perf_counter()
    for frame in frames:
        res = pipe.step(frame, frame.stamp + 1 / src.fps)
        motion_ms.append(1000 * res.latency['motion'])
        total_ms.append(1000 * res.latency['total'])
        ready = frame.stamp + res.latency['total']
        stamp_ms.append(1000 * (np.ceil(ready / tick) * tick - frame.stamp))
        if res.policy is not None:
            raw_t.append(frame.stamp)
            raw.append(res.policy.values)
        cmd_t.extend(res.command_times)
        cmd.extend(res.commands)
    wall = time.perf_counter() - start
    lag = smoothing_lag(np.array(raw_t), np.array(raw), np.array(cmd_t), np.array(cmd))
    p95 = float(np.percentile(stamp_ms, 95))
    common.report('realtime_path', {
        'frames': len(frames), 'resolution': [frames[0].image.shape[1], frames[0].image.shape[0]],
        'motion_median_ms': round(float(np.median(motion_ms)), 2),
        'path_median_ms': round(float(np.median(total_ms)), 2),
        'path_p95_ms': round(float(np.percentile(total_ms, 95)), 2),
        'p95_stamp_latency_ms': round(p95, 1),
        'frames_per_s': round(len(frames) / wall, 1),
        'trajectory_smoothing_lag_ms': round(1000 * lag, 1),
        'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})


if __name__ == '__main__':
    main()
