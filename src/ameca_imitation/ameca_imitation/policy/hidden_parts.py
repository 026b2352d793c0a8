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
What a hand hides rests on the robot too: a resting hidden part's controls ease to neutral.

The motion stage already eases a hidden part's landmarks to rest (``face/occlusion.py``), but a
learned policy also reads the rest of the face: in the twin it learned from, a smile narrows
the eyes and lifts the cheeks, so behind a hand over a crying mouth the feature policy still
raised the lip corners (Lip Corner Raise 0.72 against its 0.47 neutral, from her closed eyes
and wrinkled nose). Here the controls of a resting part leave the policy's answer for the
neutral with the landmarks' time constant, and return to it when the part is in view again,
as the landmarks do. A hidden eye whose partner is in view does not rest: its landmarks move
as the partner's, and the policy's answer to them stands.
"""

from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.occlusion import OcclusionConfig, PARTS, rests
from ameca_imitation.types import FaceObservation
import numpy as np


def part_controls(schema: ControlSchema, part: str, mirror: bool = False) -> np.ndarray:
    """
    Return the indices of the controls that show one part of the face (``mouth``, ...).

    An eye is its lids and brow on the subject's side (``mirror``: the person's left drives the
    robot's right).
    """
    if part == 'mouth':
        return schema.indices('mouth')
    side = part.split('_')[0].capitalize()
    if mirror:
        side = {'Left': 'Right', 'Right': 'Left'}[side]
    return np.array([i for i, (name, group) in enumerate(zip(schema.names, schema.groups))
                     if group in ('brows', 'eyelids') and name.endswith(side)], np.int64)


class HiddenPartsRest:
    """Per stream: ease the controls of the hidden parts at rest to neutral; ``(N,)`` native."""

    def __init__(self, schema: ControlSchema, config: OcclusionConfig | None = None,
                 mirror: bool = False):
        self.schema = schema
        self._rate = 1.0 / max((config or OcclusionConfig()).ease_frames, 1.0)
        self._controls = {part: part_controls(schema, part, mirror) for part in PARTS}
        self.reset()

    def reset(self) -> None:
        """Start a new stream: every part in view."""
        self._shown = dict.fromkeys(PARTS, 1.0)    # share of the policy's answer each part keeps

    def __call__(self, obs: FaceObservation, values: np.ndarray | None,
                 still: bool = False) -> np.ndarray | None:
        """Return ``values`` with each resting hidden part's controls eased towards neutral."""
        if values is None:
            return None
        out, hidden = values, obs.hidden_parts
        for part, idx in self._controls.items():
            if part not in hidden or not rests(part, hidden):
                self._shown[part] = 1.0
                continue
            # A portrait has no last view: its hidden part rests at once.
            self._shown[part] = 0.0 if still else self._shown[part] * (1.0 - self._rate)
            if out is values:
                out = np.array(values, np.float64)
            neutral = self.schema.neutral[idx]
            out[idx] = neutral + self._shown[part] * (out[idx] - neutral)
        return out
