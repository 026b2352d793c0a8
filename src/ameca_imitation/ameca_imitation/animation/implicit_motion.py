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
LivePortrait's motion extractor as a face-motion observer: a frame -> ``MotionState``.

The implicit 3-D motion (canonical keypoints, head rotation, translation, scale, expression
deltas) that LivePortrait's animation is driven by, published on ``/face/motion`` and read by
the motion policy. The person's frame is cropped to the framing of the twin's renders (the
framing the extractor sees when it looks at the twin), so the same network reads both.
"""

from pathlib import Path

from ameca_imitation.animation.framing import DrivingFraming, to_tensor
from ameca_imitation.animation.inference import prepare_for_inference
from ameca_imitation.animation.liveportrait import MotionExtractor
from ameca_imitation.animation.liveportrait import transform as lp
from ameca_imitation.animation.training import load_animator, trained_side
from ameca_imitation.types import MotionState
from ameca_imitation.weights import load_torch_file, strict_load
import numpy as np
import torch


def load_motion_extractor(weights: str | Path) -> tuple[MotionExtractor, int]:
    """
    Load LivePortrait's motion extractor M; return it and its input side, px.

    From the official folder (``motion_extractor.pth``) or an ``ameca-train-animator --model
    liveportrait`` folder.
    """
    folder = Path(weights)
    if (folder / 'config.json').is_file():
        return load_animator(folder, 'liveportrait').motion_extractor, trained_side(folder)
    path = folder / 'motion_extractor.pth'
    if not path.is_file():
        raise FileNotFoundError(f'motion extractor {str(folder)!r}: neither an '
                                'ameca-train-animator folder nor a folder with '
                                'motion_extractor.pth')
    model = MotionExtractor()
    strict_load(model, load_torch_file(path), str(path))
    return model.eval(), 256


class ImplicitMotion:
    """
    Reads the implicit motion of persons' frames and twin renders.

    ``weights``: see :func:`load_motion_extractor`; ``twin_landmarks`` ``(478, 3)`` px of the
    twin's neutral render of side ``twin_side`` (the framing persons are cropped to).
    """

    def __init__(self, weights: str | Path, twin_landmarks: np.ndarray, twin_side: int = 256,
                 device: torch.device | None = None):
        model, self.side = load_motion_extractor(weights)
        self.num_kp = model.config.num_kp
        self.device = device or torch.device('cpu')
        self.model = prepare_for_inference(model.to(self.device))
        self.framing = DrivingFraming(twin_landmarks, twin_side)
        self._track = None

    def reset(self) -> None:
        self._track = None

    @torch.inference_mode()
    def observe(self, images: list[np.ndarray], stamps) -> list[MotionState]:
        """Framed ``(S, S, 3)`` uint8 BGR images (twin renders as they are) -> states."""
        x = to_tensor(images, self.side, self.device)
        info = {k: v.float().cpu().numpy() for k, v in lp.motion_info(self.model(x)).items()}
        return [MotionState(float(stamp), info['kp'][i], info['R'][i], info['t'][i],
                            float(info['scale'][i]), info['exp'][i], float(info['pitch'][i]),
                            float(info['yaw'][i]), float(info['roll'][i]))
                for i, stamp in enumerate(stamps)]

    def __call__(self, image: np.ndarray, landmarks: np.ndarray, track_id: int,
                 stamp: float, still: bool = False) -> MotionState:
        """Read a person's frame (or a ``still``) ``(H, W, 3)`` uint8 BGR, cropped by landmarks."""
        if track_id != self._track or still:
            self.framing.reset()        # the crop scale is fixed at a person's first frame
            self._track = None if still else track_id
        return self.observe([self.framing(image, landmarks)], [stamp])[0]
