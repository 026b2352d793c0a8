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

"""Vectorised One-Euro filter (Casiez, Roussel, Vogel 2012): causal, adaptive low-pass."""

import numpy as np


def _alpha(cutoff: np.ndarray, dt: float) -> np.ndarray:
    tau = 1.0 / (2 * np.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """
    Filters ``(N,)`` vectors; every parameter is ``(N,)`` (one per channel).

    Speeds are measured in the units of ``scale`` per second (pass each control's range so one
    ``beta`` fits degrees and unit-less controls alike).
    """

    def __init__(self, min_cutoff, beta, d_cutoff, scale):
        self.min_cutoff = np.asarray(min_cutoff, np.float64)
        self.beta = np.asarray(beta, np.float64)
        self.d_cutoff = np.asarray(d_cutoff, np.float64)
        self.scale = np.asarray(scale, np.float64)
        self.reset()

    def reset(self, value: np.ndarray | None = None) -> None:
        self._x = None if value is None else np.array(value, np.float64)
        self._dx = np.zeros_like(self.min_cutoff)

    def __call__(self, x: np.ndarray, dt: float) -> np.ndarray:
        x = np.asarray(x, np.float64)
        if self._x is None or dt <= 0:
            self._x = x.copy()
            return self._x.copy()
        dx = (x - self._x) / dt / self.scale
        self._dx += _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        return self._x.copy()
