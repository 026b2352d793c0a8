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
FOMM's reconstruction metrics on held-out clips: L1, AKD and MKR.

Each clip is redrawn from its first frame (the source) and compared with the true frames.
L1: mean absolute pixel difference in [0, 1]; the copy-the-source baseline is the same with the
source itself as the prediction. AKD (average keypoint distance): mean distance in pixels
between the face landmarks the landmark model finds on the prediction and on the true frame
(478 mediapipe points instead of the paper's 68); MKR: the share of frames whose true face is
found but whose predicted face is not. Both L1 and AKD are also given for the copy.
"""

from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
import cv2
import numpy as np

DETECTION_SIDE = 256      # small frames are upscaled to this side before landmark detection


def _landmarks(detector: FaceMeshDetector, rgb: np.ndarray) -> np.ndarray | None:
    """``(478, 2)`` pixel landmarks in ``rgb``'s own pixels, or None."""
    scale = DETECTION_SIDE / rgb.shape[0]
    big = cv2.resize(rgb[..., ::-1], (DETECTION_SIDE, DETECTION_SIDE),
                     interpolation=cv2.INTER_CUBIC)
    faces = detector.detect(big)
    return faces[0].landmarks[:, :2] / scale if faces else None


def reconstruction_metrics(predicted: np.ndarray, videos: np.ndarray,
                           keypoints: bool = True) -> dict:
    """``predicted``, ``videos``: ``(N, T, H, W, 3)`` uint8 RGB -> metric dict."""
    truth = videos.astype(np.float32) / 255
    pred = predicted.astype(np.float32) / 255
    out = {'l1': float(np.abs(pred - truth).mean()),
           'copy_source_l1': float(np.abs(truth[:, :1] - truth).mean()),
           'frames': int(videos.shape[0] * videos.shape[1])}
    if not keypoints:
        return out
    distances, copy_distances, found, missed = [], [], 0, 0
    with FaceMeshDetector(LandmarkConfig(max_faces=1, static_images=True)) as detector:
        for clip_p, clip_t in zip(predicted, videos):
            source_pts = _landmarks(detector, clip_t[0])
            for j, (frame_p, frame_t) in enumerate(zip(clip_p, clip_t)):
                true_pts = source_pts if j == 0 else _landmarks(detector, frame_t)
                if true_pts is None:
                    continue
                found += 1
                if source_pts is not None:
                    copy_distances.append(np.linalg.norm(source_pts - true_pts, axis=1).mean())
                pred_pts = _landmarks(detector, frame_p)
                if pred_pts is None:
                    missed += 1
                    continue
                distances.append(np.linalg.norm(pred_pts - true_pts, axis=1).mean())

    def mean(values):
        return float(np.mean(values)) if values else float('nan')
    out.update({'akd_px': mean(distances), 'copy_source_akd_px': mean(copy_distances),
                'mkr': missed / found if found else float('nan'), 'akd_frames': found})
    return out
