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

"""Rolling rate and latency figures for diagnostics (nodes) and reports (offline runner)."""

from collections import deque

import numpy as np


class RateLatency:
    """Keeps the last ``window`` events: when they happened and how late they were (s)."""

    def __init__(self, window: int = 200):
        self._times = deque(maxlen=window)
        self._latency = deque(maxlen=window)

    def add(self, now: float, stamp: float | None = None) -> None:
        self._times.append(now)
        if stamp is not None:
            self._latency.append(now - stamp)

    def summary(self) -> dict[str, float]:
        """``rate_hz``, ``latency_median_ms`` and ``latency_p95_ms`` (NaN when unknown)."""
        t = np.array(self._times)
        rate = (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else float('nan')
        lat = np.array(self._latency) * 1000
        return {'rate_hz': float(rate),
                'latency_median_ms': float(np.median(lat)) if len(lat) else float('nan'),
                'latency_p95_ms': float(np.percentile(lat, 95)) if len(lat) else float('nan')}
