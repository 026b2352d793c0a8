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

"""The weight-free animator on twin-to-twin driving: closer to the truth than the source."""

import numpy as np

from ameca_imitation.animation import AnimatorStage, LandmarkWarpAnimator
from ameca_imitation.animation.landmark_warp import WARP_POINTS
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import ExpressionLibrary
from ameca_imitation.types import FaceObservation


def test_warp_beats_the_unwarped_source_on_a_clip(schema):
    renderer = TwinRenderer(schema)
    source = renderer.render(schema.neutral)
    animator = LandmarkWarpAnimator(source.image, source.landmarks)
    l1_warp, l1_src, lm_warp, lm_src = [], [], [], []
    for values in ExpressionLibrary(schema).clips['emotions'].frames(5):
        truth = renderer.render(values)
        out = animator.animate(truth.landmarks[WARP_POINTS, :2])
        l1_warp.append(np.abs(out.astype(float) - truth.image).mean())
        l1_src.append(np.abs(source.image.astype(float) - truth.image).mean())
        # Where the warp puts the source's landmarks: invert the flow at the driving points.
        flow = animator.warp_flow(truth.landmarks[WARP_POINTS, :2])
        d = np.round(truth.landmarks[WARP_POINTS, :2]).astype(int).clip(0, 255)
        sampled = flow[d[:, 1], d[:, 0]]
        lm_warp.append(np.linalg.norm(sampled - source.landmarks[WARP_POINTS, :2], axis=1).mean())
        lm_src.append(np.linalg.norm(truth.landmarks[WARP_POINTS, :2]
                                     - source.landmarks[WARP_POINTS, :2], axis=1).mean())
    assert np.mean(l1_warp) < 0.8 * np.mean(l1_src), (np.mean(l1_warp), np.mean(l1_src))
    assert np.mean(lm_warp) < 0.4 * np.mean(lm_src), (np.mean(lm_warp), np.mean(lm_src))
    print(f'L1 {np.mean(l1_warp):.2f} vs {np.mean(l1_src):.2f} (source); landmarks '
          f'{np.mean(lm_warp):.2f} vs {np.mean(lm_src):.2f} px')


def test_identity_driving_returns_the_source(schema):
    source = TwinRenderer(schema).render(schema.neutral)
    animator = LandmarkWarpAnimator(source.image, source.landmarks)
    out = animator.animate(source.landmarks[WARP_POINTS, :2])
    assert np.abs(out.astype(int) - source.image).mean() < 0.5
    jac = np.tile(np.eye(2, dtype=np.float32), (len(WARP_POINTS), 1, 1))
    assert np.allclose(animator.warp_flow(source.landmarks[WARP_POINTS, :2], jac),
                       animator.warp_flow(source.landmarks[WARP_POINTS, :2]), atol=1e-3)


def test_stage_follows_a_person_relative_to_their_first_frame(schema):
    renderer = TwinRenderer(schema)
    source = renderer.render(schema.neutral)
    stage = AnimatorStage(source.image, source.landmarks)
    person = TwinRenderer(schema, size=200)        # another face size plays the person
    rest = person.render(schema.neutral).landmarks
    open_mouth = schema.neutral.copy()
    open_mouth[schema.index('Jaw Pitch')] = 0.5
    moved = person.render(open_mouth).landmarks
    obs = [FaceObservation(t, True, track_id=1, landmarks=lm) for t, lm in ((0, rest), (1, moved))]
    first = stage(obs[0])
    second = stage(obs[1])
    assert np.abs(first.astype(int) - source.image).mean() < 0.5     # neutral -> the source
    target = renderer.render(open_mouth).image.astype(float)
    assert np.abs(second - target).mean() < np.abs(source.image - target).mean()
    assert stage(FaceObservation.no_face(2.0)) is source.image


def test_a_still_moves_against_the_population_not_itself(schema):
    renderer = TwinRenderer(schema)
    source = renderer.render(schema.neutral)
    stage = AnimatorStage(source.image, source.landmarks)
    open_mouth = schema.neutral.copy()
    open_mouth[schema.index('Jaw Pitch')] = 0.5
    portrait = TwinRenderer(schema, size=200).render(open_mouth).landmarks
    obs = FaceObservation(0.0, True, track_id=1, landmarks=portrait)
    # As a video's first frame the portrait is its own neutral: nothing moves.
    assert np.abs(stage(obs).astype(int) - source.image).mean() < 0.5
    # Alone, it is measured against the neutral face: the mouth opens as much as it does in a
    # video that starts at rest.
    target = renderer.render(open_mouth).image.astype(float)
    stage.reset()
    rest = TwinRenderer(schema, size=200).render(schema.neutral).landmarks
    stage(FaceObservation(0.0, True, track_id=2, landmarks=rest))
    video = np.abs(stage(FaceObservation(1.0, True, track_id=2, landmarks=portrait)) - target)
    stage.reset()
    still = np.abs(stage(obs, still=True) - target)
    assert still.mean() < np.abs(source.image - target).mean()
    assert still.mean() < 1.1 * video.mean()
    # And a still is no one's first frame: the next video frame is still the reference.
    assert np.abs(stage(obs).astype(int) - source.image).mean() < 0.5
