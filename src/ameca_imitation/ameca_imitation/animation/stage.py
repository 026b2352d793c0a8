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
The animator stage: a person's frame -> the source face (Ameca's) moved the same way.

The animator is a choice (``animator:`` in a pipeline YAML, the animator node's parameters):
the weight-free landmark warp (default) or one of the learned models of ``learned``.
"""

from dataclasses import dataclass

from ameca_imitation.animation.driving import RelativeDriver
from ameca_imitation.animation.framing import (crop_square, DrivingFraming, opening_ratios,
                                               to_tensor)
from ameca_imitation.animation.landmark_warp import LandmarkWarpAnimator, WARP_POINTS, WarpConfig
from ameca_imitation.animation.learned import LEARNED, load_networks, make_runner
from ameca_imitation.types import FaceObservation
import cv2
import numpy as np
import torch

ANIMATORS = ('landmark_warp',) + LEARNED


@dataclass
class AnimatorConfig:
    """
    Which animator moves Ameca's face, and how.

    ``weights``: see :func:`learned.load_networks`. ``source``: a photo of Ameca's neutral face
    ('' = the twin's neutral render), cropped to ``source_crop`` face sizes (LivePortrait's
    2.3). ``relative``: motion relative to the person's first frame (else absolute).
    ``keep_up``: the offline runner drops the frames a slow animator could not take live.
    ``half``: fp16 on CUDA.
    """

    model: str = 'landmark_warp'
    weights: str = ''
    source: str = ''
    source_crop: float = 2.3
    relative: bool = True
    stitching: bool = True
    retarget_eyes: bool = False
    retarget_lips: bool = False
    adapt_scale: bool = True
    keep_up: bool = True
    half: bool = False

    def __post_init__(self):
        if self.model not in ANIMATORS:
            raise ValueError(f'unknown animator {self.model!r}; choose one of {list(ANIMATORS)}')

    @property
    def learned(self) -> bool:
        return self.model != 'landmark_warp'


def _source_photo(path: str, scale: float, side: int) -> tuple[np.ndarray, np.ndarray]:
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    image = cv2.imread(path)
    if image is None:
        raise FileNotFoundError(f'animator source {path!r} is not a readable image')
    with FaceMeshDetector(LandmarkConfig(static_images=True)) as detector:
        faces = detector.detect(image)
    if not faces:
        raise ValueError(f'animator source {path!r}: no face found')
    return crop_square(image, faces[0].landmarks, scale, side)


class AnimatorStage:
    """
    Holds one source (image + its landmarks); a new person resets the motion reference.

    ``source_image`` ``(S, S, 3)`` uint8 BGR with ``source_landmarks`` ``(478, 3)`` px; every
    output has the source's size.
    """

    def __init__(self, source_image: np.ndarray, source_landmarks: np.ndarray,
                 config: AnimatorConfig | None = None, warp: WarpConfig | None = None,
                 device: torch.device | None = None):
        self.config = c = config or AnimatorConfig()
        if c.source:
            source_image, source_landmarks = _source_photo(c.source, c.source_crop,
                                                           source_image.shape[0])
        self.source, self._track = source_image, None
        if not c.learned:
            self.animator = LandmarkWarpAnimator(source_image, source_landmarks, warp)
            self.driver = RelativeDriver(source_landmarks)
            return
        nets, self.side = load_networks(c.model, c.weights)
        self.device = device or torch.device('cuda' if torch.cuda.is_available() else 'cpu')
        self.dtype = torch.float16 if c.half and self.device.type == 'cuda' else torch.float32
        nets = {k: v.to(self.dtype) for k, v in nets.items()}
        self.runner = make_runner(c.model, nets, self.device, c.relative, c.stitching,
                                  c.retarget_eyes, c.retarget_lips, c.adapt_scale)
        self.framing = DrivingFraming(source_landmarks, source_image.shape[0])
        with torch.inference_mode():
            self.runner.set_source(self._tensor(source_image), opening_ratios(source_landmarks))

    def _tensor(self, image: np.ndarray) -> torch.Tensor:
        return to_tensor([image], self.side, self.device, self.dtype)

    def _image(self, x: torch.Tensor) -> np.ndarray:
        out = (x[0].float().clamp(0, 1).permute(1, 2, 0) * 255).round().byte().cpu().numpy()
        side = self.source.shape[0]
        if out.shape[0] != side:
            out = cv2.resize(out, (side, side), interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(out[..., ::-1])

    def reset(self) -> None:
        """Forget the person: their next frame becomes the motion reference."""
        self._track = None

    def __call__(self, obs: FaceObservation, image: np.ndarray | None = None,
                 still: bool = False) -> np.ndarray:
        """
        ``(S, S, 3)`` uint8 BGR: the animated source, or the source itself when no face.

        ``image``: the person's frame ``(H, W, 3)`` uint8 BGR (the learned animators need it).
        ``still``: a portrait of its own, moved against the population neutral (the landmark
        warp) or by its own pose and expression (the learned models: absolute motion).
        """
        if not obs.face_found:
            return self.source
        new_person = obs.track_id != self._track and not still
        if not still:
            self._track = obs.track_id
        if not self.config.learned:
            if new_person:
                self.driver.reset()        # their first frame is their neutral
            return self.animator.animate(self.driver(obs.landmarks, still)[WARP_POINTS])
        if image is None:
            raise ValueError(f'the {self.config.model} animator needs the camera frame')
        if new_person or still:
            self.framing.reset()
        x = self._tensor(self.framing(image, obs.landmarks))
        ratios = opening_ratios(obs.landmarks)
        with torch.inference_mode():
            if new_person:
                self.runner.set_reference(x, ratios)
            return self._image(self.runner.drive(x, ratios, absolute=still))
