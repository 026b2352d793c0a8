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

"""``ameca-twin``: contact sheet, clip video, detection check and the emotion judge."""

import cv2
import numpy as np

from ameca_imitation.cli.twin import contact_sheet, detection_rate, main
from ameca_imitation.evaluation.judge import judge_library
from ameca_imitation.evaluation.judge import EmotionJudge
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import ExpressionLibrary


def test_sheet_and_video(tmp_path, schema):
    assert main(['--size', '96', '--sheet', str(tmp_path / 's.png'),
                 '--video', str(tmp_path / 'v.mp4'), '--clip', 'blink']) == 0
    sheet = cv2.imread(str(tmp_path / 's.png'))
    lib = ExpressionLibrary(schema)
    assert sheet.shape[1] == 6 * 96 and sheet.shape[0] == 96 * -(-len(lib.poses) // 6)
    cap = cv2.VideoCapture(str(tmp_path / 'v.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == int(0.2 * 25) + 1


def test_detection_rate_is_reported(schema):
    result = detection_rate(TwinRenderer(schema), schema, 20, seed=3)
    assert result['renders'] == 20 and result['rate'] >= 0.9


def test_judge_reads_a_real_smile(clip):
    """The judge works on people: neutral start vs broad smile of single_face.mp4."""
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    judge = EmotionJudge()
    cap = cv2.VideoCapture(str(clip('single_face.mp4')))
    frames = [cap.read()[1] for _ in range(45)]
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as det:
        probs = [judge(f, det.detect(f)[0].box) for f in (frames[0], frames[40])]
    assert probs[1][3] > 0.5 > probs[0][3]               # happy
    assert np.isclose(probs[0].sum(), 1.0, atol=0.02)


def test_judge_reads_the_twins_happy_sad_and_surprise(schema):
    result = judge_library(TwinRenderer(schema), ExpressionLibrary(schema))
    assert result['labels']['happy']['label'] == 'happy'
    assert result['labels']['sad']['label'] == 'sad'
    assert result['labels']['surprise']['label'] == 'surprise'
    assert result['labels']['neutral']['label'] == 'neutral'
    assert sum(map(sum, result['confusion'])) == 7
