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
``ControlSchema``: one robot's control table, read once from YAML.

Values are handled as float arrays in the table's canonical order. "Native" values are in the
control's own units (degrees, 0..1, -1..2); "normalised" values map ``[min, max]`` to ``[0, 1]``.
"""

from dataclasses import dataclass
import math
from pathlib import Path
from typing import Mapping, Sequence

from ameca_imitation.paths import config_path
import numpy as np
import yaml

GROUPS = ('brows', 'eyelids', 'gaze', 'head', 'neck', 'mouth', 'nose')


def mirror_name(name: str) -> str:
    """Name the other side's control or feature (``Brow Inner Left`` <-> ``Brow Inner Right``)."""
    for a, b in (('Left', 'Right'), ('left', 'right')):
        if a in name:
            return name.replace(a, b)
        if b in name:
            return name.replace(b, a)
    return name


class ControlError(ValueError):
    """A control vector that must not reach the robot: unknown name, wrong size, NaN or inf."""


@dataclass(frozen=True)
class ControlSpec:
    """
    One control of the table.

    ``max_velocity`` is in native units per second, ``max_acceleration`` per second squared.
    """

    name: str
    namespace: str | None
    minimum: float
    maximum: float
    neutral: float
    live_min: float
    live_max: float
    group: str
    max_velocity: float
    max_acceleration: float

    def __post_init__(self):
        if not self.minimum < self.maximum:
            raise ValueError(f'{self.name}: min {self.minimum} must be below max {self.maximum}')
        if not self.minimum <= self.live_min <= self.live_max <= self.maximum:
            raise ValueError(f'{self.name}: live range [{self.live_min}, {self.live_max}] '
                             f'must lie inside [{self.minimum}, {self.maximum}]')
        if not self.live_min <= self.neutral <= self.live_max:
            raise ValueError(f'{self.name}: neutral {self.neutral} outside the live range')
        if self.group not in GROUPS:
            raise ValueError(f'{self.name}: unknown group {self.group!r}; '
                             f'expected one of {GROUPS}')
        if self.max_velocity <= 0 or self.max_acceleration <= 0:
            raise ValueError(f'{self.name}: velocity and acceleration limits must be positive')


