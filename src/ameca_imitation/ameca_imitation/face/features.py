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
Expression features from dense landmarks, measured in the reference face's frame.

Every feature is a distance or offset in model units (eye-centre distance = 1) after the head
pose is removed, so turning or approaching the camera does not change it. Features are reported
relative to a neutral: the person's own (calibrated from their first frames) or, for a single
still image, the population neutral (the reference face).
"""

from dataclasses import dataclass

from ameca_imitation.face.pose import Similarity
from ameca_imitation.face.reference import reference_face
import numpy as np

# Names, in the order of the feature vector. "left"/"right" are the subject's own.
FEATURE_NAMES = (
    'eye_open_left', 'eye_open_right',
    'brow_inner_left', 'brow_inner_right', 'brow_outer_left', 'brow_outer_right',
    'mouth_open', 'lip_corner_left', 'lip_corner_right', 'lip_stretch_left', 'lip_stretch_right',
    'upper_lip_raise', 'lower_lip_depress', 'upper_lip_curl', 'lower_lip_curl',
    'nose_wrinkle', 'jaw_side', 'gaze_horizontal', 'gaze_vertical',
)

# Eyelid point pairs (upper, lower) across each eye, and eye corners.
_LID_PAIRS = {'left': ((386, 374), (385, 380), (387, 373)),
              'right': ((159, 145), (158, 153), (160, 144))}
_CORNERS = {'left': (362, 263), 'right': (133, 33)}
_BROW = {'left': (336, 300), 'right': (107, 70)}     # inner, outer
_IRIS = {'left': 473, 'right': 468}


def _raw(m: np.ndarray) -> np.ndarray:
    """Absolute feature values from ``(478 or 468, 3)`` landmarks in model space."""
    y = m[:, 1]
    f = {}
    for side in ('left', 'right'):
        lid = np.mean([np.linalg.norm(m[a] - m[b]) for a, b in _LID_PAIRS[side]])
        inner, outer = _CORNERS[side]
        width = np.linalg.norm(m[inner] - m[outer])
        f[f'eye_open_{side}'] = lid / width
        eye_y = (y[inner] + y[outer]) / 2
        f[f'brow_inner_{side}'] = eye_y - y[_BROW[side][0]]
        f[f'brow_outer_{side}'] = eye_y - y[_BROW[side][1]]
    centre = (m[13] + m[14]) / 2
    f['mouth_open'] = np.linalg.norm(m[13] - m[14])
    f['lip_corner_left'] = centre[1] - y[291]
    f['lip_corner_right'] = centre[1] - y[61]
    f['lip_stretch_left'] = m[291, 0] - centre[0]
    f['lip_stretch_right'] = centre[0] - m[61, 0]
    f['upper_lip_raise'] = -(y[0] - y[2])            # top lip towards the nose base: larger
    f['lower_lip_depress'] = y[17] - centre[1]
    f['upper_lip_curl'] = np.linalg.norm(m[0] - m[13])
    f['lower_lip_curl'] = np.linalg.norm(m[17] - m[14])
    f['nose_wrinkle'] = -(((y[358] + y[129]) / 2) - ((y[362] + y[133]) / 2))
    f['jaw_side'] = m[152, 0] - m[1, 0]
    if len(m) >= 478:
        gx, gy = [], []
        for side in ('left', 'right'):
            inner, outer = _CORNERS[side]
            mid = (m[inner] + m[outer]) / 2
            half = np.linalg.norm(m[inner] - m[outer]) / 2
            gx.append((m[_IRIS[side], 0] - mid[0]) / half)
            gy.append((m[_IRIS[side], 1] - mid[1]) / half)
        f['gaze_horizontal'], f['gaze_vertical'] = float(np.mean(gx)), float(np.mean(gy))
    else:
        f['gaze_horizontal'] = f['gaze_vertical'] = 0.0
    return np.array([f[n] for n in FEATURE_NAMES], np.float64)


def population_neutral() -> np.ndarray:
    """Feature values of the reference face (no irises: gaze taken as centred)."""
    return _raw(reference_face().vertices)


@dataclass
class FeatureConfig:
    calibration_frames: int = 15     # frames of the person's own neutral to take the median of


class FeatureExtractor:
    """
    Turns landmarks into features relative to the person's neutral.

    The neutral is the running median of the person's first ``calibration_frames`` faces, then
    frozen: the first frame reads all zeros and nothing jumps when calibration ends.
    :meth:`recalibrate` starts over (e.g. when a new person sits down). Stills with no neutral
    of their own are measured against the population neutral with :meth:`against_population`.
    """

    def __init__(self, config: FeatureConfig | None = None):
        self.config = config or FeatureConfig()
        self._population = population_neutral()
        self.recalibrate()

    def recalibrate(self) -> None:
        self._samples: list[np.ndarray] = []
        self.neutral = self._population.copy()
        self.calibrated = False

    def __call__(self, landmarks: np.ndarray, fit: Similarity) -> dict[str, float]:
        """``(478, 3)`` pixel landmarks and their pose fit -> ``{name: value}`` vs neutral."""
        raw = _raw(fit.to_model(landmarks.astype(np.float64)))
        if not self.calibrated:
            self._samples.append(raw)
            self.neutral = np.median(self._samples, axis=0)
            self.calibrated = len(self._samples) >= self.config.calibration_frames
        return dict(zip(FEATURE_NAMES, (raw - self.neutral).tolist()))

    def against_population(self, landmarks: np.ndarray, fit: Similarity) -> dict[str, float]:
        """Features of a single still image relative to the population neutral."""
        raw = _raw(fit.to_model(landmarks.astype(np.float64)))
        return dict(zip(FEATURE_NAMES, (raw - self._population).tolist()))

    def measure(self, landmarks: np.ndarray, fit: Similarity) -> np.ndarray:
        """Absolute features, without touching the calibration (for stills and metrics)."""
        return _raw(fit.to_model(landmarks.astype(np.float64)))
