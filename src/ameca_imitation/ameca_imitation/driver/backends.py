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

"""Driver backends: ``twin`` renders the virtual Ameca, ``zmq`` publishes to the Tritium bridge."""

import json
import logging
import os
from pathlib import Path
import time

from ameca_imitation.driver.base import Driver, DriverConfigError
from ameca_imitation.throttled_log import ThrottledLog
import numpy as np

log = logging.getLogger(__name__)


class TwinDriver(Driver):
    """
    The virtual Ameca: ``last_image`` is the face of the newest command, rendered when read.

    Rendering only on demand keeps a 50 Hz command stream cheap when nobody looks, or when a
    viewer wants a display rate, not the command rate.
    """

    def __init__(self, schema, size: int = 256, renderer=None):
        super().__init__(schema)
        self.size = size
        self.renderer = renderer
        self._image = None
        self._rendered = None           # the values self._image shows

    def _open(self):
        if self.renderer is None:
            from ameca_imitation.twin import TwinRenderer
            self.renderer = TwinRenderer(self.schema, size=self.size)

    @property
    def last_image(self):
        """Return the render of the newest command ``(S, S, 3)`` uint8 RGB, or None."""
        if self.last_sent is None:
            return None
        if self._rendered is not self.last_sent:
            self._image = self.renderer.render(self.last_sent).image
            self._rendered = self.last_sent
        return self._image

    def _write(self, stamp, values):
        pass

    def _close(self):
        pass


def _read_secret(env: str, file_env: str) -> str | None:
    """Read a key or token from ``$env`` or the file named by ``$file_env``; never logged."""
    if os.environ.get(env):
        return os.environ[env].strip()
    if os.environ.get(file_env):
        path = Path(os.environ[file_env])
        try:
            return path.read_text(encoding='utf-8').strip()
        except OSError as err:
            raise DriverConfigError(f'{file_env}: cannot read {str(path)!r} ({err.strerror})') \
                from None
    return None


class ZmqDriver(Driver):
    """
    Publish each vector over ZeroMQ PUB to the Tritium bridge script.

    A vector is one frame, the JSON text ``[stamp, v0, ..., v29]`` (canonical order, already
    clamped), the same message the ``tritium_remote`` channel carries.

    The bridge's SUB conflates (``ZMQ_CONFLATE``): its I/O thread keeps reading and only the
    newest vector waits, so a bridge whose tick stalls gets the newest vector, never a
    backlog. CurveZMQ encryption is on when ``AMECA_ZMQ_SERVER_SECRET`` (or the file named by
    ``AMECA_ZMQ_SERVER_SECRET_FILE``)
    holds the server's Z85 secret key (``ameca-zmq-keys`` makes the key pairs); the bridge then
    needs the server's public key and a client key pair. The socket is monitored: a subscriber
    that fails the handshake (keys that do not match) and ``warn_after_s`` without any subscriber
    are logged, rate-limited. Keys are never logged.
    """

    def __init__(self, schema, bind: str = 'tcp://127.0.0.1:5555', warn_after_s: float = 5.0):
        super().__init__(schema)
        self.bind = bind
        self.warn_after_s = warn_after_s
        self.subscribers = 0          # handshakes completed minus disconnections
        self.failed_handshakes = 0
        self._socket = None
        self._monitor = None
        self._opened = None
        self._warn = ThrottledLog(log, period_s=max(warn_after_s, 1.0))

    def _open(self):
        import zmq
        secret = _read_secret('AMECA_ZMQ_SERVER_SECRET', 'AMECA_ZMQ_SERVER_SECRET_FILE')
        context = zmq.Context.instance()
        sock = context.socket(zmq.PUB)
        sock.setsockopt(zmq.SNDHWM, 100)   # bounded; the bridge's SUB conflates what arrives
        sock.setsockopt(zmq.LINGER, 200)
        if secret:
            try:
                public = zmq.curve_public(secret.encode())
            except (zmq.ZMQError, ValueError):
                sock.close()
                raise DriverConfigError(
                    'AMECA_ZMQ_SERVER_SECRET is not a Z85 CurveZMQ secret key (40 characters); '
                    'make key pairs with `ameca-zmq-keys DIR`') from None
            sock.curve_secretkey = secret.encode()
            sock.curve_publickey = public
            sock.curve_server = True
            log.info('zmq driver: CurveZMQ encryption on')
        self._monitor = sock.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED
            | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.EVENT_HANDSHAKE_FAILED_AUTH
            | zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        try:
            sock.bind(self.bind)
        except zmq.ZMQError as err:
            self._monitor.close()
            sock.close()
            raise DriverConfigError(f'zmq driver cannot bind {self.bind!r}: {err}') from None
        self._socket = sock
        self._opened = time.monotonic()
        self.subscribers = self.failed_handshakes = 0
        log.info('zmq driver publishing on %s', self.bind)

    def _watch(self) -> None:
        """Read the socket's monitor events (never blocks) and say what a user must fix."""
        import zmq
        from zmq.utils.monitor import recv_monitor_message
        while self._monitor.poll(0):
            event = recv_monitor_message(self._monitor)['event']
            if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                self.subscribers += 1
                log.info('zmq driver: a subscriber connected to %s', self.bind)
            elif event == zmq.EVENT_DISCONNECTED:
                self.subscribers = max(self.subscribers - 1, 0)
            else:
                self.failed_handshakes += 1
                self._warn.warning('handshake', 'zmq driver: a subscriber failed the handshake '
                                   'on %s: its keys do not match this server (or one side '
                                   'has CurveZMQ off)', self.bind)
        if self.subscribers == 0 and time.monotonic() - self._opened > self.warn_after_s:
            self._warn.warning('alone', 'zmq driver: no subscriber has connected to %s for '
                               '%.0f s: is the bridge running with this address, and (with '
                               'CurveZMQ) the public key of this server?', self.bind,
                               time.monotonic() - self._opened)

    def _write(self, stamp, values):
        import zmq
        self._watch()
        try:
            self._socket.send(encode_json(stamp, values).encode(), flags=zmq.NOBLOCK)
        except zmq.Again:
            log.debug('zmq driver: dropped a vector (no room); the next one supersedes it')

    def _close(self):
        if self._socket is not None:
            self._socket.disable_monitor()
            self._monitor.close()
            self._socket.close()
            self._socket = self._monitor = None


