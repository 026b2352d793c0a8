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

"""A hand over the face, on real video: the hidden part is shown at rest, the rest as seen."""

import numpy as np
import pytest

from ameca_imitation.capture import open_source
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.face.motion import MotionConfig, MotionStage
from ameca_imitation.face.occlusion import OcclusionConfig, part_vertices
from ameca_imitation.types import Frame

MOUTH_FEATURES = ('mouth_open', 'lip_corner_left', 'lip_corner_right', 'lip_stretch_left',
                  'lip_stretch_right', 'lower_lip_depress')


def run(path, hands: bool, frames: int, **occlusion):
    stage = MotionStage(MotionConfig(occlusion=OcclusionConfig(enabled=hands, **occlusion)))
    out = []
    with open_source(str(path)) as src:
        for frame in src:
            if frame.index >= frames:
                break
            out.append(stage.process(frame)[0])
    stage.close()
    return out


@pytest.fixture(scope='module')
def crying(clip):
    """The first 8 s of WolfgangLanger: she cries, from about 2 s on behind her hand."""
    path = clip('WolfgangLanger_Pexels.mp4')
    return run(path, True, 240), run(path, False, 240)


def test_a_hand_over_the_mouth_hides_the_mouth_and_only_while_it_is_there(crying):
    with_hands, _ = crying
    hidden = np.array(['mouth' in o.hidden_parts for o in with_hands])
    assert not hidden[:50].any()                 # before her hand comes up (frame 10: no hand)
    assert hidden[90:200].mean() > 0.8           # her right hand over her mouth and nose
    assert not any('left_eye' in o.hidden_parts for o in with_hands)   # far from her hand


def test_the_hidden_mouth_eases_to_rest_and_the_free_eye_is_still_measured(crying):
    with_hands, without = crying
    mouth = [FEATURE_NAMES.index(n) for n in MOUTH_FEATURES]
    eye = FEATURE_NAMES.index('eye_open_left')
    on = np.array([[o.features[n] for n in FEATURE_NAMES] for o in with_hands])
    off = np.array([[o.features[n] for n in FEATURE_NAMES] for o in without])
    # Without the hand check the landmark model's guess of her mouth reaches the robot.
    assert np.abs(off[100:146, mouth]).max() > 0.04
    # With it, 40-90 frames after her hand came up the mouth is close to the neutral.
    assert np.abs(on[100:146, mouth]).mean() < 0.5 * np.abs(off[100:146, mouth]).mean()
    # Easing, not jumping: the mouth moves less per frame than the guess did.
    assert np.abs(np.diff(on[55:146, mouth], axis=0)).max() < np.abs(
        np.diff(off[55:146, mouth], axis=0)).max()
    # Her closed left eye is seen as before.
    assert np.allclose(on[:, eye], off[:, eye], atol=0.02)
    assert on[90:200, eye].mean() < -0.15


def test_a_hidden_eye_closes_with_the_eye_in_view(clip):
    """From about 3 s her hand also covers her right eye; both stay shut, as her left one."""
    # Eased at once, so the stand-in shows alone (not her right eye's last view, also shut).
    seen = run(clip('WolfgangLanger_Pexels.mp4'), True, 146, ease_frames=1.0)
    alone = [o for o in seen if o.hidden_parts == ('mouth', 'right_eye')]
    assert len(alone) >= 15
    left, right = (np.array([o.features[f'eye_open_{side}'] for o in alone])
                   for side in ('left', 'right'))
    assert left.mean() < -0.15                      # shut, seen
    assert np.abs(right - left).max() < 0.05        # and the hidden one with it, not at rest


def test_the_stand_in_mouth_follows_the_head(crying):
    with_hands, without = crying
    lips = part_vertices('mouth')
    pairs = [(o, w) for o, w in zip(with_hands[90:200:10], without[90:200:10])
             if 'mouth' in o.hidden_parts]
    assert len(pairs) >= 8
    for o, w in pairs:
        shift = np.linalg.norm(o.landmarks[lips, :2] - w.landmarks[lips, :2], axis=1)
        eye_distance = np.linalg.norm(w.landmarks[33, :2] - w.landmarks[263, :2])
        # Replaced, but in place: within a fraction of the face, not thrown across the frame.
        assert 0 < shift.mean() < 0.3 * eye_distance
        hidden = np.concatenate([part_vertices(p) for p in o.hidden_parts])
        rest = np.setdiff1d(np.arange(468), hidden)
        assert np.allclose(o.landmarks[rest], w.landmarks[rest])


def test_faces_without_hands_are_untouched(clip):
    with_hands = run(clip('single_face.mp4'), True, 72)
    without = run(clip('single_face.mp4'), False, 72)
    assert all(o.hidden_parts == () for o in with_hands)
    for o, w in zip(with_hands, without):
        assert o.face_found == w.face_found
        if o.face_found:
            assert np.allclose(o.landmarks, w.landmarks)


def test_a_still_with_a_hand_over_the_mouth_is_hidden_on_its_own(clip):
    images = {}
    with open_source(str(clip('WolfgangLanger_Pexels.mp4'))) as src:
        for frame in src:
            if frame.index in (10, 100):
                images[frame.index] = frame.image
            if frame.index > 100:
                break
    stage = MotionStage()
    # Out of order, as an image folder may be: each portrait judged alone.
    hand = stage.process(Frame(images[100], 0.0, 0), still=True)[0]
    free = stage.process(Frame(images[10], 1.0, 1), still=True)[0]
    stage.close()
    assert hand.hidden_parts == ('mouth',) and free.hidden_parts == ()
