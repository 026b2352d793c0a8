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

"""Where commands go: the virtual Ameca, or a Tritium script (ZeroMQ or tritium-remote)."""

from ameca_imitation.driver.base import Driver, DriverConfigError, DriverNotConnectedError
from ameca_imitation.driver.watchdog import CommandWatchdog

__all__ = ['CommandWatchdog', 'Driver', 'DriverConfigError', 'DriverNotConnectedError',
           'make_driver']


def make_driver(kind: str, schema, **options) -> Driver:
    """Build a driver backend by name: ``twin``, ``zmq`` or ``tritium_remote``."""
    from ameca_imitation.driver.backends import BACKENDS
    if kind not in BACKENDS:
        raise ValueError(f'unknown driver backend {kind!r}; choose one of {sorted(BACKENDS)}')
    return BACKENDS[kind](schema, **options)
