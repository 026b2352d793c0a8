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

"""Normalised MAE of control predictions, overall and per group (the X2C metric)."""

from ameca_imitation.controls import ControlSchema
import numpy as np

REPORT_GROUPS = {'brows': ('brows',), 'eyelids': ('eyelids',), 'gaze': ('gaze',),
                 'head/neck': ('head', 'neck'), 'mouth': ('mouth', 'nose')}


def normalised_mae(schema: ControlSchema, predicted: np.ndarray, truth: np.ndarray) -> dict:
    """``predicted``, ``truth``: ``(M, N)`` native values -> ``{'overall': ..., group: ...}``."""
    err = np.abs(schema.normalise(predicted) - schema.normalise(truth))
    out = {'overall': float(err.mean())}
    for name, groups in REPORT_GROUPS.items():
        idx = [i for i, g in enumerate(schema.groups) if g in groups]
        if idx:
            out[name] = float(err[:, idx].mean())
    return out