class TritiumRemoteDriver(Driver):
    """
    Posts vectors to a channel of a Tritium script with Engineered Arts' ``tritium-remote``.

    Optional (``pip install tritium-remote``); WebSocket to ``ws://<robot>:1234``, unencrypted:
    LAN only. The token comes from ``TRITIUM_AUTH_TOKEN`` or the file named by
    ``TRITIUM_AUTH_TOKEN_FILE`` and is never logged. The bridge script applies messages of its
    channel like the ZeroMQ ones. Each send is a network round trip: prefer ``zmq`` for 50 Hz.
    """

    def __init__(self, schema, host: str = '127.0.0.1', channel: str = 'ameca_imitation'):
        super().__init__(schema)
        self.host, self.channel = host, channel
        self._robot = None

    def _open(self):
        try:
            import tritium_remote
        except ImportError as err:
            raise ImportError('the tritium_remote backend needs `pip install tritium-remote`') \
                from err
        token = _read_secret('TRITIUM_AUTH_TOKEN', 'TRITIUM_AUTH_TOKEN_FILE')
        if not token:
            raise RuntimeError('set TRITIUM_AUTH_TOKEN or TRITIUM_AUTH_TOKEN_FILE for the '
                               'tritium_remote backend')
        self._robot = tritium_remote.connect(f'ws://{self.host}:1234', token)
        log.info('tritium_remote driver connected to %s, channel %r', self.host, self.channel)

    def _write(self, stamp, values):
        self._robot.post_message(self.channel, encode_json(stamp, values))

    def _close(self):
        self._robot = None


BACKENDS = {'twin': TwinDriver, 'zmq': ZmqDriver, 'tritium_remote': TritiumRemoteDriver}


def encode_json(stamp: float, values: np.ndarray) -> str:
    """Encode a vector as the JSON text ``[stamp, v0, ..., v29]`` the bridge script parses."""
    return json.dumps([round(float(stamp), 6)] + [round(float(v), 6) for v in values])
