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
The imitation graph under real rclpy on the real clip: transport, rates, latency, CPU per node.

    scripts/with_ros.sh .venv/bin/python bench/bench_ros_graph.py [--clip NAME]

Needs `make test` first (ROS 2 in the .venv, the colcon install/ tree). Plays the WolfgangLanger
clip once (472 frames at 30 fps) through the launch file's nodes (tests/ros/graph.py), twice,
with the twin driver: twin off (``twin:=false``, nobody watching) and twin on (the animator node
runs; a viewer subscribes to the debug, animated and twin images, as rviz would). Latency: camera
stamp to the first /ameca/command carrying it, at a subscriber; the trajectory stage's smoothing
lag comes on top (reported by bench_realtime.py). Frames published (each node's /diagnostics)
against received (the motion node; the viewer) on every image topic.
Targets on 2 cores: no transport loss, /face/observation >= 28 Hz, p95 <= 60 ms (twin off) and
<= 100 ms (twin on).
"""

import argparse
import os
from pathlib import Path
import sys
import tempfile
import time

import common
import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests' / 'ros'))
from graph import Graph, INSTALL, Probe  # noqa: E402

from ameca_imitation.io.media import fetch_clip  # noqa: E402
from ameca_imitation.io.ros_convert import stamp_of  # noqa: E402

TICKS = os.sysconf('SC_CLK_TCK')
PARAMS = INSTALL / 'ameca_imitation' / 'share' / 'ameca_imitation' / 'config' / 'imitation.yaml'


def cpu_seconds(pid: int) -> float:
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS      # utime + stime


def figures_of(probe, ns: str, node: str) -> dict:
    statuses = [s for _, a in probe.got['/diagnostics'] for s in a.status
                if s.name == f'{ns}/{node}']
    return {kv.key: kv.value for kv in statuses[-1].values} if statuses else {}


def rate(samples) -> float:
    t = [s[0] for s in samples]
    return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 else 0.0


def run(twin: bool, clip: Path, logs: Path) -> dict:
    from ameca_imitation_msgs.msg import ControlVector, FaceObservation
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.qos import qos_profile_sensor_data
    from sensor_msgs.msg import Image
    ns = '/bench_twin' if twin else '/bench'
    logs = logs / ns.strip('/')
    logs.mkdir(parents=True)
    params = yaml.safe_load(PARAMS.read_text())
    params['/**/camera_node']['ros__parameters']['loop'] = False
    (logs / 'params.yaml').write_text(yaml.safe_dump(params))
    env = {k: v for k, v in os.environ.items() if k not in ('OPENBLAS_NUM_THREADS',
                                                             'MKL_NUM_THREADS')}
    graph = Graph(logs, env=env, input=clip, namespace=ns, twin='true' if twin else 'false',
                  params_file=logs / 'params.yaml')
    probe = Probe(f'bench_probe_{int(twin)}')
    probe.listen('/diagnostics', DiagnosticArray)
    probe.listen(f'{ns}/face/observation', FaceObservation)
    probe.listen(f'{ns}/ameca/command', ControlVector)
    viewed = ['face/debug_image', 'animator/image', 'ameca/twin_image'] if twin else []
    for name in viewed:
        probe.listen(f'{ns}/{name}', Image, qos_profile_sensor_data)
    try:
        graph.bring_up(probe)
        cpu0 = {n: cpu_seconds(p.pid) for n, p in graph.procs.items()}
        start = time.monotonic()
        if not probe.wait_for(lambda: 'end of input' in graph.log('camera_node'), 600):
            raise TimeoutError('the clip did not end')
        elapsed = time.monotonic() - start
        cpu = {n: round(100 * (cpu_seconds(p.pid) - cpu0[n]) / elapsed, 1)
               for n, p in graph.procs.items()}
        time.sleep(2.5)                      # the last frames, one more round of /diagnostics
    finally:
        graph.stop()
        probe.close()
    camera, motion = figures_of(probe, ns, 'camera_node'), figures_of(probe, ns, 'motion_node')
    published, received = int(camera['published']), int(motion['received'])
    published_by = {
        'face/debug_image': int(motion.get('debug_images', 0)),
        'animator/image': int(figures_of(probe, ns, 'animator_node').get('published', 0)),
        'ameca/twin_image': int(figures_of(probe, ns, 'driver_node').get('twin_images', 0))}
    # Latency: each camera stamp's first command, received here (the same machine's clock).
    observed = {stamp_of(o) for _, o in probe.got[f'{ns}/face/observation']}
    first = {}
    for t, m in probe.got[f'{ns}/ameca/command']:
        first.setdefault(stamp_of(m), t)
    latency = np.array([t - s for s, t in first.items() if s in observed])
    return {
        'camera_published': published, 'motion_received': received,
        'transport_loss': round(1 - received / published, 4),
        'viewer_images': {n: {'published': published_by[n],
                              'received': len(probe.got[f'{ns}/{n}']),
                              'hz': round(rate(probe.got[f'{ns}/{n}']), 1)} for n in viewed},
        'observation_hz': round(rate(probe.got[f'{ns}/face/observation']), 1),
        'motion_skipped': int(motion['dropped_frames']),
        'command_hz': round(rate(probe.got[f'{ns}/ameca/command']), 1),
        'latency_p50_ms': round(float(np.median(latency)) * 1000, 1),
        'latency_p95_ms': round(float(np.percentile(latency, 95)) * 1000, 1),
        'cpu_percent': cpu}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('--clip', default='WolfgangLanger_Pexels.mp4')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        off = run(False, fetch_clip(args.clip), Path(logs))
        on = run(True, fetch_clip(args.clip), Path(logs))
    common.report('ros_graph', {'clip': args.clip, 'twin_off': off, 'twin_on': on})


if __name__ == '__main__':
    main()
