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

"""Our .msg files through Debian's real ROS 2 IDL tooling and the rosbags type stores."""

from pathlib import Path
import shutil
import subprocess
import sys

import numpy as np
import pytest
from rosidl_parser.definition import IdlLocator, Message
from rosidl_parser.parser import parse_idl_file

from ameca_imitation.io import ros_convert as rc
from ameca_imitation.types import ControlVector, FaceObservation, Keypoints

MSG_DIR = rc.msg_dir()
NAMES = sorted(p.stem for p in MSG_DIR.glob('*.msg'))


def to_idl(package_dir: Path, msg: Path, out: Path) -> Message:
    """Run the real ``rosidl translate --to idl`` (a subprocess: empy's stdout proxy and pytest's
    capture do not mix), then parse the IDL with ``rosidl_parser``.
    """
    cmd = [sys.executable, '-c', 'import sys; from rosidl_cli.cli import main; sys.exit(main())',
           'translate', '--to', 'idl', '--output-path', str(out), 'ameca_imitation_msgs',
           str(msg.relative_to(package_dir))]
    result = subprocess.run(cmd, cwd=package_dir, capture_output=True, text=True)
    idl = out / 'msg' / (msg.stem + '.idl')
    if result.returncode != 0 or not idl.is_file():
        raise RuntimeError(f'rosidl translate failed: {result.stderr[-2000:]}')
    parsed = parse_idl_file(IdlLocator(out, idl.relative_to(out)))
    return parsed.content.get_elements_of_type(Message)[0]


def test_all_messages_present():
    assert NAMES == ['ControlVector', 'FaceObservation', 'Keypoints', 'MotionState']


@pytest.mark.parametrize('name', NAMES)
def test_rosidl_translates_and_parses(name, tmp_path):
    msg = to_idl(MSG_DIR.parent.resolve(), MSG_DIR.resolve() / f'{name}.msg', tmp_path)
    members = [m.name for m in msg.structure.members]
    assert members[0] == 'header'
    assert msg.structure.namespaced_type.name == name


@pytest.mark.parametrize('bad', ['float32 Values\n', 'float32 x\nfloat32 x\n',
                                 'flaot32 x\n', 'uint8 X=300\n'])
def test_rosidl_rejects_malformed(bad, tmp_path):
    pkg = tmp_path / 'ameca_imitation_msgs'
    (pkg / 'msg').mkdir(parents=True)
    shutil.copy(MSG_DIR.parent / 'package.xml', pkg / 'package.xml')
    (pkg / 'msg' / 'Bad.msg').write_text('std_msgs/Header header\n' + bad)
    with pytest.raises(RuntimeError, match='rosidl translate failed'):
        to_idl(pkg, pkg / 'msg' / 'Bad.msg', tmp_path / 'out')


@pytest.mark.parametrize('distro', ['humble', 'jazzy'])
def test_types_resolve_and_cdr_round_trips(distro):
    store, t = rc.rosbags_types(distro)
    rng = np.random.default_rng(1)
    names = tuple(f'c{i}' for i in range(30))
    cv = ControlVector(12.25, names, rng.uniform(0, 1, 30), normalised=True)
    obs = FaceObservation(3.5, True, (640, 360), 2, 0.9, (10, 20, 100, 120),
                          rng.uniform(0, 300, (478, 3)).astype(np.float32), 1.0, -2.0, 3.0,
                          {'mouth_open': 0.2, 'eye_open_left': -0.1}, ('mouth',))
    kp = Keypoints(1.0, rng.uniform(-1, 1, (26, 3)).astype(np.float32),
                   rng.normal(size=(26, 3, 3)).astype(np.float32), None)
    for core, to_msg, from_msg, msgtype in (
            (cv, rc.control_vector_to_msg, rc.control_vector_from_msg, 'ControlVector'),
            (obs, rc.observation_to_msg, rc.observation_from_msg, 'FaceObservation'),
            (kp, rc.keypoints_to_msg, rc.keypoints_from_msg, 'Keypoints')):
        full = f'ameca_imitation_msgs/msg/{msgtype}'
        raw = store.serialize_cdr(to_msg(core, t), full)
        back = from_msg(store.deserialize_cdr(raw, full))
        assert back.stamp == pytest.approx(core.stamp, abs=1e-9)
        if msgtype == 'ControlVector':
            assert back.names == names and np.allclose(back.values, cv.values, atol=1e-6)
        elif msgtype == 'FaceObservation':
            assert np.allclose(back.landmarks, obs.landmarks) and back.features.keys() == obs.features.keys()
            assert back.box == (10, 20, 100, 120) and back.yaw == pytest.approx(-2.0)
            assert back.hidden_parts == ('mouth',)
        else:
            assert np.allclose(back.jacobians, kp.jacobians) and back.covariances is None


@pytest.mark.parametrize('level', [0, 1, 2])
def test_diagnostics_carry_their_level_through_cdr(level):
    store, t = rc.rosbags_types('humble')
    msg = rc.diagnostics_to_msg(5.0, 'trajectory_node', {'accepted': 3, 'rate_hz': 30.0}, t,
                                level=level, message='stamp out of order' if level else '')
    back = store.deserialize_cdr(store.serialize_cdr(msg, 'diagnostic_msgs/msg/DiagnosticArray'),
                                 'diagnostic_msgs/msg/DiagnosticArray')
    status = back.status[0]
    assert status.level == level and status.name == 'trajectory_node'
    assert status.message == ('ok', 'stamp out of order', 'stamp out of order')[level]
    assert {kv.key: kv.value for kv in status.values} == {'accepted': '3', 'rate_hz': '30.000'}


def test_rosbags_rejects_a_missing_dependency():
    from rosbags.typesys import get_types_from_msg, get_typestore, Stores
    store = get_typestore(Stores.ROS2_HUMBLE)
    store.register(get_types_from_msg('nonexistent_msgs/Thing a\n', 'ameca_imitation_msgs/msg/Bad'))
    with pytest.raises(Exception):
        store.serialize_cdr(store.types['ameca_imitation_msgs/msg/Bad'](a=None),
                            'ameca_imitation_msgs/msg/Bad')
