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

"""The driver contract: validate, clamp, send, and return what was actually sent."""

import logging

from ameca_imitation.controls import ControlSchema
import numpy as np

log = logging.getLogger(__name__)


class DriverNotConnectedError(RuntimeError):
    """Raised by ``send`` before ``connect``."""


class DriverConfigError(ValueError):
    """A backend's configuration (address, key, token) is unusable; the message says which."""


class Driver:
    """
    Base class. Subclasses implement ``_open``, ``_write`` and ``_close``.

    ``send`` validates (size, finite) and clamps to the live ranges in one pure step, then
    writes; it returns the vector actually sent. ``disconnect`` first sends neutral, so a face
    left alone rests. Use as a context manager.
    """

    def __init__(self, schema: ControlSchema):
        self.schema = schema
        self.connected = False
        self.last_sent: np.ndarray | None = None
        self.last_stamp: float | None = None

    def connect(self) -> None:
        self._open()
        self.connected = True

    def send(self, stamp: float, values: np.ndarray) -> np.ndarray:
        if not self.connected:
            raise DriverNotConnectedError(f'{type(self).__name__} is not connected. '
                                          'Run `.connect()` first.')
        safe = self.schema.clamp(self.schema.validate(values))
        self._write(stamp, safe)
        self.last_sent, self.last_stamp = safe, stamp
        return safe

    def disconnect(self, stamp: float | None = None) -> None:
        """Send neutral (stamped after the last vector unless ``stamp`` is given), then close."""
        if not self.connected:
            return
        if stamp is None:
            stamp = 0.0 if self.last_stamp is None else self.last_stamp + 1e-3
        try:
            self.send(stamp, self.schema.neutral)
        finally:
            self._close()
            self.connected = False

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc):
        self.disconnect()

    def _open(self) -> None:
        raise NotImplementedError

    def _write(self, stamp: float, values: np.ndarray) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError
