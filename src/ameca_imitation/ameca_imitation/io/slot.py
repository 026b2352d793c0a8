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

"""Thread-safe single-slot buffer: a stale camera frame is worse than a dropped one."""

import threading


class LatestSlot:
    """Holds only the newest item; ``put`` never blocks, ``take`` waits up to a timeout."""

    def __init__(self):
        self._item = None
        self._dropped = 0
        self._cond = threading.Condition()

    def put(self, item) -> None:
        with self._cond:
            if self._item is not None:
                self._dropped += 1
            self._item = item
            self._cond.notify()

    def take(self, timeout: float | None = None):
        """Return the newest item (and clear the slot), or None after ``timeout`` seconds."""
        with self._cond:
            if self._item is None:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            return item

    @property
    def dropped(self) -> int:
        """How many items were replaced before anyone took them."""
        return self._dropped
