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
Stills: each portrait alone against the population neutral, and the orderings its controls keep.

Frames of the two real clips taken as separate portraits (her crying with eyes squeezed shut,
her laugh with the mouth wide open; him at rest and smiling) and renders of the twin at known
controls (jaw open, eyes closed, gaze to either side and up and down). Each check compares
controls between portraits, so it holds whatever the gains: a pipeline passes it when its
controls move the way the faces differ.
"""

from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import Frame
import numpy as np

PORTRAITS = {'crying': ('WolfgangLanger_Pexels.mp4', 10),
             'laugh': ('WolfgangLanger_Pexels.mp4', 300),
             'rest': ('single_face.mp4', 0), 'smile': ('single_face.mp4', 40)}
# Twin renders: name -> the controls changed from neutral.
TWIN_POSES = {'twin_neutral': {}, 'twin_jaw_open': {'Jaw Pitch': 0.55},
              'twin_eyes_closed': {'Eyelid Upper Left': -0.8, 'Eyelid Upper Right': -0.8},
              'twin_gaze_a': {'Gaze Target Phi': 40.0}, 'twin_gaze_b': {'Gaze Target Phi': -40.0},
              'twin_gaze_up': {'Gaze Target Theta': 25.0},
              'twin_gaze_down': {'Gaze Target Theta': -25.0}}


def _frame_at(path, index: int) -> np.ndarray:
    import cv2
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, image = cap.read()
    cap.release()
    if not ok:
        raise ValueError(f'{path}: no frame {index}')
    return image


def still_images(schema, size: int = 256) -> dict[str, np.ndarray]:
    """Every portrait of the checks: name -> BGR image."""
    from ameca_imitation.io.media import fetch_clip
    images = {name: _frame_at(fetch_clip(clip), i) for name, (clip, i) in PORTRAITS.items()}
    twin = TwinRenderer(schema, size=size)
    for name, changes in TWIN_POSES.items():
        values = schema.neutral.copy()
        for control, value in changes.items():
            values[schema.index(control)] = value
        images[name] = twin.render(values).image
    return images


def still_orderings(pipeline, schema, images: dict) -> dict:
    """
    Run each image alone (``still``) and check the orderings; return them and their share.

    ``checks``: name -> bool; ``share``: the fraction that hold (a face not found fails its
    checks).
    """
    out = {}
    for name, image in images.items():
        pipeline.reset()
        res = pipeline.step(Frame(image, 0.0, 0), 1.0, still=True)
        out[name] = None if res.policy is None else np.asarray(res.policy.values, float)

    def c(name, *controls):
        return float(np.mean([out[name][schema.index(k)] for k in controls]))

    jaw, lids = ('Jaw Pitch',), ('Eyelid Upper Left', 'Eyelid Upper Right')
    corners = ('Lip Corner Raise Left', 'Lip Corner Raise Right')
    people = list(PORTRAITS)
    tests = {
        # Jaw Pitch: 1 closed, lower is more open.
        'widest mouth, most open jaw': lambda: c('laugh', *jaw) == min(c(p, *jaw) for p in people),
        'twin jaw open reads open': lambda: c('twin_jaw_open', *jaw)
        < c('twin_neutral', *jaw) - 0.1,
        'shut eyes, lowest lids': lambda: c('crying', *lids) == min(c(p, *lids) for p in people),
        'twin eyes closed read closed': lambda: c('twin_eyes_closed', *lids)
        < c('twin_neutral', *lids) - 0.5,
        'a smile raises the corners': lambda: c('smile', *corners) > c('rest', *corners),
        'gaze follows the irises sideways': lambda: c('twin_gaze_a', 'Gaze Target Phi')
        > c('twin_gaze_b', 'Gaze Target Phi'),
        'gaze follows the irises up and down': lambda: c('twin_gaze_up', 'Gaze Target Theta')
        > c('twin_gaze_down', 'Gaze Target Theta'),
    }
    checks = {}
    for name, test in tests.items():
        try:
            checks[name] = bool(test())
        except TypeError:            # a portrait without a face: the check fails
            checks[name] = False
    return {'checks': checks, 'share': float(np.mean(list(checks.values())))}
