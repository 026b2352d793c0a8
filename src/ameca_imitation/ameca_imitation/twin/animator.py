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
Keyframed clips on control channels with cubic Bezier easing, as Tritium's Animator makes them.

A :class:`Clip` holds, per control, keyframes ``(time s, native value)``; sampling eases between
neighbouring keyframes with :func:`ameca_imitation.bezier.ease`. Clips come from the expression
library (``config/expressions.yaml``) or are drawn at random for data sets.
"""

from dataclasses import dataclass

from ameca_imitation.bezier import ease
from ameca_imitation.config import load_yaml
from ameca_imitation.controls import ControlSchema
import numpy as np


@dataclass
class Clip:
    """``times``: ``(K,)`` increasing seconds; ``poses``: ``(K, N)`` native control values."""

    times: np.ndarray
    poses: np.ndarray

    def __post_init__(self):
        if len(self.times) < 1 or len(self.times) != len(self.poses):
            raise ValueError('a clip needs as many poses as keyframe times, at least one')
        if np.any(np.diff(self.times) <= 0):
            raise ValueError('keyframe times must increase strictly')

    @property
    def duration(self) -> float:
        return float(self.times[-1])

    def sample(self, t: np.ndarray) -> np.ndarray:
        """Values ``(M, N)`` at times ``t`` ``(M,)`` s; held constant outside the keyframes."""
        t = np.clip(np.asarray(t, np.float64), self.times[0], self.times[-1])
        k = np.clip(np.searchsorted(self.times, t, side='right') - 1, 0, len(self.times) - 2)
        if len(self.times) == 1:
            return np.repeat(self.poses[:1], len(t), axis=0)
        u = (t - self.times[k]) / (self.times[k + 1] - self.times[k])
        w = ease(u)[:, None]
        return (1 - w) * self.poses[k] + w * self.poses[k + 1]

    def frames(self, fps: float) -> np.ndarray:
        """Dense sampling at video frame times ``0, 1/fps, ...`` up to the duration."""
        n = int(np.floor(self.duration * fps)) + 1
        return self.sample(np.arange(n) / fps)


class ExpressionLibrary:
    """Named poses and clips from ``config/expressions.yaml``, as native control vectors."""

    def __init__(self, schema: ControlSchema, path: str = 'expressions.yaml'):
        data = load_yaml(path)
        self.schema = schema
        self.poses = {}
        for name, values in data['expressions'].items():
            values = values or {}
            self.poses[name] = schema.clamp(schema.from_named(list(values), list(values.values())))
        self.clips = {}
        for name, keys in data.get('clips', {}).items():
            missing = [p for _, p in keys if p not in self.poses]
            if missing:
                raise ValueError(f'clip {name!r} names unknown expressions {missing}')
            self.clips[name] = Clip(np.array([t for t, _ in keys], np.float64),
                                    np.stack([self.poses[p] for _, p in keys]))

    @property
    def emotions(self) -> list[str]:
        """Return the basic-emotion pose names, in a fixed order."""
        return [n for n in ('neutral', 'happy', 'sad', 'surprise', 'fear', 'anger', 'disgust')
                if n in self.poses]


def random_clip(schema: ControlSchema, rng: np.random.Generator, duration: float = 4.0,
                mean_gap: float = 0.5, library: ExpressionLibrary | None = None) -> Clip:
    """
    Draw a random clip: keyframes every ~``mean_gap`` s, each a random mix of poses.

    Half of the keyframes blend a library expression with uniform noise over the live ranges,
    so the data covers both plausible faces and every corner of the control space; left/right
    controls are loosely correlated, as faces are.
    """
    times = [0.0]
    while times[-1] < duration:
        times.append(times[-1] + rng.uniform(0.4, 1.6) * mean_gap)
    span = schema.live_max - schema.live_min
    poses = []
    names = library.emotions if library else []
    for _ in times:
        uniform = schema.live_min + rng.uniform(0, 1, len(schema)) * span
        if names and rng.uniform() < 0.5:
            base = library.poses[names[rng.integers(len(names))]]
            mix = rng.uniform(0.0, 0.5)
            pose = (1 - mix) * base + mix * uniform
        else:
            # Pull each control towards neutral by a random amount: varied intensities.
            pull = rng.uniform(0, 1, len(schema)) ** 2
            pose = pull * schema.neutral + (1 - pull) * uniform
        poses.append(schema.clamp(pose))
    return Clip(np.array(times), np.stack(poses))
