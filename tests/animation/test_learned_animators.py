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

"""The learned animators in the pipeline: real frames, real forward passes, relative motion."""

import itertools
import shutil

import numpy as np
import pytest
import torch

from ameca_imitation.animation import AnimatorConfig, AnimatorStage
from ameca_imitation.animation.framing import opening_ratios
from ameca_imitation.animation.learned import LEARNED
from ameca_imitation.animation.training import (AnimatorTrainConfig, load_animator,
                                                save_animator)
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.capture import open_source
from ameca_imitation.cli import imitate
from ameca_imitation.pipeline import Pipeline
from ameca_imitation.weights import CheckpointError


@pytest.fixture(scope='module')
def frames(clip):
    """Twelve real frames, a fifth of a second apart: she moves between them."""
    with open_source(str(clip('single_face.mp4'))) as src:
        return list(itertools.islice(src, 0, 72, 6))


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """``ameca-train-animator`` folders of each model (random weights, the saved layout)."""
    out = {}
    for model in LEARNED:
        torch.manual_seed(0)
        folder = tmp_path_factory.mktemp(model)
        save_animator(folder, build_animator(model), AnimatorTrainConfig(model=model),
                      {'size': 64})
        out[model] = folder
    return out


def _drive(stage, result):
    """The animator's float output ``(1, 3, S, S)`` for one processed frame."""
    obs = result.observation
    with torch.no_grad():
        x = stage._tensor(stage.framing(result.frame.image, obs.landmarks))
        return stage.runner.drive(x, opening_ratios(obs.landmarks))


def _run(pipe, frames):
    return [pipe.step(f, f.stamp + 1 / 30) for f in frames]


@pytest.mark.parametrize('model', LEARNED)
def test_motion_is_relative_to_the_persons_first_frame(model, trained, frames):
    pipe = Pipeline.from_config('image', model=model, weights=str(trained[model]),
                                keep_up=False)
    results = _run(pipe, frames)
    assert all(r.animated_fresh and r.animated.shape == (256, 256, 3)
               and r.animated.dtype == np.uint8 for r in results)
    with_face = [r for r in results if r.observation.face_found]
    assert len(with_face) >= 10 and all(r.policy is not None for r in with_face)
    # Driven by the person's own reference frame, the source does not move: the output is the
    # model's redraw of the source from itself.
    stage, net = pipe.animator, load_animator(trained[model])
    with torch.no_grad():
        x = stage._tensor(stage.source)
        redrawn = net(x, x)['prediction']
    identity = stage._image(redrawn).astype(int)
    assert np.abs(with_face[0].animated.astype(int) - identity).max() <= 2
    # Later frames move it (in float: random weights move it little).
    moved = [(_drive(stage, with_face[0]) - redrawn).abs().max().item()]
    moved += [(_drive(stage, r) - redrawn).abs().max().item() for r in with_face[1:]]
    assert moved[0] < 1e-3 and 10 * moved[0] < min(moved[1:]), moved
    # A reset (new person, recalibrate) makes the next frame the reference again.
    pipe.reset()
    again = _run(pipe, frames[-1:])[0]
    assert np.abs(again.animated.astype(int) - identity).max() <= 2
    # Absolute motion does not start from the source.
    absolute = Pipeline.from_config('image', model=model, weights=str(trained[model]),
                                    keep_up=False, relative=False)
    first = _run(absolute, frames[:1])[0]
    assert (_drive(absolute.animator, first) - redrawn).abs().max().item() > 10 * moved[0]


def test_bad_weights_give_one_line_errors(trained, tmp_path, schema, caplog):
    source = np.zeros((256, 256, 3), np.uint8)
    landmarks = np.random.default_rng(0).uniform(64, 192, (478, 3)).astype(np.float32)
    with pytest.raises(FileNotFoundError, match='needs weights'):
        AnimatorStage(source, landmarks, AnimatorConfig(model='fomm'))
    with pytest.raises(CheckpointError, match="holds a 'liveportrait' animator, not 'fomm'"):
        AnimatorStage(source, landmarks,
                      AnimatorConfig(model='fomm', weights=str(trained['liveportrait'])))
    # An official LivePortrait folder whose motion extractor is another network's file.
    folder = tmp_path / 'liveportrait'
    folder.mkdir()
    for name in ('appearance_feature_extractor', 'motion_extractor', 'warping_module',
                 'spade_generator'):
        torch.save({'detector.stem.weight': torch.zeros(3)}, folder / f'{name}.pth')
    with pytest.raises(CheckpointError, match='missing keys .*unexpected keys .*detector.stem'):
        AnimatorStage(source, landmarks, AnimatorConfig(model='liveportrait',
                                                        weights=str(folder)))
    with pytest.raises(ValueError, match='unknown animator'):
        AnimatorConfig(model='wav2lip')
    bad = tmp_path / 'bad.yaml'
    bad.write_text('policy: image\nanimator: {model: fomm, stiching: false}\n')
    with pytest.raises(ValueError, match=r"unknown keys \['stiching'\]"):
        Pipeline.read_config(str(bad))
    # The offline runner: one line, exit 2, nothing written.
    caplog.clear()
    rc = imitate.main(['--out', str(tmp_path / 'out'), '--animator', 'fomm',
                       '--animator-weights', str(tmp_path / 'nowhere')])
    assert rc == 2 and not (tmp_path / 'out').exists()
    errors = [r.getMessage() for r in caplog.records if r.levelname == 'ERROR']
    assert len(errors) == 1 and 'nowhere' in errors[0] and '\n' not in errors[0]
    caplog.clear()
    rc = imitate.main(['--out', str(tmp_path / 'out'), '--animator', 'fomm',
                       '--animator-weights', str(trained['liveportrait'])])
    errors = [r.getMessage() for r in caplog.records if r.levelname == 'ERROR']
    assert rc == 2 and len(errors) == 1 and "not 'fomm'" in errors[0]
    shutil.rmtree(folder)


def test_a_photo_of_the_robot_is_the_source(trained, frames, schema, tmp_path):
    import cv2
    from ameca_imitation.face.motion import MotionStage
    from ameca_imitation.twin import TwinRenderer
    photo = tmp_path / 'ameca.png'
    cv2.imwrite(str(photo), TwinRenderer(schema, size=400).render(schema.neutral).image)
    twin = TwinRenderer(schema, size=256).render(schema.neutral)
    config = AnimatorConfig(model='fomm', weights=str(trained['fomm']), source=str(photo))
    stage = AnimatorStage(twin.image, twin.landmarks, config)
    # Cropped to 2.3 face sizes around the face found in it, at the stage's side.
    assert stage.source.shape == (256, 256, 3) and not np.array_equal(stage.source, twin.image)
    obs, _ = MotionStage().process(frames[0])
    assert stage(obs, frames[0].image).shape == (256, 256, 3)
    blank = tmp_path / 'blank.png'
    cv2.imwrite(str(blank), np.full((200, 200, 3), 128, np.uint8))
    with pytest.raises(ValueError, match='no face found'):
        AnimatorStage(twin.image, twin.landmarks, AnimatorConfig(
            model='fomm', weights=str(trained['fomm']), source=str(blank)))
