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

"""
Start the imitation graph as the launch file does, without ROS 2's ``launch`` (no wheel here).

The launch file stays the one source of truth: its node table (package, executable, the
launch arguments each node's parameters take, conditions) is read from its source, and each
node becomes a process of the colcon install tree with the same parameter file, overrides and
namespace. The tests and ``bench/bench_ros_graph.py`` use this.
"""

import ast
from dataclasses import dataclass, field
import os
from pathlib import Path
import signal
import subprocess
import time

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = ROOT / 'launch' / 'imitation.launch.py'
SHM_PROFILE = ROOT / 'config' / 'fastdds_shm.xml'    # the probe's (same file as installed)
INSTALL = ROOT / 'install'


@dataclass
class LaunchedNode:
    package: str
    executable: str
    overrides: dict = field(default_factory=dict)   # parameter -> launch argument
    condition: str | None = None                     # Python expression over the arguments
    lifecycle: bool = False


def _arg_name(node) -> str | None:
    """Return ``x`` for the launch file's ``arg('x')`` (a LaunchConfiguration), else None."""
    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'arg':
        return node.args[0].value
    return None


def _expression(node, exprs: dict) -> str | None:
    """Turn a condition into a Python expression over ``args`` (IfCondition only)."""
    if not (isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'IfCondition'):
        return None
    inner = node.args[0]
    if _arg_name(inner):
        return f"args[{_arg_name(inner)!r}] == 'true'"
    if isinstance(inner, ast.Name) and inner.id in exprs:
        return exprs[inner.id]
    raise ValueError(f'unsupported launch condition: {ast.unparse(node)}')


def _python_expression(call) -> str | None:
    """``PythonExpression(["'", arg('a'), "' == 'x'"])`` -> ``"'" + args['a'] + "' == 'x'"``."""
    parts = []
    for item in call.args[0].elts:
        if _arg_name(item):
            parts.append(f'args[{_arg_name(item)!r}]')
        elif isinstance(item, ast.Constant):
            parts.append(repr(item.value))
        else:
            return None        # not a condition over arguments alone (the params file's path)
    return f'eval({" + ".join(parts)})'


def read_launch_file(path: Path = LAUNCH) -> tuple[dict, list[LaunchedNode]]:
    """Return the launch arguments' defaults and the nodes the launch file starts."""
    tree = ast.parse(path.read_text())
    arguments, exprs, nodes = {}, {}, []
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
            if name == 'ARGUMENTS':
                arguments = {k: v[0] for k, v in ast.literal_eval(value).items()}
            elif (isinstance(value, ast.Call)
                  and getattr(value.func, 'id', '') == 'PythonExpression'):
                exprs[name] = _python_expression(value)
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        kind = getattr(call.func, 'id', '')
        kw = {k.arg: k.value for k in call.keywords}
        if kind == 'node':                       # the launch file's helper for plain nodes
            overrides = call.args[2] if len(call.args) > 2 else None
            node = LaunchedNode(call.args[0].value, call.args[1].value)
        elif kind == 'Node' and isinstance(kw.get('package'), ast.Constant):
            overrides = None
            node = LaunchedNode(kw['package'].value, kw['executable'].value)
        elif kind == 'LifecycleNode':
            overrides = next(e for e in kw['parameters'].elts if isinstance(e, ast.Dict))
            node = LaunchedNode(kw['package'].value, kw['executable'].value, lifecycle=True)
        else:
            continue
        if isinstance(overrides, ast.Dict):
            node.overrides = {k.value: _arg_name(v) for k, v in zip(overrides.keys,
                                                                    overrides.values)}
        if 'condition' in kw:
            node.condition = _expression(kw['condition'], exprs)
        nodes.append(node)
    return arguments, nodes


def ros_value(text: str) -> str:
    """A launch argument (a string) as a ``-p name:=value`` value: '' stays a string."""
    return "''" if text == '' else text


