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

"""Warnings that repeat at camera rate, logged at most once per period per kind."""

import logging
import time


class ThrottledLog:
    """
    Log a repeating warning at most once per period.

    ``warning(kind, msg, *args)`` logs the first of each ``kind`` and then at most one per
    ``period_s`` seconds of wall time, saying how many were held back in between.
    """

    def __init__(self, logger: logging.Logger, period_s: float = 5.0):
        self.logger = logger
        self.period_s = period_s
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, kind: str, msg: str, *args) -> None:
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.period_s:
            self._held[kind] = self._held.get(kind, 0) + 1
            return
        held = self._held.pop(kind, 0)
        self._last[kind] = now
        suffix = f' ({held} more like it in the last {self.period_s:.0f} s)' if held else ''
        self.logger.warning(msg + suffix, *args)
