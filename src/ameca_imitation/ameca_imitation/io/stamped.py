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

"""Pairing the messages of one camera frame across topics: the newest items by their stamp."""

from collections import OrderedDict
import threading


class RecentByStamp:
    """Keeps the last ``size`` items by stamp (seconds, matched to the microsecond)."""

    def __init__(self, size: int):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()      # nodes put from callbacks and get from workers

    def put(self, stamp: float, item) -> None:
        with self._lock:
            self._items[round(stamp, 6)] = item
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, stamp: float):
        """Return the item of ``stamp``, or None (not seen, or already pushed out)."""
        with self._lock:
            return self._items.get(round(stamp, 6))
