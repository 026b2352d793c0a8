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

from ameca_imitation.driver.base import Driver
import numpy as np

log = logging.getLogger(__name__)
QUEUE_LIMIT = 100    # vectors buffered per subscriber before PUB drops: bounded, never blocks


class TwinDriver(Driver):
    """Renders the commanded face on the virtual Ameca; ``last_image`` holds the newest render."""

    def __init__(self, schema, size: int = 256, renderer=None):
        super().__init__(schema)
        self.size = size
        self.renderer = renderer
        self.last_image = None

    def _open(self):
        if self.renderer is None:
            from ameca_imitation.twin import TwinRenderer
            self.renderer = TwinRenderer(self.schema, size=self.size)

    def _write(self, stamp, values):
        self.last_image = self.renderer.render(values).image

    def _close(self):
        pass


def _read_secret(env: str, file_env: str) -> str | None:
    """Read a key or token from ``$env`` or the file named by ``$file_env``; never logged."""
    if os.environ.get(env):
        return os.environ[env]
    if os.environ.get(file_env):
        return Path(os.environ[file_env]).read_text(encoding='utf-8').strip()
    return None


class ZmqDriver(Driver):
    """
    PUBlishes ``[stamp, v0, ..., v29]`` (UTF-8 strings, canonical order, already clamped).

    PUB never blocks: at most ``QUEUE_LIMIT`` vectors wait per subscriber (2 s at 50 Hz), and
    the bridge drains that queue every tick and applies only the newest vector. CurveZMQ
    encryption is used when ``AMECA_ZMQ_SERVER_SECRET`` (or ``AMECA_ZMQ_SERVER_SECRET_FILE``)
    holds a Z85 secret key.
    """

    def __init__(self, schema, bind: str = 'tcp://127.0.0.1:5555'):
        super().__init__(schema)
        self.bind = bind
        self._socket = None
        self._context = None

    def _open(self):
        import zmq
        self._context = zmq.Context.instance()
        sock = self._context.socket(zmq.PUB)
        sock.setsockopt(zmq.SNDHWM, QUEUE_LIMIT)
        sock.setsockopt(zmq.LINGER, 200)
        secret = _read_secret('AMECA_ZMQ_SERVER_SECRET', 'AMECA_ZMQ_SERVER_SECRET_FILE')
        if secret:
            sock.curve_secretkey = secret.encode()
            sock.curve_publickey = zmq.curve_public(secret.encode())
            sock.curve_server = True
            log.info('zmq driver: CurveZMQ encryption on')
        sock.bind(self.bind)
        self._socket = sock
        log.info('zmq driver publishing on %s', self.bind)

    def _write(self, stamp, values):
        import zmq
        try:
            self._socket.send_multipart(encode(stamp, values), flags=zmq.NOBLOCK)
        except zmq.Again:
            log.debug('zmq driver: dropped a vector (no room); the next one supersedes it')

    def _close(self):
        if self._socket is not None:
            self._socket.close()
            self._socket = None


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
    """Encode a vector as the JSON text message the bridge script's channel handler parses."""
    return json.dumps([round(float(stamp), 6)] + [round(float(v), 6) for v in values])


def encode(stamp: float, values: np.ndarray) -> list[bytes]:
    """Encode the zmq backend's wire format (what the bridge script parses)."""
    return [f'{stamp:.6f}'.encode()] + [f'{v:.6f}'.encode() for v in values]
