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

"""The one-slot frame buffer and the rolling rate/latency figures used by the nodes."""

import threading
import time

import numpy as np

from ameca_imitation.io.slot import LatestSlot
from ameca_imitation.io.stats import RateLatency


def test_slot_keeps_only_the_newest_and_counts_drops():
    slot = LatestSlot()
    for i in range(5):
        slot.put(i)
    assert slot.take(timeout=0.1) == 4
    assert slot.dropped == 4
    assert slot.take(timeout=0.01) is None          # empty: times out, no stale item


def test_slot_wakes_a_waiting_consumer():
    slot = LatestSlot()
    got = []
    worker = threading.Thread(target=lambda: got.append(slot.take(timeout=2.0)))
    worker.start()
    time.sleep(0.05)
    slot.put('frame')
    worker.join(timeout=2.0)
    assert got == ['frame']


def test_rate_and_latency():
    stats = RateLatency(window=50)
    for k in range(51):
        stats.add(now=10.0 + k * 0.02, stamp=10.0 + k * 0.02 - 0.03)
    s = stats.summary()
    assert abs(s['rate_hz'] - 50.0) < 1e-6
    assert abs(s['latency_median_ms'] - 30.0) < 1e-6 and abs(s['latency_p95_ms'] - 30.0) < 1e-6
    assert np.isnan(RateLatency().summary()['rate_hz'])
