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
Hands over the face: which parts of the main face a hand hides, and what stands in for them.

The landmark model places every point even where a hand covers the face, and under a hand its
mouth is a guess (a faint smile in the WolfgangLanger clip, where she cries behind her hand from
2 s to 8 s). A hidden part's landmarks are replaced: they ease from the part's last view towards
a stand-in, placed with the measured head pose: a hidden eye moves as the other eye does while
that one is in view, anything else rests (the population neutral's). So everything downstream
(features, the mesh transfer, the landmark warp) moves that part of the robot's face to the
stand-in rather than copying the guess, and a hand brushing past an eye does not open it.
Hands come from mediapipe's hand landmarker, which ships inside the package.
"""

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from ameca_imitation.face import topology
from ameca_imitation.face.landmarks import mediapipe_solution
from ameca_imitation.face.pose import Similarity
from ameca_imitation.face.reference import reference_face
import cv2
import numpy as np

PARTS = ('mouth', 'left_eye', 'right_eye')
PARTNER_EYE = {'left_eye': 'right_eye', 'right_eye': 'left_eye'}


def rests(part: str, hidden) -> bool:
    """
    Tell whether a hidden ``part`` rests: the mouth does, an eye only while the other is hidden.

    An eye whose partner is in view moves as the partner does (:meth:`HandOcclusion.stand_in`).
    """
    return PARTNER_EYE.get(part, part) in hidden


def part_vertices(name: str) -> np.ndarray:
    """Mesh vertex indices of a part a hand can hide: ``mouth``, ``left_eye``, ``right_eye``."""
    if name == 'mouth':
        return topology.region('lips')
    side = name.split('_')[0]
    return np.union1d(topology.region(f'{side}_eye'), topology.region(f'{side}_eyebrow'))


# A hand as mediapipe's 21 points give it: the palm between the wrist and the knuckles, and a
# capsule along each bone of the thumb and fingers.
PALM = (0, 1, 5, 9, 13, 17)
BONES = ((1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8), (9, 10), (10, 11), (11, 12),
         (13, 14), (14, 15), (15, 16), (17, 18), (18, 19), (19, 20))


def under_hand(points: np.ndarray, hand: np.ndarray) -> np.ndarray:
    """
    Tell which of ``points`` ``(N, 2)`` pixels a ``hand`` ``(21, 2)`` pixels covers; ``(N,)`` bool.

    A finger is a third of the knuckles' span wide (index to little finger knuckle centres span
    three finger widths). The convex hull of the points would also cover the face between spread
    fingers, which stays in view.
    """
    radius = np.linalg.norm(hand[5] - hand[17]) / 6.0
    a, b = hand[[i for i, _ in BONES]], hand[[j for _, j in BONES]]      # (M, 2) bone ends
    ab = b - a
    t = np.clip(((points[:, None] - a) * ab).sum(-1) / np.maximum((ab ** 2).sum(-1), 1e-9),
                0.0, 1.0)                                                   # (N, M)
    nearest = a + t[..., None] * ab
    on_finger = (np.linalg.norm(points[:, None] - nearest, axis=-1) <= radius).any(1)
    palm = cv2.convexHull(hand[list(PALM)].astype(np.float32))
    on_palm = np.array([cv2.pointPolygonTest(palm, (float(x), float(y)), True) >= -radius
                        for x, y in points])
    return on_finger | on_palm


@dataclass
class OcclusionConfig:
    enabled: bool = True        # look for hands over the face (under 1 ms a frame more here)
    hidden_share: float = 0.33  # a part is hidden when this share of its points is under a hand
    hold_frames: int = 5        # a part stays hidden this many frames after the hand has left
    #                             it, so a hand brushing past does not make the face flicker
    ease_frames: float = 30.0   # a hidden part eases from its last view to rest with this time
    #                             constant, frames (a portrait has no last view: it rests)
    search_every: int = 3       # while no hand is in view, look for one every this many frames
    #                             (a hand in view is followed on every frame)


class HandOcclusion:
    """Per stream: the parts of the main face a hand hides, and their stand-in landmarks."""

    def __init__(self, config: OcclusionConfig | None = None, static_images: bool = False):
        self.config = config or OcclusionConfig()
        hands = mediapipe_solution('hands')
        # The lite model: a hand over the face is large in the frame.
        self._hands = hands.Hands(static_image_mode=static_images, max_num_hands=2,
                                  model_complexity=0)
        self._static = static_images
        self._parts = {name: part_vertices(name) for name in PARTS}
        self._rest = reference_face().vertices
        self._mirror = reference_face().mirror
        # Hands are looked for while the face landmarks are found: one frame costs about the
        # slower of the two, not their sum.
        self._worker = ThreadPoolExecutor(1, thread_name_prefix='hands')
        self._looking = None
        self.reset()

    def reset(self) -> None:
        """Forget the face seen so far (a new stream, or a portrait of its own)."""
        self._since_seen = {name: self.config.hold_frames + 1 for name in PARTS}
        self._last = self._rest.copy()     # (468, 3) model space: what each part last showed
        self._eased = dict.fromkeys(PARTS, 0.0)    # 0..1: a hidden part's way from it to its
        #                                            stand-in
        self._frames_without_hand = 0

    def hands(self, image: np.ndarray) -> list[np.ndarray]:
        """Return the hands' ``(21, 2)`` pixel points in a BGR ``(H, W, 3)`` uint8 image."""
        h, w = image.shape[:2]
        result = self._hands.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        return [np.array([(p.x * w, p.y * h) for p in hand.landmark], np.float64)
                for hand in result.multi_hand_landmarks or []]

    def look(self, image: np.ndarray) -> None:
        """Start looking for hands in a BGR ``image``; :meth:`__call__` takes the answer."""
        # No hand in view: the palm detector, the costly half, runs only every few frames.
        if (not self._static and self._frames_without_hand % max(self.config.search_every, 1)):
            self._looking = Future()
            self._looking.set_result([])
        else:
            self._looking = self._worker.submit(self.hands, image)

    def drop(self) -> None:
        """Wait for the hands of the image given to :meth:`look` and drop them (no face)."""
        if self._looking is not None:
            self._looking.result()
            self._looking = None

    def __call__(self, landmarks: np.ndarray,
                 fit: Similarity) -> tuple[np.ndarray, tuple[str, ...]]:
        """
        Find the parts a hand hides in the image given to :meth:`look`; stand in for them.

        ``landmarks``: the face's ``(478, 3)`` pixels; ``fit``: their head pose. Returns the
        landmarks (a float32 copy where a part is hidden) with each hidden part easing from its
        last view towards its stand-in (:meth:`stand_in`), placed with the head pose, and the
        hidden parts' names.
        """
        found, self._looking = self._looking.result(), None
        self._frames_without_hand = 0 if found else self._frames_without_hand + 1
        hidden = []
        for name, idx in self._parts.items():
            points = landmarks[idx, :2].astype(np.float64)
            seen = any(under_hand(points, hand).mean() >= self.config.hidden_share
                       for hand in found)
            self._since_seen[name] = 0 if seen else self._since_seen[name] + 1
            if self._since_seen[name] <= self.config.hold_frames:
                hidden.append(name)
        rate = 1.0 / max(self.config.ease_frames, 1.0)
        out = landmarks.astype(np.float32) if hidden else landmarks
        for name, idx in self._parts.items():
            if name not in hidden:
                self._last[idx] = fit.to_model(landmarks[idx].astype(np.float64))
                self._eased[name] = 0.0
                continue
            # A portrait has no last view: it shows its stand-in.
            self._eased[name] = 1.0 if self._static else (
                self._eased[name] + rate * (1.0 - self._eased[name]))
            target = self.stand_in(name, hidden, landmarks, fit)
            shown = self._last[idx] + self._eased[name] * (target - self._last[idx])
            out[idx] = fit.scale * shown @ fit.rotation.T + fit.translation
        return out, tuple(hidden)

    def stand_in(self, name: str, hidden: list[str], landmarks: np.ndarray,
                 fit: Similarity) -> np.ndarray:
        """
        Return what a hidden part shows, ``(P, 3)`` model space.

        A hidden eye whose partner is in view moves as the partner does, mirrored: the eyes
        close together, and an eye easing open while its partner stays shut would wink. Any
        other hidden part rests (the population neutral).
        """
        idx = self._parts[name]
        if rests(name, hidden):
            return self._rest[idx]
        opposite = self._mirror[idx]
        seen = fit.to_model(landmarks[opposite].astype(np.float64))
        return self._rest[idx] + (seen - self._rest[opposite]) * (-1.0, 1.0, 1.0)

    def close(self) -> None:
        self._worker.shutdown()
        self._hands.close()