class ControlSchema:
    """The ordered control table of one robot head."""

    def __init__(self, name: str, specs: Sequence[ControlSpec], eyelid_close_direction: int = -1):
        if not specs:
            raise ValueError('a control table needs at least one control')
        names = [s.name for s in specs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f'duplicate control names: {duplicates}')
        if eyelid_close_direction not in (-1, 1):
            raise ValueError('eyelid_close_direction must be -1 or 1, '
                             f'got {eyelid_close_direction}')
        self.name = name
        self.specs = tuple(specs)
        self.names = tuple(names)
        self.eyelid_close_direction = eyelid_close_direction
        self._index = {n: i for i, n in enumerate(names)}

        def as_array(field):
            return np.array([getattr(s, field) for s in specs], np.float64)

        self.min = as_array('minimum')
        self.max = as_array('maximum')
        self.neutral = as_array('neutral')
        self.live_min = as_array('live_min')
        self.live_max = as_array('live_max')
        self.max_velocity = as_array('max_velocity')
        self.max_acceleration = as_array('max_acceleration')
        self.span = self.max - self.min
        self.groups = tuple(s.group for s in specs)

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | Path) -> 'ControlSchema':
        """Read a control table such as ``config/ameca_controls.yaml``."""
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping, source: str = '<dict>') -> 'ControlSchema':
        known = {'name', 'eyelid_close_direction', 'group_limits', 'controls'}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f'{source}: unknown keys {sorted(unknown)}')
        limits = data.get('group_limits', {})
        specs = []
        for row in data['controls']:
            allowed = {'name', 'namespace', 'min', 'max', 'neutral', 'live', 'group',
                       'max_velocity', 'max_acceleration'}
            bad = set(row) - allowed
            if bad:
                raise ValueError(f'{source}: control {row.get("name")!r} has unknown keys '
                                 f'{sorted(bad)}')
            span = float(row['max']) - float(row['min'])
            group_limit = limits.get(row['group'])
            own_limits = 'max_velocity' in row and 'max_acceleration' in row
            if group_limit is None and not own_limits:
                raise ValueError(f'{source}: no limits for group {row["group"]!r}')
            # Limits in the file are in ranges per second; the schema keeps native units.
            velocity = row.get('max_velocity', group_limit and group_limit['max_velocity'])
            acceleration = row.get('max_acceleration',
                                   group_limit and group_limit['max_acceleration'])
            specs.append(ControlSpec(
                name=str(row['name']), namespace=row.get('namespace'),
                minimum=float(row['min']), maximum=float(row['max']),
                neutral=float(row['neutral']),
                live_min=float(row['live'][0]), live_max=float(row['live'][1]),
                group=str(row['group']), max_velocity=float(velocity) * span,
                max_acceleration=float(acceleration) * span))
        return cls(str(data.get('name', Path(source).stem)), specs,
                   int(data.get('eyelid_close_direction', -1)))

    @classmethod
    def default(cls) -> 'ControlSchema':
        """Ameca's generation-2 table from ``config/ameca_controls.yaml``."""
        return cls.from_yaml(config_path('ameca_controls.yaml'))

    # -- lookup ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.specs)

    def index(self, name: str) -> int:
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise ControlError(f'unknown control {name!r} for table {self.name!r}') from None

    def indices(self, group: str) -> np.ndarray:
        """Return the indices of the controls of one group, e.g. ``'mouth'``."""
        return np.array([i for i, g in enumerate(self.groups) if g == group], np.int64)

    # -- conversions ----------------------------------------------------------------------------
    def normalise(self, values: np.ndarray) -> np.ndarray:
        """Native ``(..., N)`` values -> ``(..., N)`` with ``[min, max]`` mapped to ``[0, 1]``."""
        return (np.asarray(values, np.float64) - self.min) / self.span

    def denormalise(self, normalised: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`normalise`."""
        return np.asarray(normalised, np.float64) * self.span + self.min

    def clamp(self, values: np.ndarray) -> np.ndarray:
        """Clamp native ``(..., N)`` values into each control's live range."""
        return np.clip(np.asarray(values, np.float64), self.live_min, self.live_max)

    def validate(self, values: np.ndarray) -> np.ndarray:
        """Check a native ``(N,)`` vector in canonical order; raise :class:`ControlError`."""
        try:
            arr = np.asarray(values, np.float64)
        except (TypeError, ValueError):
            raise ControlError(f'values for {self.name!r} are not numbers') from None
        if arr.shape != (len(self),):
            raise ControlError(f'expected {len(self)} values for {self.name!r}, '
                               f'got shape {arr.shape}')
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ControlError('non-finite values for ' + ', '.join(
                f'{self.names[i]}={arr[i]}' for i in np.flatnonzero(bad)))
        return arr

    def from_named(self, names: Sequence[str], values: Sequence[float],
                   fill: np.ndarray | None = None) -> np.ndarray:
        """
        Reorder named values into a canonical ``(N,)`` vector.

        Missing controls take ``fill`` (default: neutral). Unknown names, a length mismatch,
        values that are not numbers (strings, None) and non-finite values raise
        :class:`ControlError` naming the control.
        """
        try:
            if len(names) != len(values):
                raise ControlError(f'{len(names)} names but {len(values)} values')
        except TypeError:
            raise ControlError('names and values must be sequences') from None
        out = np.array(self.neutral if fill is None else fill, np.float64, copy=True)
        for name, value in zip(names, values):
            index = self.index(name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ControlError(f'value for {name!r} is not a number: {value!r}') from None
            if not math.isfinite(number):
                raise ControlError(f'non-finite value for {name!r}: {number}')
            out[index] = number
        return out

    def to_dict(self, values: np.ndarray) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, values)}
