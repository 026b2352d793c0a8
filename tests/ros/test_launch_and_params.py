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

"""The launch file and parameter files, checked against a real colcon install tree (tiers 5-6).

ROS 2's launch cannot run here, so the launch file is read as Python source: every node it
starts must exist as an installed executable, and every parameter in config/imitation.yaml must
be declared by its node with a default of the same type.
"""

import ast
from pathlib import Path
import subprocess

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = ROOT / 'launch' / 'imitation.launch.py'
PARAMS = ROOT / 'config' / 'imitation.yaml'
NODE_SOURCES = {
    'camera_node': 'src/face_animator_node/face_animator_node/camera_node.py',
    'motion_node': 'src/face_animator_node/face_animator_node/motion_node.py',
    'animator_node': 'src/face_animator_node/face_animator_node/animator_node.py',
    'policy_node': 'src/policy_node/policy_node/policy_node.py',
    'trajectory_node': 'src/ameca_driver/ameca_driver/trajectory_node.py',
    'driver_node': 'src/ameca_driver/ameca_driver/driver_node.py',
}


@pytest.fixture(scope='module')
def install(tmp_path_factory):
    """A fresh colcon build of every Python package into a temporary install tree."""
    base = tmp_path_factory.mktemp('colcon')
    cmd = ['colcon', 'build', '--packages-ignore', 'ameca_imitation_msgs',
           '--build-base', str(base / 'build'), '--install-base', str(base / 'install'),
           '--event-handlers', 'console_cohesion-']
    env = {'PATH': '/usr/bin:/bin', 'HOME': str(base)}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return base / 'install'


def launched_nodes():
    """(package, executable, name) of every Node/LifecycleNode the launch file starts."""
    tree = ast.parse(LAUNCH.read_text())
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, 'id', getattr(call.func, 'attr', ''))
        kw = {k.arg: k.value for k in call.keywords}
        if name in ('Node', 'LifecycleNode') and isinstance(kw.get('package'), ast.Constant):
            found.append((kw['package'].value, kw['executable'].value))
        elif name == 'node' and len(call.args) >= 2:      # the launch file's own helper
            found.append((call.args[0].value, call.args[1].value))
    return found


def declared_parameters(source: Path) -> dict:
    params = {}
    for call in ast.walk(ast.parse(source.read_text())):
        if (isinstance(call, ast.Call) and getattr(call.func, 'attr', '') == 'declare_parameter'):
            params[call.args[0].value] = ast.literal_eval(call.args[1])
    return params


def test_every_launched_node_is_installed(install):
    nodes = launched_nodes()
    ours = [(p, e) for p, e in nodes if p != 'rviz2']
    assert {e for _, e in ours} == set(NODE_SOURCES)
    for package, executable in ours:
        exe = install / package / 'lib' / package / executable
        assert exe.is_file(), f'{exe} missing from the install tree'
        # The console script resolves to a module with main() in the installed package.
        entry_points = next((install / package / 'lib').glob('python3*/site-packages/*.egg-info'
                                                             '/entry_points.txt'))
        target = f'{executable} = {package}.{executable}:main'
        assert target in entry_points.read_text(), target
        module = next((install / package / 'lib').glob(f'python3*/site-packages/{package}/'
                                                       f'{executable}.py'))
        assert 'def main(' in module.read_text()
    share = install / 'ameca_imitation' / 'share' / 'ameca_imitation'
    for path in ('launch/imitation.launch.py', 'launch/imitation.rviz', 'config/imitation.yaml',
                 'config/ameca_controls.yaml', 'package.xml'):
        assert (share / path).is_file(), path
    assert (install / 'ameca_driver/share/ameca_driver/tritium/ameca_imitation_bridge.py').is_file()
    marker = install / 'ameca_imitation/share/ament_index/resource_index/packages/ameca_imitation'
    assert marker.is_file()


def test_launch_arguments():
    tree = ast.parse(LAUNCH.read_text())
    args = next(n for n in ast.walk(tree) if isinstance(n, ast.Assign)
                and getattr(n.targets[0], 'id', '') == 'ARGUMENTS')
    names = {k.value for k in args.value.keys}
    assert {'input', 'mode', 'driver', 'robot_address', 'namespace', 'twin'} <= names


def test_parameter_file_matches_the_nodes():
    data = yaml.safe_load(PARAMS.read_text())
    # '/**/name' applies in any namespace; a bare name would only match the root namespace.
    assert all(key.startswith('/**/') for key in data), list(data)
    data = {key.removeprefix('/**/'): body for key, body in data.items()}
    assert set(data) == set(NODE_SOURCES)
    for node, body in data.items():
        assert list(body) == ['ros__parameters'], node
        declared = declared_parameters(ROOT / NODE_SOURCES[node])
        for name, value in body['ros__parameters'].items():
            assert name in declared, f'{node} does not declare {name!r}'
            assert type(value) is type(declared[name]), f'{node}.{name}: {value!r} vs {declared[name]!r}'


def test_image_topics_use_sensor_qos_and_only_nodes_import_rclpy():
    for node, path in NODE_SOURCES.items():
        text = (ROOT / path).read_text()
        for call in ast.walk(ast.parse(text)):
            if isinstance(call, ast.Call) and getattr(call.func, 'attr', '') in (
                    'create_subscription', 'create_publisher'):
                msg_type = ast.unparse(call.args[0])
                qos = ast.unparse(call.args[-1])
                if msg_type == 'Image':
                    assert qos == 'qos_profile_sensor_data', f'{node}: image topic with {qos}'
                topic = call.args[1 if 'publisher' in call.func.attr else 1]
                if isinstance(topic, ast.Constant) and topic.value != '/diagnostics':
                    assert not topic.value.startswith('/'), f'{node}: absolute topic {topic.value}'
    core = ROOT / 'src' / 'ameca_imitation' / 'ameca_imitation'
    for path in core.rglob('*.py'):
        tree = ast.parse(path.read_text())
        for imp in ast.walk(tree):
            if isinstance(imp, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in imp.names] if isinstance(imp, ast.Import) else [imp.module]
                assert not any(n and n.split('.')[0] == 'rclpy' for n in names), path