class Graph:
    """
    The nodes of the launch file as processes: ``with Graph(input=..., driver='zmq') as g:``.

    Launch arguments are keywords (the launch file's defaults otherwise). Output of each node
    goes to ``logs/<node>.log``. ``stop()`` sends SIGINT to all, as ``ros2 launch`` does, and
    returns their exit codes.
    """

    def __init__(self, logs: Path, install: Path = INSTALL, env: dict | None = None, **args):
        defaults, self.table = read_launch_file()
        unknown = set(args) - set(defaults)
        if unknown:
            raise ValueError(f'unknown launch arguments {sorted(unknown)}')
        self.args = {**defaults, **{k: str(v) for k, v in args.items()}}
        self.install, self.logs = install, Path(logs)
        self.env = dict(os.environ if env is None else env)
        # As the launch file: its argument, else the environment's profile, else the shipped one.
        self.env['FASTDDS_DEFAULT_PROFILES_FILE'] = str(
            self.args['fastdds_profile'] or self.env.get('FASTDDS_DEFAULT_PROFILES_FILE')
            or self.share / 'config' / 'fastdds_shm.xml')
        self.env.setdefault('PYTHONUNBUFFERED', '1')
        self.procs: dict[str, subprocess.Popen] = {}

    @property
    def share(self) -> Path:
        """``share/ameca_imitation`` of the install tree (config/, launch/)."""
        return self.install / 'ameca_imitation' / 'share' / 'ameca_imitation'

    @property
    def namespace(self) -> str:
        return '/' + self.args['namespace'].strip('/') if self.args['namespace'] else ''

    def nodes(self) -> list[LaunchedNode]:
        """The nodes the launch file would start with these arguments (rviz2 aside)."""
        return [n for n in self.table if n.package != 'rviz2'
                and (n.condition is None or eval(n.condition, {}, {'args': self.args}))]

    def command(self, node: LaunchedNode) -> list[str]:
        exe = self.install / node.package / 'lib' / node.package / node.executable
        params = self.args['params_file'] or str(self.share / 'config' / 'imitation.yaml')
        cmd = [str(exe), '--ros-args', '-r', f'__node:={node.executable}',
               '--params-file', params]
        if self.namespace:
            cmd += ['-r', f'__ns:={self.namespace}']
        for param, arg in node.overrides.items():
            cmd += ['-p', f'{param}:={ros_value(self.args[arg])}']
        return cmd

    def start(self, names=None, but=()) -> None:
        """Start the nodes named (all by default) except those in ``but``."""
        self.logs.mkdir(parents=True, exist_ok=True)
        for node in self.nodes():
            if (names is not None and node.executable not in names) or node.executable in but:
                continue
            out = open(self.logs / f'{node.executable}.log', 'w')
            self.procs[node.executable] = subprocess.Popen(
                self.command(node), env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def bring_up(self, probe: 'Probe', timeout_s: float = 90.0) -> None:
        """
        Start the graph with the camera last, once every other node is up; then ``autostart``.

        A node is up when its /diagnostics arrive (``probe`` listens to them). Starting the
        camera last makes a clip's first frame the first one processed, as offline; the
        lifecycle transitions are those the launch file emits when ``autostart`` is true.
        """
        self.start(but=('camera_node',))
        others = {f'{self.namespace}/{n}' for n in self.procs}
        if not probe.wait_for(lambda: others <= probe.diagnosed(), timeout_s):
            raise TimeoutError(f'nodes not up: {sorted(others - probe.diagnosed())}')
        if self.args['autostart'] == 'true':
            driver = f'{self.namespace}/driver_node'
            if not (probe.lifecycle(driver, 'configure') and probe.lifecycle(driver, 'activate')):
                raise RuntimeError('the driver did not activate: ' + self.log('driver_node'))
        self.start(['camera_node'])

    def log(self, name: str) -> str:
        return (self.logs / f'{name}.log').read_text(errors='replace')

    def kill(self, name: str) -> None:
        """SIGKILL one node (a crash, as far as the others can tell)."""
        self.procs[name].kill()
        self.procs[name].wait()

    def stop(self, timeout_s: float = 15.0) -> dict[str, int]:
        """SIGINT every running node; return each one's exit code (SIGKILLed: -9)."""
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        end = time.monotonic() + timeout_s
        codes = {}
        for name, p in self.procs.items():
            try:
                codes[name] = p.wait(timeout=max(end - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                p.kill()
                codes[name] = p.wait()
        return codes

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class Probe:
    """
    An rclpy node in the test's own process: records what arrives, calls services.

    ``got[topic]`` is a list of ``(receive time (wall clock, s), message)``. Spins in a thread. It
    takes the same Fast DDS profile as the graph (read when the first participant is made).
    """

    def __init__(self, name: str = 'graph_probe'):
        import threading
        os.environ.setdefault('FASTDDS_DEFAULT_PROFILES_FILE', str(SHM_PROFILE))

        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        self._rclpy = rclpy
        self.context = rclpy.Context()
        rclpy.init(context=self.context)
        self.node = rclpy.create_node(name, context=self.context)
        self.got: dict[str, list] = {}
        self._executor = SingleThreadedExecutor(context=self.context)
        self._executor.add_node(self.node)
        self._thread = threading.Thread(target=self._executor.spin, daemon=True)
        self._thread.start()

    def listen(self, topic: str, msg_type, qos=10):
        box = self.got.setdefault(topic, [])
        return self.node.create_subscription(
            msg_type, topic, lambda m: box.append((time.time(), m)), qos)

    def wait_for(self, done, timeout_s: float) -> bool:
        """Poll ``done()`` until it is true or ``timeout_s`` passes; return its last value."""
        end = time.monotonic() + timeout_s
        while not done() and time.monotonic() < end:
            time.sleep(0.05)
        return bool(done())

    def call(self, srv_type, name: str, request, timeout_s: float = 10.0):
        client = self.node.create_client(srv_type, name)
        if not client.wait_for_service(timeout_sec=timeout_s):
            raise TimeoutError(f'service {name} did not appear')
        future = client.call_async(request)
        if not self.wait_for(future.done, timeout_s):
            raise TimeoutError(f'service {name} did not answer')
        self.node.destroy_client(client)
        return future.result()

    def lifecycle(self, node: str, transition: str) -> bool:
        """Ask lifecycle node ``node`` (full name) for ``transition`` (``'configure'``, ...)."""
        from lifecycle_msgs.msg import Transition
        from lifecycle_msgs.srv import ChangeState
        request = ChangeState.Request()
        request.transition.id = getattr(Transition, f'TRANSITION_{transition.upper()}')
        return self.call(ChangeState, f'{node}/change_state', request).success

    def lifecycle_state(self, node: str) -> str:
        from lifecycle_msgs.srv import GetState
        return self.call(GetState, f'{node}/get_state', GetState.Request()).current_state.label

    def diagnosed(self) -> set[str]:
        """Full names of the nodes whose /diagnostics arrived (listen to it first)."""
        return {s.name for _, a in list(self.got.get('/diagnostics', [])) for s in a.status}

    def close(self):
        self._executor.shutdown()
        self.node.destroy_node()
        self._rclpy.try_shutdown(context=self.context)
        self._thread.join(timeout=2.0)
