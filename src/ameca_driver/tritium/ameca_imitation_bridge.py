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
Ameca imitation bridge: a Tritium activity that applies control vectors sent over ZeroMQ.

Install on the robot: copy this file into Tritium's script IDE (e.g. as
``Scripts/ameca_imitation_bridge.py``), set ``PUBLISHER`` to the address of the PC running the
driver node (``tcp://<pc-ip>:5555``), stop competing behaviours (look-at, lipsync, the default
controller) or rely on the VERY_HIGH bid below, and start the activity. The PC side is the
``zmq`` backend of ``ameca_driver`` (``ros2 launch ... driver:=zmq``).

Wire format (from the PC): multipart ``[stamp, v0, ..., v29]``, UTF-8 decimal strings, the 30
controls in the canonical order below, already clamped. This script clamps again, keeps only the
newest vector, never blocks in its tick, and eases the face to neutral when nothing arrived for
``KEEPALIVE_S`` seconds, as Engineered Arts' own face-mimicry script does.

Everything above the ``Tritium`` section runs without Tritium (tests import it on a PC).
"""

import json
import math
import time

import zmq

PUBLISHER = 'tcp://127.0.0.1:5555'
TICK_FPS = 50
KEEPALIVE_S = 2.0
EASE_FRACTION = 0.05        # share of the remaining distance to neutral covered per tick
CHANNEL = 'ameca_imitation'  # tritium-remote's post_message channel (the other transport)

# (name, Tritium namespace or None for a direct motor, neutral, live min, live max)
CONTROLS = [
    ('Brow Inner Left', 'Mesmer Brows 1', 0.6, 0.0, 1.0),
    ('Brow Inner Right', 'Mesmer Brows 1', 0.68, 0.0, 1.0),
    ('Brow Outer Left', 'Mesmer Brows 1', 0.65, 0.0, 1.0),
    ('Brow Outer Right', 'Mesmer Brows 1', 0.53, 0.0, 1.0),
    ('Eyelid Lower Left', 'Mesmer Eyelids 1', 1.0, -1.0, 2.0),
    ('Eyelid Lower Right', 'Mesmer Eyelids 1', 1.0, -1.0, 2.0),
    ('Eyelid Upper Left', 'Mesmer Eyelids 1', 1.0, -1.0, 2.0),
    ('Eyelid Upper Right', 'Mesmer Eyelids 1', 1.0, -1.0, 2.0),
    ('Gaze Target Phi', 'Mesmer Gaze 1', 0.0, -130.0, 130.0),
    ('Gaze Target Theta', 'Mesmer Gaze 1', 0.0, -60.0, 60.0),
    ('Head Pitch', 'Mesmer Neck 1', 0.0, -20.0, 20.0),
    ('Head Roll', 'Mesmer Neck 1', 0.0, -10.0, 10.0),
    ('Head Yaw', 'Mesmer Neck 1', 0.0, -20.0, 20.0),
    ('Jaw Pitch', None, 1.0, 0.5, 1.0),
    ('Jaw Yaw', 'Mesmer Mouth 2', 0.5, 0.0, 1.0),
    ('Lip Bottom Curl', None, 0.46, 0.0, 1.0),
    ('Lip Bottom Depress Left', None, 0.56, 0.0, 1.0),
    ('Lip Bottom Depress Middle', None, 0.43, 0.0, 1.0),
    ('Lip Bottom Depress Right', None, 0.54, 0.0, 1.0),
    ('Lip Corner Raise Left', None, 0.47, 0.0, 1.0),
    ('Lip Corner Raise Right', None, 0.62, 0.0, 1.0),
    ('Lip Corner Stretch Left', None, 0.64, 0.0, 1.0),
    ('Lip Corner Stretch Right', None, 0.31, 0.0, 1.0),
    ('Lip Top Curl', None, 0.41, 0.0, 1.0),
    ('Lip Top Raise Left', None, 0.48, 0.0, 1.0),
    ('Lip Top Raise Middle', None, 0.3, 0.0, 1.0),
    ('Lip Top Raise Right', None, 0.45, 0.0, 1.0),
    ('Neck Pitch', 'Mesmer Neck 1', 0.0, -20.0, 20.0),
    ('Neck Roll', 'Mesmer Neck 1', 0.0, -12.0, 12.0),
    ('Nose Wrinkle', 'Mesmer Nose 1', 0.0, 0.0, 1.0),
]
FACE_GROUPS = [
    'Control/Direct Motors/Lip Motors', 'Control/Direct Motors/Mouth Motors',
    'Control/Mesmer Mouth 2', 'Control/Mesmer Eyelids 1', 'Control/Mesmer Neck 1',
    'Control/Mesmer Brows 1', 'Control/Mesmer Gaze 1', 'Control/Mesmer Nose 1',
]


class BridgeLogic:
    """Receives vectors without blocking and decides the demand for each tick."""

    def __init__(self, address=PUBLISHER, context=None, keepalive_s=KEEPALIVE_S):
        self.neutral = [c[2] for c in CONTROLS]
        self.low = [c[3] for c in CONTROLS]
        self.high = [c[4] for c in CONTROLS]
        self.keepalive_s = keepalive_s
        self.demand = list(self.neutral)
        self.last_rx = None
        self.received = 0
        self.rejected = 0
        self._context = context or zmq.Context.instance()
        self.socket = self._context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.RCVHWM, 100)   # bounded; drained every tick
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.SUBSCRIBE, b'')
        self.socket.connect(address)

    def parse(self, parts):
        """``[stamp, v0..v29]`` bytes -> clamped values, or None if malformed."""
        if len(parts) != len(CONTROLS) + 1:
            return None
        try:
            values = [float(p.decode('utf-8')) for p in parts[1:]]
        except (UnicodeDecodeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in values):
            return None
        return [min(max(v, lo), hi) for v, lo, hi in zip(values, self.low, self.high)]

    def on_channel_message(self, message, now):
        """Apply a vector posted with tritium-remote: JSON ``[stamp, v0, ..., v29]``."""
        try:
            parts = [str(v).encode('utf-8') for v in json.loads(message)]
        except (ValueError, TypeError):
            parts = []
        values = self.parse(parts)
        if values is None:
            self.rejected += 1
            return
        self.demand = values
        self.last_rx = now
        self.received += 1

    def poll(self, now):
        """Drain the socket, apply the newest good vector, or ease to neutral when idle."""
        newest = None
        while True:
            try:
                parts = self.socket.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                break
            values = self.parse(parts)
            if values is None:
                self.rejected += 1
            else:
                newest = values
        if newest is not None:
            self.demand = newest
            self.last_rx = now
            self.received += 1
        elif self.last_rx is None or now - self.last_rx > self.keepalive_s:
            self.demand = [d + (n - d) * EASE_FRACTION for d, n in zip(self.demand, self.neutral)]
        return self.demand

    def close(self):
        self.socket.close()


# -- Tritium ---------------------------------------------------------------------------------
# Only this part touches Tritium's API; it is defined only where Tritium provides `system`.
try:
    system  # noqa: B018 - provided by Tritium's script runtime
except NameError:
    system = None

if system is not None:  # pragma: no cover - runs on the robot only
    from tritium.arbitration import BidType, Precedence  # noqa: I100

    class Activity:
        def on_start(self):
            self.bridge = BridgeLogic(PUBLISHER)
            self.controls = [system.control(name, namespace, ['demand'])
                             for name, namespace, *_ in CONTROLS]
            self.bid = system.arbitration.make_bid(
                specifiers=FACE_GROUPS, precedence=Precedence.VERY_HIGH,
                bid_type=BidType.ON_DEMAND)

        @system.tick(fps=TICK_FPS)
        def on_tick(self):
            values = self.bridge.poll(time.monotonic())
            with self.bid.use():
                for control, value in zip(self.controls, values):
                    control.demand = value

        def on_message(self, channel, message):
            if channel == CHANNEL:
                self.bridge.on_channel_message(message, time.monotonic())

        def on_stop(self):
            self.bridge.close()
