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
relative to a neutral face. A stream starts from the population neutral (the reference face)
and adapts it slowly, within bounds, to the person, learning only from frames where the whole
face is at rest: a clip that opens with crying or laughing never makes that expression the
neutral. ``recalibrate`` takes the next frames as the person's neutral when a user says so; a
still image is measured against the population neutral.
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


# Gaze of a face looking into the camera: the iris centres sit above the line through the eye
# corners (mediapipe, measured on the two real clips' faces: -0.11 to -0.14 vertically).
_GAZE_AT_CAMERA = {'gaze_horizontal': 0.0, 'gaze_vertical': -0.12}

# Size of a clear but small expression in each feature (model units): a frame is at rest when
# every feature is within this of the neutral, and the neutral may move at most this far from
# the population's. Gaze is left out of the rest test (eyes move while the face rests).
SCALE = {'eye_open': 0.08, 'brow': 0.04, 'mouth_open': 0.05, 'lip_corner': 0.04,
         'lip_stretch': 0.06, 'upper_lip_raise': 0.04, 'lower_lip_depress': 0.05,
         'curl': 0.03, 'nose_wrinkle': 0.04, 'jaw_side': 0.03, 'gaze': 0.15}


_SCALES = np.array([next(v for k, v in SCALE.items() if k in n) for n in FEATURE_NAMES])
_GAZE = np.array([n.startswith('gaze') for n in FEATURE_NAMES])


def at_rest(relative: np.ndarray, tolerance: float = 1.0) -> bool:
    """Tell whether neutral-relative features ``(19,)`` show a face at rest (gaze aside)."""
    return bool(np.all(np.abs(relative[~_GAZE]) <= tolerance * _SCALES[~_GAZE]))


def population_neutral() -> np.ndarray:
    """Feature values of the reference face, with the gaze of a face looking into the camera."""
    raw = _raw(reference_face().vertices)
    for name, value in _GAZE_AT_CAMERA.items():
        raw[FEATURE_NAMES.index(name)] = value
    return raw


@dataclass
class FeatureConfig:
    calibration_frames: int = 15     # frames taken as the neutral after recalibrate()
    adapt_frames: float = 150.0      # at-rest frames over which the neutral follows the person
    rest_tolerance: float = 1.0      # at rest: every feature within this many SCALEs of neutral


class FeatureExtractor:
    """
    Turns landmarks into features relative to the person's neutral.

    The neutral starts as the population's. Each frame at rest (every feature within
    ``rest_tolerance`` SCALEs of the current neutral, gaze aside) pulls it towards that frame by
    ``1 / adapt_frames``, and it never moves more than one SCALE from its anchor. The anchor is
    the population neutral, or after :meth:`recalibrate` the median of the next
    ``calibration_frames`` faces, which a user asserts to be neutral. :meth:`reset` returns to
    the population neutral (a new stream). A neutral given by :meth:`set_neutral` (the twin's,
    known exactly) stays fixed.
    """

    def __init__(self, config: FeatureConfig | None = None):
        self.config = config or FeatureConfig()
        self._population = population_neutral()
        self.reset()

    def reset(self) -> None:
        """Back to the population neutral (a new stream or person, nothing asserted)."""
        self._samples: list[np.ndarray] = []
        self._anchor = self._population.copy()
        self.neutral = self._population.copy()
        self.calibrating = False
        self.fixed = False
        self.at_rest = False

    def recalibrate(self) -> None:
        """Take the next ``calibration_frames`` faces as the person's neutral (user-asserted)."""
        self._samples = []
        self.calibrating = True
        self.fixed = False

    def set_neutral(self, raw: np.ndarray) -> None:
        """Fix the neutral to ``raw`` absolute features (:meth:`measure`), e.g. a twin render's."""
        self._samples = []
        self._anchor = np.array(raw, np.float64)
        self.neutral = self._anchor.copy()
        self.calibrating = False
        self.fixed = True

    def __call__(self, landmarks: np.ndarray, fit: Similarity,
                 learn: bool = True) -> dict[str, float]:
        """
        Turn ``(478, 3)`` pixel landmarks and their pose fit into ``{name: value}`` vs neutral.

        ``learn=False``: the frame may not teach the neutral (part of the face was hidden).
        """
        raw = _raw(fit.to_model(landmarks.astype(np.float64)))
        if not learn:
            self.at_rest = False
        elif self.calibrating:
            self._samples.append(raw)
            self.neutral = self._anchor = np.median(self._samples, axis=0)
            self.calibrating = len(self._samples) < self.config.calibration_frames
            self.at_rest = True
        elif not self.fixed:
            self.at_rest = at_rest(raw - self.neutral, self.config.rest_tolerance)
            if self.at_rest:
                self.neutral = self.neutral + (raw - self.neutral) / self.config.adapt_frames
                self.neutral = np.clip(self.neutral, self._anchor - _SCALES,
                                       self._anchor + _SCALES)
        return dict(zip(FEATURE_NAMES, (raw - self.neutral).tolist()))

    def against_population(self, landmarks: np.ndarray, fit: Similarity) -> dict[str, float]:
        """Features of a single still image relative to the population neutral."""
        raw = _raw(fit.to_model(landmarks.astype(np.float64)))
        return dict(zip(FEATURE_NAMES, (raw - self._population).tolist()))

    def measure(self, landmarks: np.ndarray, fit: Similarity) -> np.ndarray:
        """Absolute features, without touching the calibration (for stills and metrics)."""
        return _raw(fit.to_model(landmarks.astype(np.float64)))
