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

"""sensor_msgs/Image conversion from the spec, and MCAP bags written by the offline runner."""

import numpy as np
import pytest

from ameca_imitation.cli.imitate import main as imitate_main, run as imitate
from ameca_imitation.controls import ControlSchema
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.bag import read_bag
from ameca_imitation.trajectory import TrajectoryStage


@pytest.fixture(scope='module')
def types():
    return rc.rosbags_types('humble')


def test_image_round_trip_through_cdr(types):
    store, t = types
    img = np.random.default_rng(0).integers(0, 255, (37, 53, 3), dtype=np.uint8)
    raw = store.serialize_cdr(rc.image_to_msg(img, 1.5, t), 'sensor_msgs/msg/Image')
    back = rc.image_from_msg(store.deserialize_cdr(raw, 'sensor_msgs/msg/Image'))
    assert np.array_equal(back, img)


def test_padded_rows_rgb_and_big_endian(types):
    _, t = types
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    padded = np.zeros((2, 12), np.uint8)
    padded[:, :9] = rgb.reshape(2, 9)
    msg = t.Image(header=rc._header(0.0, t), height=2, width=3, encoding='rgb8', is_bigendian=0,
                  step=12, data=padded.ravel())
    assert np.array_equal(rc.image_from_msg(msg), rgb[:, :, ::-1])
    depth = np.array([[1, 256], [513, 65535]], np.uint16)
    msg16 = t.Image(header=rc._header(0.0, t), height=2, width=2, encoding='mono16',
                    is_bigendian=1, step=4, data=np.frombuffer(depth.astype('>u2').tobytes(), np.uint8))
    assert np.array_equal(rc.image_from_msg(msg16), depth)
    bad = t.Image(header=rc._header(0.0, t), height=2, width=3, encoding='rgb8', is_bigendian=0,
                  step=8, data=np.zeros(16, np.uint8))
    with pytest.raises(ValueError, match='step'):
        rc.image_from_msg(bad)
    with pytest.raises(ValueError, match='unsupported'):
        rc.image_from_msg(t.Image(header=rc._header(0.0, t), height=1, width=1, encoding='yuv422',
                                  is_bigendian=0, step=2, data=np.zeros(2, np.uint8)))


@pytest.fixture(scope='module')
def offline_run(clip, tmp_path_factory):
    out = tmp_path_factory.mktemp('imitate')
    summary = imitate(str(clip('single_face.mp4')), out)
    return out, summary


def test_offline_run_writes_everything(offline_run):
    out, summary = offline_run
    for name in ('imitation.mp4', 'controls.csv', 'policy.csv', 'controls.png', 'features.png',
                 'emotions.png', 'report.html', 'summary.json', 'bag/metadata.yaml'):
        assert (out / name).is_file(), name
    assert summary['frames'] == 72 and summary['frames_with_face'] == 72
    assert summary['frames_hidden_by_a_hand'] == {}               # no hand near his face
    assert summary['limit_violations'] == 0
    import cv2
    cap = cv2.VideoCapture(str(out / 'imitation.mp4'))
    ok, frame = cap.read()
    assert ok and frame.shape == (384, 4 * 384, 3)        # four captioned panels of 384 px
    assert not np.array_equal(frame[-20:, :300], np.zeros_like(frame[-20:, :300]))   # caption
    # The report compares the person with the twin as the landmark model sees both: his smile
    # shows on the twin's lip corners over time.
    fidelity = summary['fidelity']
    assert fidelity['feature_correlation']['lip_corner_left'] > 0.5
    assert 0.2 < fidelity['amplitude_ratio']['lip_corner_left'] < 5
    # ... and the twin's mesh does so too, measured on its exact landmarks.
    assert fidelity['exact_feature_correlation']['lip_corner_left'] > 0.5
    assert 0.2 < fidelity['exact_amplitude_ratio']['lip_corner_left'] < 5
    assert 'features.png' in (out / 'report.html').read_text()
    # The judge reads him smiling on the twin too, when he smiles.
    assert fidelity['emotions']['happy_correlation'] > 0.5
    assert 'emotions.png' in (out / 'report.html').read_text()


def test_bag_holds_every_topic_and_replays_through_the_core(offline_run):
    out, _ = offline_run
    schema = ControlSchema.default()
    counts, policy = {}, []
    for topic, stamp, msg in read_bag(out / 'bag'):
        counts[topic] = counts.get(topic, 0) + 1
        if topic == '/policy/controls':
            policy.append(rc.control_vector_from_msg(msg))
        if topic == '/face/observation':
            assert rc.observation_from_msg(msg).landmarks.shape == (478, 3)
        if topic == '/camera/image_raw/compressed':
            assert rc.compressed_from_msg(msg).shape == (360, 640, 3)
        if topic == '/animator/image/compressed':
            assert rc.compressed_from_msg(msg).shape == (256, 256, 3)
    for topic in ('/camera/image_raw/compressed', '/face/debug_image/compressed',
                  '/animator/image/compressed', '/ameca/twin_image/compressed'):
        assert counts[topic] == 72, topic
    assert counts['/face/observation'] == 72
    assert counts['/face/keypoints'] == 72 and counts['/policy/controls'] == 72
    assert counts['/ameca/command'] >= 100
    # Replay the recorded policy outputs through a fresh trajectory stage: same commands.
    stage = TrajectoryStage(schema)
    for cv in policy:
        assert cv.names == schema.names
        assert stage.push(cv.stamp, cv.values, cv.stamp)
        command = stage.tick(cv.stamp)
        assert np.all(command >= schema.live_min) and np.all(command <= schema.live_max)


def test_cli_bad_input_is_a_clear_error(tmp_path, caplog):
    assert imitate_main([str(tmp_path / 'nope.mp4'), '--out', str(tmp_path / 'o')]) == 2
    assert 'nope.mp4' in caplog.text
