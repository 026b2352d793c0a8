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

"""The whole chain in one process on a real clip, for each pipeline configuration."""

import time

import numpy as np
import pytest

from ameca_imitation.capture import open_source
from ameca_imitation.pipeline import Pipeline


@pytest.mark.parametrize('name', ['retarget', 'mesh', 'feature', 'image'])
def test_a_smile_raises_the_lip_corners(name, clip, schema):
    pipe = Pipeline.from_config(name)
    corner = [schema.index('Lip Corner Raise Left'), schema.index('Lip Corner Raise Right')]
    raw, commands = [], []
    with open_source(clip('single_face.mp4')) as src:
        for frame in src:
            res = pipe.step(frame, frame.stamp + 1 / src.fps)
            assert res.policy is not None
            raw.append(res.policy.values)
            commands.extend(res.commands)
            if name == 'image':
                assert res.animated is not None and res.animated.shape == (256, 256, 3)
    pipe.close()
    raw, commands = np.array(raw), np.array(commands)
    smile = raw[30:50, corner].mean()
    rest = raw[:10, corner].mean()
    assert smile > rest + 0.05 * schema.span[corner].mean(), (name, rest, smile)
    assert np.all(commands >= schema.live_min - 1e-9) and np.all(commands <= schema.live_max + 1e-9)


def test_unknown_pipeline_and_keys_are_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        Pipeline.from_config('nonexistent')
    bad = tmp_path / 'bad.yaml'
    bad.write_text('policy: feature\nwieghts: x\n')
    with pytest.raises(ValueError, match='wieghts'):
        Pipeline.from_config(str(bad))


def portraits(clip, folder, picks):
    """Write frames of the real clips as separate portrait files; return their names."""
    import cv2
    folder.mkdir()
    names = []
    for name, (video, index) in picks.items():
        cap = cv2.VideoCapture(str(clip(video)))
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, image = cap.read()
        cap.release()
        assert ok
        cv2.imwrite(str(folder / f'{name}.png'), image)
        names.append(name)
    return names


def test_portraits_are_each_measured_on_their_own(clip, schema, tmp_path):
    from ameca_imitation.cli.imitate import run
    picks = {'a_crying': ('WolfgangLanger_Pexels.mp4', 10),      # eyes squeezed shut
             'b_rest': ('single_face.mp4', 0), 'c_laugh': ('WolfgangLanger_Pexels.mp4', 400),
             'd_smile': ('single_face.mp4', 40)}
    names = portraits(clip, tmp_path / 'p', picks)
    summary = run(str(tmp_path / 'p'), tmp_path / 'out')
    assert summary['stills'] and summary['frames'] == 4
    policy = np.genfromtxt(tmp_path / 'out' / 'policy.csv', delimiter=',', skip_header=1)[:, 1:]
    lids = policy[:, [schema.index('Eyelid Upper Left'), schema.index('Eyelid Upper Right')]]
    by = dict(zip(names, lids.mean(1)))
    # The first image is not taken as everyone's neutral: the crying face's lids close.
    assert by['a_crying'] < schema.neutral[schema.index('Eyelid Upper Left')] - 0.4
    assert by['a_crying'] < min(by['b_rest'], by['c_laugh'], by['d_smile']) - 0.3
    # Order does not matter: each portrait alone gives the same controls.
    pipe = Pipeline.from_config('feature')
    for row, name in zip(policy, names):
        import cv2
        from ameca_imitation.types import Frame
        pipe.reset()
        res = pipe.step(Frame(cv2.imread(str(tmp_path / 'p' / f'{name}.png')), 0.0, 0), 1.0,
                        still=True)
        assert np.allclose(res.policy.values, row, atol=1e-4), name
    pipe.close()


def test_a_folder_can_be_one_persons_sequence(clip, tmp_path):
    from ameca_imitation.capture import open_source
    portraits(clip, tmp_path / 'seq', {f'{i:03d}': ('single_face.mp4', i) for i in range(0, 8)})
    with open_source(str(tmp_path / 'seq'), sequence=True) as src:
        assert not src.stills and src.fps == 30.0
    with open_source(str(tmp_path / 'seq' / '000.png')) as src:      # one image: a still
        assert src.stills and src.frame_count == 1


def test_a_still_does_not_start_from_the_previous_frames_face(clip, schema):
    """A portrait gives the controls it gives alone, whatever came before (a video, portraits)."""
    from ameca_imitation.evaluation.harness import EvalConfig, twin_round_trip
    from ameca_imitation.evaluation.stills import _frame_at
    from ameca_imitation.types import Frame
    laugh = _frame_at(clip('WolfgangLanger_Pexels.mp4'), 400)
    fresh = Pipeline.from_config('retarget')
    alone = fresh.step(Frame(laugh, 0.0, 0), 1.0, still=True).policy.values
    fresh.close()
    pipe = Pipeline.from_config('retarget')
    # A video first (the scoreboard's twin clips), then another portrait of her.
    twin_round_trip(pipe, schema, EvalConfig(twin_clips=1))
    for index in (10, 400):
        pipe.reset()
        pipe.step(Frame(_frame_at(clip('WolfgangLanger_Pexels.mp4'), index), 0.0, 0), 1.0,
                  still=True)
    pipe.reset()
    after = pipe.step(Frame(laugh, 0.0, 0), 1.0, still=True).policy.values
    pipe.close()
    assert np.allclose(after, alone, atol=1e-6)


def test_a_fixed_processing_charge_makes_the_commands_independent_of_load(clip):
    """A charged clock gives the same commands when the machine is slow; the live one does not."""
    def run(processing_s, slow):
        pipe = Pipeline.from_config('feature')
        pipe.processing_s = processing_s
        policy = pipe.policy

        def loaded(obs):
            time.sleep(0.03 if slow else 0.0)      # the machine busy with something else
            return policy(obs)
        pipe.policy = loaded
        commands = []
        with open_source(clip('single_face.mp4')) as src:
            for frame in src:
                if frame.index >= 40:
                    break
                commands.extend(pipe.step(frame, frame.stamp + 1 / src.fps).commands)
        pipe.close()
        return np.array(commands)

    assert np.array_equal(run(0.01, slow=False), run(0.01, slow=True))
    assert not np.allclose(run(None, slow=False), run(None, slow=True), atol=1e-6)
