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

"""Several people, still images and the debug image, on real frames."""

from dataclasses import replace

import cv2
import numpy as np

from ameca_imitation.face.draw import draw_observation
from ameca_imitation.face.features import FeatureExtractor
from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.face.pose import estimate_pose
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import Frame


def frames_of(path, count, start=0):
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    return [cap.read()[1] for _ in range(count)]


def test_main_face_is_kept_when_a_larger_one_appears(clip):
    small = [cv2.resize(f, (320, 180)) for f in frames_of(clip('single_face.mp4'), 40)]
    big = [f[:, 120:520] for f in frames_of(clip('WolfgangLanger_Pexels.mp4'), 40, start=250)]
    big = [cv2.resize(f, (320, 288)) for f in big]
    stage = MotionStage()
    boxes, tracks = [], []
    for i in range(40):
        canvas = np.zeros((288, 640, 3), np.uint8)
        canvas[54:234, :320] = small[i]
        if i >= 10:                                 # a second, larger face joins at frame 10
            canvas[:, 320:] = big[i]
        obs, _ = stage.process(Frame(canvas, i / 30, i))
        assert obs.face_found
        boxes.append(obs.box)
        tracks.append(obs.track_id)
    # With both visible the detector ranks the newcomer first; the tracker stays with the first.
    faces = FaceMeshDetector(LandmarkConfig(static_images=True)).detect(canvas)
    assert len(faces) == 2 and faces[0].box[0] > 320
    assert all(b[0] + b[2] < 330 for b in boxes) and len(set(tracks)) == 1


def test_still_image_against_population_neutral(schema):
    """A single still has no neutral of its own: the population neutral is used."""
    renderer = TwinRenderer(schema)
    extractor = FeatureExtractor()
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as det:
        def features(values):
            lm = det.detect(renderer.render(values).image)[0].landmarks
            return extractor.against_population(lm, estimate_pose(lm)[0])
        rest = features(schema.neutral)
        open_mouth = schema.neutral.copy()
        open_mouth[schema.index('Jaw Pitch')] = 0.5
        opened = features(open_mouth)
    assert opened['mouth_open'] > rest['mouth_open'] + 0.1
    assert abs(rest['mouth_open']) < 0.1


def test_recalibration_resets_the_neutral(clip):
    stage = MotionStage()
    frames = frames_of(clip('single_face.mp4'), 45)
    for i, f in enumerate(frames[:20]):
        stage.process(Frame(f, i / 30, i))
    smiling, _ = stage.process(Frame(frames[40], 40 / 30, 40))
    stage.recalibrate()
    again, _ = stage.process(Frame(frames[40], 41 / 30, 41))
    assert smiling.features['lip_corner_left'] > 0.05
    assert abs(again.features['lip_corner_left']) < 1e-9     # the smile is the new neutral
    # Downstream motion references (animators, motion policy) key on the track: it moves on.
    assert again.track_id == smiling.track_id + 1


def test_debug_image(clip):
    frame = frames_of(clip('single_face.mp4'), 1)[0]
    stage = MotionStage()
    obs, _ = stage.process(Frame(frame, 0.0, 0))
    drawn = draw_observation(frame, obs)
    assert drawn.shape == frame.shape and not np.array_equal(drawn, frame)
    assert np.array_equal(frame, frames_of(clip('single_face.mp4'), 1)[0])   # input untouched
    x, y, w, h = (int(v) for v in obs.box)
    inside = np.abs(drawn[y:y + h, x:x + w].astype(int) - frame[y:y + h, x:x + w]).sum(2) > 0
    assert inside.mean() > 0.02                   # landmarks drawn on the face
    empty = draw_observation(frame, type(obs).no_face(0.0))
    assert not np.array_equal(empty, frame)       # "no face" is written on the image
    # A part under a hand is named below the face box.
    covered = draw_observation(frame, replace(obs, hidden_parts=('mouth',)))
    below = slice(y + h, min(y + h + 20, frame.shape[0]))
    assert np.abs(covered[below].astype(int) - drawn[below]).sum() > 0
