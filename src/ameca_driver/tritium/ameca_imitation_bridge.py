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

CurveZMQ: when the PC sets ``AMECA_ZMQ_SERVER_SECRET`` (or ``..._FILE``), set
``SERVER_PUBLIC_KEY`` to the server's public key and ``CLIENT_SECRET_KEY`` to a client secret
key (``ameca-zmq-keys DIR`` on the PC writes both pairs and prints the two lines to paste here).
Keys are never logged. A handshake that fails, or no data for ``NO_DATA_WARN_S``, is logged.

Wire format (from the PC): one frame, the JSON text ``[stamp, v0, ..., v29]``, the 30 controls
in the canonical order below, already clamped; tritium-remote's channel carries the same text.
This script clamps again, conflates (only the newest vector is kept), drops vectors stamped
before the newest one it applied (a stamp more than ``CLOCK_JUMP_S`` older is a restart of the
PC side and is taken), never blocks in its tick, and eases the face to neutral when nothing
arrived for ``KEEPALIVE_S`` seconds, as Engineered Arts' own face-mimicry script does.

Everything above the ``Tritium`` section runs without Tritium (tests import it on a PC).
"""

import json
import logging
import math
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

PUBLISHER = 'tcp://127.0.0.1:5555'
SERVER_PUBLIC_KEY = ''      # Z85, 40 characters: the PC's public key ('' = no encryption)
CLIENT_SECRET_KEY = ''      # Z85, 40 characters: this script's secret key (with the above)
TICK_FPS = 50
KEEPALIVE_S = 2.0
NO_DATA_WARN_S = 5.0        # say so when nothing arrived for this long
CLOCK_JUMP_S = 1.0          # a stamp this much older than the newest applied: PC side restarted
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


log = logging.getLogger('ameca_imitation_bridge')


class BridgeLogic:
    """Receives vectors without blocking and decides the demand for each tick."""

    def __init__(self, address=PUBLISHER, context=None, keepalive_s=KEEPALIVE_S,
                 server_public_key=SERVER_PUBLIC_KEY, client_secret_key=CLIENT_SECRET_KEY):
        self.neutral = [c[2] for c in CONTROLS]
        self.low = [c[3] for c in CONTROLS]
        self.high = [c[4] for c in CONTROLS]
        self.address = address
        self.keepalive_s = keepalive_s
        self.demand = list(self.neutral)
        self.last_rx = None
        self.last_stamp = None
        self.received = 0
        self.rejected = 0
        self.stale = 0
        self.failed_handshakes = 0
        self._started = None
        self._warned = {}
        self._context = context or zmq.Context.instance()
        self.socket = self._context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.CONFLATE, 1)   # only the newest vector waits
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.SUBSCRIBE, b'')
        if server_public_key or client_secret_key:
            self._use_curve(server_public_key, client_secret_key)
        self._monitor = self.socket.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_AUTH
            | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        self.socket.connect(address)

    def _use_curve(self, server_public_key, client_secret_key):
        keys = {'SERVER_PUBLIC_KEY': server_public_key, 'CLIENT_SECRET_KEY': client_secret_key}
        for name, key in keys.items():
            if not isinstance(key, str) or len(key.strip()) != 40:
                self.socket.close()
                raise ValueError(f'{name} must be a Z85 CurveZMQ key of 40 characters '
                                 '(set both keys or neither)')
        secret = client_secret_key.strip().encode()
        try:
            public = zmq.curve_public(secret)
        except (zmq.ZMQError, ValueError):
            self.socket.close()
            raise ValueError('CLIENT_SECRET_KEY is not a Z85 CurveZMQ secret key') from None
        self.socket.curve_serverkey = server_public_key.strip().encode()
        self.socket.curve_secretkey = secret
        self.socket.curve_publickey = public

    def _warn(self, kind, now, message, *args):
        """Log ``message`` at most once per ``NO_DATA_WARN_S`` per kind."""
        if now - self._warned.get(kind, -math.inf) >= NO_DATA_WARN_S:
            self._warned[kind] = now
            log.warning(message, *args)

    def parse(self, message):
        """JSON text ``[stamp, v0..v29]`` (str or bytes) -> (stamp, clamped values), or None."""
        try:
            parts = json.loads(message)
            stamp = float(parts[0])
            values = [float(v) for v in parts[1:]]
        except (ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError):
            return None
        if len(values) != len(CONTROLS) or not all(math.isfinite(v) for v in values + [stamp]):
            return None
        return stamp, [min(max(v, lo), hi) for v, lo, hi in zip(values, self.low, self.high)]

    def on_channel_message(self, message, now):
        """
        Apply one JSON text vector: from the ZeroMQ socket, or posted with tritium-remote.

        Malformed vectors are counted in ``rejected``; vectors stamped at or before the newest
        applied one (by at most ``CLOCK_JUMP_S``) in ``stale``.
        """
        parsed = self.parse(message)
        if parsed is None:
            self.rejected += 1
            return
        stamp, values = parsed
        last = self.last_stamp
        if last is not None and stamp <= last and last - stamp <= CLOCK_JUMP_S:
            self.stale += 1
            return
        self.demand, self.last_stamp, self.last_rx = values, stamp, now
        self.received += 1

    def poll(self, now):
        """Read the newest vector, apply it, or ease to neutral when idle; never blocks."""
        if self._started is None:
            self._started = now
        while self._monitor.poll(0):
            recv_monitor_message(self._monitor)
            self.failed_handshakes += 1
            self._warn('handshake', now, 'handshake with %s failed: check SERVER_PUBLIC_KEY '
                       'and CLIENT_SECRET_KEY against the keys of the PC', self.address)
        try:
            message = self.socket.recv(flags=zmq.NOBLOCK)
        except zmq.Again:
            message = None
        if message is not None:
            self.on_channel_message(message, now)
        if self.last_rx is None or now - self.last_rx > self.keepalive_s:
            self.demand = [d + (n - d) * EASE_FRACTION for d, n in zip(self.demand, self.neutral)]
            self.last_stamp = None     # after a rest, whatever the PC sends next is taken
        since = self._started if self.last_rx is None else self.last_rx
        if now - since > NO_DATA_WARN_S:
            self._warn('no_data', now, 'no data from %s for %.0f s: check PUBLISHER, that the '
                       'driver runs, and the keys', self.address, now - since)
        return self.demand

    def close(self):
        self.socket.disable_monitor()
        self._monitor.close()
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
