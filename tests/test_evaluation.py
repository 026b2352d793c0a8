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

from ameca_imitation.cli.evaluate import main


def test_scoreboard_small(tmp_path):
    assert main(['--out', str(tmp_path), '--pipelines', 'retarget', '--clips', 'single_face.mp4',
                 '--twin-clips', '1', '--max-frames', '72']) == 0
    data = json.loads((tmp_path / 'eval.json').read_text())
    row = data['summary'][0]
    assert row['pipeline'] == 'retarget' and row['limit_violations'] == 0
    assert 0 <= row['twin_mae'] < 0.5
    clip = data['results']['retarget']['clips']['single_face.mp4']
    assert clip['frames'] == 72 and clip['frames_compared'] > 60
    # The twin's smile follows the person's: lip-corner features correlate over the clip.
    assert clip['feature_correlation']['lip_corner_left'] > 0.5
    assert 0 <= clip['emotion_agreement'] <= 1
    assert (tmp_path / 'eval.html').is_file() and (tmp_path / 'eval.md').is_file()
