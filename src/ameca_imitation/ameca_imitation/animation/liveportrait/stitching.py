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
Stitching and the eye/lip retargeting MLPs, and the loader for their checkpoint file.

``stitching_retargeting_module.pth`` holds three sub-state-dicts (``retarget_shoulder``,
``retarget_mouth``, ``retarget_eye``) whose keys may carry a ``module.`` prefix; other entries
are ignored.
"""

from dataclasses import dataclass, field

import torch
from torch import nn

SUBDICTS = {'stitching': 'retarget_shoulder', 'lip': 'retarget_mouth', 'eye': 'retarget_eye'}


class RetargetMLP(nn.Module):

    def __init__(self, input_size, hidden_sizes, output_size):
        super().__init__()
        layers, width = [], input_size
        for hidden in hidden_sizes:
            layers += [nn.Linear(width, hidden), nn.ReLU(inplace=True)]
            width = hidden
        self.mlp = nn.Sequential(*layers, nn.Linear(width, output_size))

    def forward(self, x):
        return self.mlp(x)


@dataclass
class StitchingConfig:
    stitching: tuple = (126, (128, 128, 64), 65)      # cat(x_s, x_d) -> 63 deltas + (dx, dy)
    lip: tuple = (65, (128, 128, 64), 63)             # cat(x_s, c_s_lip, c_d_lip)
    eye: tuple = (66, (256, 256, 128, 128, 64), 63)   # cat(x_s, c_s_eye_l, c_s_eye_r, c_d_eye)
    names: tuple = field(default=('stitching', 'lip', 'eye'))


class StitchingRetargeting(nn.Module):
    """The three MLPs under the checkpoint's sub-dict names."""

    def __init__(self, config: StitchingConfig | None = None):
        super().__init__()
        self.config = c = config or StitchingConfig()
        for name in c.names:
            inp, hidden, out = getattr(c, name)
            self.add_module(SUBDICTS[name], RetargetMLP(inp, hidden, out))

    def stitch(self, x_s, x_d):
        """``(B, 21, 3)`` each -> keypoint deltas ``(B, 63)`` and ``(B, 2)`` translation."""
        out = self.retarget_shoulder(torch.cat([x_s.flatten(1), x_d.flatten(1)], dim=1))
        return out[:, :63], out[:, 63:65]

    def retarget_lip(self, x_s, lip_ratios):
        """``lip_ratios`` ``(B, 2)``: source and driving lip opening -> deltas ``(B, 63)``."""
        return self.retarget_mouth(torch.cat([x_s.flatten(1), lip_ratios], dim=1))

    def retarget_eyes(self, x_s, eye_ratios):
        """``eye_ratios`` ``(B, 3)``: source left, source right, driving eye opening."""
        return self.retarget_eye(torch.cat([x_s.flatten(1), eye_ratios], dim=1))


def split_checkpoint(blob: dict) -> dict:
    """Flatten the official file into one state_dict for :class:`StitchingRetargeting`."""
    state = {}
    for sub in SUBDICTS.values():
        if sub not in blob:
            raise KeyError(f'stitching checkpoint lacks the {sub!r} entry')
        for key, value in blob[sub].items():
            key = key[len('module.'):] if key.startswith('module.') else key
            state[f'{sub}.{key}'] = value
    return state
