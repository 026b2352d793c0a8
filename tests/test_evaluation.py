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

"""ameca-eval on a small configuration: every figure is there and sane."""

import json

import pytest
import torch

from ameca_imitation.animation.training import AnimatorTrainConfig, save_animator
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.cli.evaluate import main


def test_scoreboard_small(tmp_path):
    assert main(['--out', str(tmp_path), '--pipelines', 'retarget', '--clips', 'single_face.mp4',
                 '--twin-clips', '1', '--max-frames', '72']) == 0
    data = json.loads((tmp_path / 'eval.json').read_text())
    row = data['summary'][0]
    assert row['pipeline'] == 'retarget' and row['limit_violations'] == 0
    assert data['processing_ms'] == 10.0      # the default charge, recorded with the figures
    assert 0 <= row['twin_mae'] < 0.5
    clip = data['results']['retarget']['clips']['single_face.mp4']
    assert clip['frames'] == 72 and clip['frames_compared'] > 60
    # The twin's smile follows the person's: lip-corner features correlate over the clip.
    assert clip['feature_correlation']['lip_corner_left'] > 0.5
    assert 0 <= clip['emotion_agreement'] <= 1 and clip['happy_correlation'] > 0.5
    assert len(clip['series']['time']) == clip['frames_compared']
    # The twin's lip-corner range is of the same order as his (amplitude ratio, ranked as |log|).
    assert 0.2 < clip['core_amplitude_ratio']['lip_corner_left'] < 5
    assert 0 <= row['amplitude_error'] < 2
    # The same on the twin's exact landmarks: its mesh smiles when he does.
    assert clip['exact_feature_correlation']['lip_corner_left'] > 0.5
    assert 0.2 < clip['exact_core_amplitude_ratio']['lip_corner_left'] < 5
    assert 0 <= row['exact_amplitude_error'] < 2 and 'exact_feature_correlation' in row['ranks']
    assert (tmp_path / 'eval.html').is_file() and (tmp_path / 'eval.md').is_file()
    # Portraits alone: the hand-tuned gains open the jaw most for her laugh, close the lids most
    # for her crying, raise the corners for his smile, and follow the twin's known poses.
    checks = data['results']['retarget']['stills']['checks']
    assert checks['widest mouth, most open jaw'] and checks['shut eyes, lowest lids']
    assert checks['a smile raises the corners'] and checks['twin jaw open reads open']
    assert checks['gaze follows the irises sideways']
    assert checks['gaze follows the irises up and down']
    assert row['still_orderings'] >= 6 / 7
    report = (tmp_path / 'eval.html').read_text()
    assert 'features_single_face.png' in report and 'emotions_single_face.png' in report
    assert (tmp_path / 'emotions_single_face.png').is_file()


def test_scoreboard_with_a_learned_animator_skips_what_has_no_weights(tmp_path, monkeypatch):
    monkeypatch.setenv('AMECA_IMITATION_WEIGHTS', str(tmp_path / 'empty'))
    torch.manual_seed(0)
    folder = tmp_path / 'fomm'
    save_animator(folder, build_animator('fomm'), AnimatorTrainConfig(model='fomm'),
                  {'size': 64})
    out = tmp_path / 'eval'
    assert main(['--out', str(out), '--pipelines', 'image', 'mimetician', '--clips',
                 'single_face.mp4', '--twin-clips', '1', '--max-frames', '24', '--no-judge',
                 '--animator', 'fomm', '--animator-weights', str(folder)]) == 0
    data = json.loads((out / 'eval.json').read_text())
    assert 'x2control.pth' in data['results']['mimetician']['skipped']
    assert [row['pipeline'] for row in data['summary']] == ['image']
    image = data['results']['image']
    assert image['twin_round_trip']['frames'] > 50
    clip = image['clips']['single_face.mp4']
    assert clip['frames'] == 24 and 0 < clip['frames_animated'] <= 24
    assert clip['frames_compared'] > 15 and clip['limit_violations'] == 0
    # Nothing to evaluate: one line, exit 2.
    assert main(['--out', str(out), '--pipelines', 'mimetician', '--no-judge']) == 2


def test_exact_features_see_the_twins_mesh_not_the_landmark_models_reading():
    import numpy as np
    from ameca_imitation.controls import ControlSchema
    from ameca_imitation.twin.exact import ExactFeatures
    from ameca_imitation.face.features import FEATURE_NAMES
    from ameca_imitation.face.motion import MotionStage
    from ameca_imitation.twin import TwinRenderer
    from ameca_imitation.types import Frame
    schema = ControlSchema.default()
    twin = TwinRenderer(schema, size=256)
    neutral = twin.render(schema.neutral)
    exact = ExactFeatures(neutral.landmarks)
    assert np.abs(exact(neutral.landmarks)).max() < 1e-6
    smile = schema.neutral.copy()
    for side in ('Left', 'Right'):
        smile[schema.names.index(f'Lip Corner Raise {side}')] = 0.9
    render = twin.render(smile)
    true = dict(zip(FEATURE_NAMES, exact(render.landmarks)))
    observer = MotionStage.of_twin()
    observer.calibrate_on(neutral.image)
    seen, _ = observer.process(Frame(render.image, 0.0, 0))
    observer.close()
    for side in ('left', 'right'):
        corner = f'lip_corner_{side}'
        # The mesh raises the corners; the landmark model reads well under that on the render.
        assert true[corner] > 0.1 and seen.features[corner] < 0.8 * true[corner]


def test_amplitude_ratio_is_the_twins_range_over_the_persons():
    import numpy as np
    from ameca_imitation.evaluation.metrics import amplitude_ratios
    t = np.linspace(0, 6, 300)
    person = np.stack([np.sin(t), np.cos(t), np.zeros_like(t)], 1)
    robot = np.stack([0.5 * np.sin(t) + 0.1, 2.0 * np.cos(t), np.sin(t)], 1)
    ratio = amplitude_ratios(person, robot, ['a', 'b', 'still'])
    assert ratio['a'] == pytest.approx(0.5) and ratio['b'] == pytest.approx(2.0)
    assert np.isnan(ratio['still'])             # the person's feature never moved


def test_emotion_figures_compare_the_readings_frame_by_frame():
    import numpy as np
    from ameca_imitation.evaluation.judge import LABELS
    from ameca_imitation.evaluation.metrics import emotion_figures

    def reading(label, p=0.8):
        v = np.full(len(LABELS), (1 - p) / (len(LABELS) - 1))
        v[LABELS.index(label)] = p
        return v
    person = np.array([reading('sad')] * 4 + [reading('happy', p) for p in (0.5, 0.7, 0.9)])
    same = emotion_figures(person, person, LABELS)
    assert same['emotion_agreement'] == 1 and same['happy_correlation'] == pytest.approx(1)
    assert same['twin_negative_when_person_negative'] == 1
    # A twin that stays neutral while she cries, and smiles when she does, but with fear read
    # for sad: top labels differ on the crying frames, valence agrees there.
    twin = np.array([reading('neutral')] * 2 + [reading('fear')] * 2
                    + [reading('happy', p) for p in (0.5, 0.7, 0.9)])
    f = emotion_figures(person, twin, LABELS)
    assert f['emotion_agreement'] == pytest.approx(3 / 7)
    assert f['valence_agreement'] == pytest.approx(5 / 7)
    assert f['twin_negative_when_person_negative'] == pytest.approx(0.5)
    assert f['happy_correlation'] > 0.9
