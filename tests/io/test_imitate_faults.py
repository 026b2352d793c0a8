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

"""``ameca-imitate`` as a user runs it: bad inputs and options, interrupted and failed runs."""

import json
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from ameca_imitation.cli.imitate import run

# Runs main() in a fresh interpreter and reports whether the heavy stack was ever imported.
PROBE = ('import sys; from ameca_imitation.cli.imitate import main; rc = main(sys.argv[1:]); '
         'print("LOADED", "torch" in sys.modules, "mediapipe" in sys.modules); sys.exit(rc)')


def imitate(*args, timeout=120):
    return subprocess.run([sys.executable, '-c', PROBE, *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


def write_video(path: Path, frames) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 30, (w, h))
    for f in frames:
        writer.write(f)
    writer.release()
    return path


def first_frames(clip_path, n):
    cap = cv2.VideoCapture(str(clip_path))
    frames = [cap.read()[1] for _ in range(n)]
    cap.release()
    return frames


@pytest.fixture
def bad_pipelines(tmp_path):
    files = {'keys': 'policy: feature\nwieghts: x\n', 'syntax': 'policy: [feature\n',
             'weights': 'policy: feature\nweights: /nonexistent/weights\n'}
    for name, text in files.items():
        (tmp_path / f'{name}.yaml').write_text(text)
    return tmp_path


@pytest.mark.parametrize('case', ['out is a file', 'out not writable', 'out is foreign',
                                  'unknown pipeline', 'pipeline keys', 'pipeline syntax',
                                  'missing weights', 'camera:abc', 'missing input'])
def test_bad_inputs_and_options_are_one_line_errors(case, clip, tmp_path, bad_pipelines):
    video = clip('single_face.mp4')
    out = tmp_path / 'out'
    args = {'out is a file': [video, '--out', video],
            'out not writable': [video, '--out', '/sys/ameca_imitation_out'],
            'out is foreign': [video, '--out', tmp_path],
            'unknown pipeline': [video, '--out', out, '--pipeline', 'nope'],
            'pipeline keys': [video, '--out', out, '--pipeline', bad_pipelines / 'keys.yaml'],
            'pipeline syntax': [video, '--out', out, '--pipeline', bad_pipelines / 'syntax.yaml'],
            'missing weights': [video, '--out', out, '--pipeline',
                                bad_pipelines / 'weights.yaml'],
            'camera:abc': ['camera:abc', '--out', out],
            'missing input': [tmp_path / 'nope.mp4', '--out', out]}[case]
    expected = {'out is a file': 'not a folder', 'out not writable': 'cannot write',
                'out is foreign': 'not from a previous run', 'unknown pipeline': 'choose one of',
                'pipeline keys': 'wieghts', 'pipeline syntax': 'not valid YAML',
                'missing weights': 'not found', 'camera:abc': 'must be a number',
                'missing input': 'does not exist'}[case]
    result = imitate(*args)
    errors = [line for line in result.stderr.splitlines() if line.startswith('ERROR')]
    assert result.returncode == 2, result.stderr
    assert 'Traceback' not in result.stderr
    assert len(errors) == 1 and expected in errors[0], result.stderr
    assert not out.exists()
    if not case.startswith('pipeline') and case not in ('unknown pipeline', 'missing weights'):
        # Checked before the pipeline was built: the models were never even imported.
        assert 'LOADED False False' in result.stdout


def test_a_failed_run_leaves_the_previous_run_untouched(clip, tmp_path):
    out = tmp_path / 'out'
    first = run(str(clip('single_face.mp4')), out, max_frames=5)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    broken = tmp_path / 'broken'
    broken.mkdir()
    (broken / 'a.jpg').write_bytes(b'not an image')
    result = imitate(broken, '--out', out)
    assert result.returncode == 2 and 'produced no frames' in result.stderr
    assert 'Traceback' not in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert json.loads((out / 'summary.json').read_text())['frames'] == first['frames'] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ['broken', 'out']   # no leftovers
    second = run(str(clip('single_face.mp4')), out, max_frames=3)        # a good re-run replaces
    assert second['frames'] == 3
    assert json.loads((out / 'summary.json').read_text())['frames'] == 3


def test_ctrl_c_stops_cleanly_and_writes_what_was_processed(clip, tmp_path):
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, '-m', 'ameca_imitation.cli.imitate',
                             str(clip('WolfgangLanger_Pexels.mp4')), '--out', str(out)],
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED='1'))
    staging = tmp_path / '.out.partial' / 'bag'
    end = time.monotonic() + 120
    while not staging.exists() and time.monotonic() < end:
        time.sleep(0.1)
    time.sleep(2.0)                                    # some frames into the clip
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert 'Traceback' not in stderr
    summary = json.loads((out / 'summary.json').read_text())
    assert summary['interrupted'] and 0 < summary['frames'] < 472
    assert (out / 'controls.csv').stat().st_size > 0 and (out / 'report.html').exists()
    commands = np.genfromtxt(out / 'controls.csv', delimiter=',', skip_header=1)
    assert len(commands) >= summary['frames']


def test_one_frame_truncated_and_faceless_videos(clip, tmp_path):
    frames = first_frames(clip('single_face.mp4'), 1)
    one = run(str(write_video(tmp_path / 'one.mp4', frames)), tmp_path / 'one')
    assert one['frames'] == 1 and one['frames_with_face'] == 1 and not one['warnings']

    data = Path(clip('WolfgangLanger_Pexels.mp4')).read_bytes()
    (tmp_path / 'cut.mp4').write_bytes(data[:len(data) // 2])
    cut = run(str(tmp_path / 'cut.mp4'), tmp_path / 'cut')
    assert 0 < cut['frames'] < 472
    assert any('truncated' in w for w in cut['warnings'])

    blank = [np.full((240, 320, 3), 90, np.uint8) for _ in range(10)]
    faceless = run(str(write_video(tmp_path / 'blank.mp4', blank)), tmp_path / 'blank')
    assert faceless['frames_with_face'] == 0
    assert any('no face' in w for w in faceless['warnings'])


def test_a_folder_with_a_broken_image_skips_it_and_says_so(clip, tmp_path):
    folder = tmp_path / 'portraits'
    folder.mkdir()
    for i, f in enumerate(first_frames(clip('single_face.mp4'), 2)):
        cv2.imwrite(str(folder / f'{i}.png'), f)
    (folder / '1b.jpg').write_bytes(b'\xff\xd8 truncated jpeg')
    summary = run(str(folder), tmp_path / 'out')
    assert summary['frames'] == 2 and summary['skipped_images'] == ['1b.jpg']
    assert any('skipped 1' in w for w in summary['warnings'])


def test_a_charged_clock_repeats_the_commands_and_a_negative_one_is_refused(clip, tmp_path):
    from ameca_imitation.cli.imitate import main
    video = clip('single_face.mp4')
    for name in ('a', 'b'):
        assert main([str(video), '--out', str(tmp_path / name), '--max-frames', '20',
                     '--processing-ms', '10']) == 0
    a, b = ((tmp_path / n / 'controls.csv').read_text() for n in ('a', 'b'))
    assert len(a.splitlines()) > 20 and a == b
    assert json.loads((tmp_path / 'a' / 'summary.json').read_text())['processing_ms'] == 10.0
    result = imitate(video, '--out', tmp_path / 'c', '--processing-ms', '-1')
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert 'processing-ms must be 0 or more' in result.stderr.splitlines()[-1]
    assert not (tmp_path / 'c').exists()
