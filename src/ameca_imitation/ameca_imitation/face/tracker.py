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

"""Choose one main face among several and keep it: no flicker between people."""

from dataclasses import dataclass

from ameca_imitation.face.landmarks import DetectedFace


@dataclass
class TrackerConfig:
    min_iou: float = 0.3          # overlap with the last box that still counts as the same face
    patience: int = 10            # frames the main face may be missing before another is taken


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


class MainFaceTracker:
    """Keeps following the face it picked first (the largest); ``track_id`` counts new picks."""

    def __init__(self, config: TrackerConfig | None = None):
        self.config = config or TrackerConfig()
        self.track_id = 0
        self._box = None
        self._missing = 0

    def renew(self) -> None:
        """Count the followed face as a new pick: whoever keys on ``track_id`` starts again."""
        self.track_id += 1

    def update(self, faces: list[DetectedFace]) -> DetectedFace | None:
        """Pick the main face among ``faces`` (largest first), or None if it is not visible."""
        if self._box is not None:
            best = max(faces, key=lambda f: iou(f.box, self._box), default=None)
            # A lone face is the same person moving fast; among several, overlap decides.
            if best is not None and (len(faces) == 1
                                     or iou(best.box, self._box) >= self.config.min_iou):
                self._box, self._missing = best.box, 0
                return best
            self._missing += 1
            if self._missing <= self.config.patience:
                return None
            self._box = None
        if not faces:
            return None
        self.track_id += 1
        self._box, self._missing = faces[0].box, 0
        return faces[0]
