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
``ameca-eval``: one scoreboard for imitation quality and speed, pipelines side by side.

Per pipeline (``config/pipelines/<name>.yaml``):

* twin round trip: held-out twin clips (random Bezier clips of another seed, and the library's
  emotions clip) are rendered, run through the pipeline like a person's video, and the policy's
  outputs are compared with the controls that made the renders: normalised MAE per group;
* human -> twin fidelity on real clips: the same landmark model measures the person's expression
  features and the twin's (rendered from the commanded controls); correlation over time per
  feature, and the distance between their landmark motions (eye-centre distances); the same
  correlation and range ratio with the twin measured on its exact landmarks (what its mesh did,
  not what the landmark model reads in the render);
* emotions: the fer judge reads the person's frame and the twin render: label and valence
  agreement, p(happy) correlation, the twin read negative where the person is;
* the time series behind these (core features, emotion probabilities) for the report's plots;
* stills: portraits each measured alone, and whether the controls order as the faces do
  (``evaluation/stills.py``);
* speed and safety: per-stage latency, frames per second, smoothness, limit violations.

A pipeline animates with its own animator, or the one ``animator`` names for all (e.g. a
learned model and its weights); one whose weights are missing is skipped, with the reason.
"""

from dataclasses import dataclass, field
import logging
import time

from ameca_imitation.controls import ControlSchema
from ameca_imitation.evaluation.metrics import (amplitude_ratios, CORE_FEATURES, correlations,
                                                emotion_figures, limit_violations, smoothness)
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.face.pose import estimate_pose
from ameca_imitation.pipeline import Pipeline
from ameca_imitation.policy.evaluate import normalised_mae
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import Clip, ExpressionLibrary, random_clip
from ameca_imitation.twin.exact import ExactFeatures
from ameca_imitation.types import Frame
import numpy as np

log = logging.getLogger(__name__)


@dataclass
class EvalConfig:
    pipelines: tuple = ('retarget', 'mesh', 'feature', 'image')
    clips: tuple = ('single_face.mp4', 'WolfgangLanger_Pexels.mp4')
    twin_clips: int = 4              # random held-out clips (plus the emotions clip)
    twin_seed: int = 1234            # not a training seed
    twin_fps: float = 25.0
    twin_size: int = 256
    judge: bool = True
    max_frames: int | None = None
    # Each frame's processing is charged this long on the simulated clock (None: the time it
    # took), so the scoreboard does not move with the machine's load.
    processing_s: float | None = 0.010
    animator: dict = field(default_factory=dict)     # AnimatorConfig fields for every pipeline
    results: dict = field(default_factory=dict)


def _with_neutral_start(clip: Clip, schema, seconds: float = 1.0) -> Clip:
    """Prepend a rest pose: a person's neutral is measured at the start of every clip."""
    times = np.concatenate([[0.0], clip.times + seconds])
    return Clip(times, np.vstack([schema.neutral, clip.poses]))


def twin_round_trip(pipeline: Pipeline, schema, cfg: EvalConfig) -> dict:
    renderer = TwinRenderer(schema, size=cfg.twin_size)
    library = ExpressionLibrary(schema)
    rng = np.random.default_rng(cfg.twin_seed)
    clips = [random_clip(schema, rng, duration=4.0, library=library)
             for _ in range(cfg.twin_clips)]
    clips.append(library.clips['emotions'])
    truth, predicted = [], []
    for clip in clips:
        clip = _with_neutral_start(clip, schema)
        pipeline.reset()
        pipeline.motion.recalibrate()      # the clip opens with a known neutral second
        values = clip.frames(cfg.twin_fps)
        for i, v in enumerate(values):
            frame = Frame(renderer.render(v).image, i / cfg.twin_fps, i)
            res = pipeline.step(frame, (i + 1) / cfg.twin_fps)
            if res.policy is not None and i >= cfg.twin_fps:      # after the neutral second
                truth.append(v)
                predicted.append(res.policy.values)
    return {'frames': len(truth), 'mae': normalised_mae(schema, np.array(predicted),
                                                        np.array(truth))}


def real_clip(pipeline: Pipeline, schema, path, cfg: EvalConfig, judge=None) -> dict:
    from ameca_imitation.capture import open_source
    twin = TwinRenderer(schema, size=cfg.twin_size)
    observer = MotionStage.of_twin()       # the same landmark model, looking at the twin
    neutral = twin.render(schema.neutral)
    observer.calibrate_on(neutral.image)
    exact = ExactFeatures(neutral.landmarks)      # the twin's true geometry, a second instrument
    pipeline.reset()
    animated_before = pipeline.animated_frames
    person, robot, robot_exact, motion_err, emotions = [], [], [], [], []
    times, stage_ms, stamp_ms = [], [], []
    cmd_t, cmd = [], []
    start = time.perf_counter()
    frames = 0
    with open_source(str(path)) as src:
        for frame in src:
            if cfg.max_frames and frames >= cfg.max_frames:
                break
            frames += 1
            res = pipeline.step(frame, frame.stamp + 1.0 / src.fps)
            stage_ms.append({k: 1000 * v for k, v in res.latency.items()})
            # Camera stamp -> first command that carries it (issued at the next robot tick).
            ready = frame.stamp + res.latency['total']
            later = res.command_times[res.command_times >= ready]
            if len(later):
                stamp_ms.append(1000 * (later[0] - frame.stamp))
            cmd_t.extend(res.command_times)
            cmd.extend(res.commands)
            command = res.commands[-1] if len(res.commands) else schema.neutral
            render = twin.render(command)
            seen, _ = observer.process(Frame(render.image, frame.stamp, frame.index))
            obs = res.observation
            if not (obs.face_found and seen.face_found):
                continue
            times.append(frame.stamp)
            person.append([obs.features[n] for n in FEATURE_NAMES])
            robot.append([seen.features[n] for n in FEATURE_NAMES])
            robot_exact.append(exact(render.landmarks))
            motion_err.append(_motion_distance(pipeline, observer, obs.landmarks,
                                               seen.landmarks))
            if judge is not None:
                emotions.append((judge(frame.image, obs.box), judge(render.image, seen.box)))
    wall = time.perf_counter() - start
    person, robot, robot_exact = np.array(person), np.array(robot), np.array(robot_exact)
    corr = correlations(person, robot, FEATURE_NAMES)
    ratio = amplitude_ratios(person, robot, FEATURE_NAMES) if len(person) else {}
    corr_exact = correlations(person, robot_exact, FEATURE_NAMES)
    ratio_exact = amplitude_ratios(person, robot_exact, FEATURE_NAMES) if len(person) else {}
    cmd_t, cmd = np.array(cmd_t), np.array(cmd)
    out = {'frames': frames, 'frames_compared': len(person),
           'frames_animated': pipeline.animated_frames - animated_before,
           'feature_correlation': corr,
           'mean_core_correlation': float(np.nanmean([corr[n] for n in CORE_FEATURES])),
           'core_amplitude_ratio': {n: ratio.get(n) for n in CORE_FEATURES},
           # The same figures with the twin measured on its exact landmarks, not on the render.
           'exact_feature_correlation': corr_exact,
           'exact_core_correlation': float(np.nanmean([corr_exact[n] for n in CORE_FEATURES])),
           'exact_core_amplitude_ratio': {n: ratio_exact.get(n) for n in CORE_FEATURES},
           'landmark_motion_distance': float(np.mean(motion_err)) if motion_err else None,
           'limit_violations': limit_violations(schema, cmd),
           **smoothness(schema, cmd_t, cmd),
           'median_stage_ms': {k: float(np.median([s[k] for s in stage_ms]))
                               for k in stage_ms[0]},
           'p95_total_ms': float(np.percentile([s['total'] for s in stage_ms], 95)),
           'p95_stamp_latency_ms': float(np.percentile(stamp_ms, 95)) if stamp_ms else None,
           'frames_per_s_with_evaluation': frames / wall}
    core = [FEATURE_NAMES.index(n) for n in CORE_FEATURES]
    out['series'] = {'time': np.round(times, 3).tolist(), 'features': list(CORE_FEATURES),
                     'person_features': np.round(person[:, core], 4).tolist() if len(person)
                     else [], 'twin_features': np.round(robot[:, core], 4).tolist()
                     if len(robot) else []}
    if emotions:
        from ameca_imitation.evaluation.judge import LABELS
        p_person, p_twin = (np.array(e) for e in zip(*emotions))
        out.update(emotion_figures(p_person, p_twin, LABELS))
        top = p_person.argmax(1)
        out['person_emotions'] = {LABELS[k]: int((top == k).sum()) for k in sorted(set(top))}
        out['series'].update(emotions=list(LABELS), person_emotions=np.round(p_person, 3).tolist(),
                             twin_emotions=np.round(p_twin, 3).tolist())
    return out


def _motion_distance(pipeline, observer, person_lm, twin_lm) -> float:
    """
    Measure how far apart the person's and the twin's landmark motions are.

    Motions are taken since each one's neutral, pose removed; mean distance in eye-centre units.
    """
    p_fit, _ = estimate_pose(person_lm)
    t_fit, _ = estimate_pose(twin_lm)
    p = p_fit.to_model(person_lm[:468].astype(np.float64))
    t = t_fit.to_model(twin_lm[:468].astype(np.float64))
    p0 = pipeline.motion.neutral_landmarks_model
    t0 = observer.neutral_landmarks_model
    if p0 is None or t0 is None:
        return float('nan')
    return float(np.linalg.norm((p - p0[:468])[:, :2] - (t - t0[:468])[:, :2], axis=1).mean())


def evaluate(cfg: EvalConfig) -> dict:
    from ameca_imitation.io.media import fetch_clip
    schema = ControlSchema.default()
    judge = None
    if cfg.judge:
        from ameca_imitation.evaluation.judge import EmotionJudge
        judge = EmotionJudge()
    results = {}
    if judge is not None:
        # First show the judge reads the twin at all: its labels for the library poses.
        from ameca_imitation.evaluation.judge import judge_library
        results['judge_on_twin_library'] = judge_library(TwinRenderer(schema, size=cfg.twin_size),
                                                         ExpressionLibrary(schema))
    from ameca_imitation.evaluation.stills import still_images, still_orderings
    stills = still_images(schema, size=cfg.twin_size)
    for name in cfg.pipelines:
        try:
            pipeline = Pipeline.from_config(name, **cfg.animator)
        except FileNotFoundError as err:      # e.g. the published system without its files
            log.warning('pipeline %s skipped: %s', name, err)
            results[name] = {'skipped': str(err)}
            continue
        pipeline.processing_s = cfg.processing_s
        entry = {'twin_round_trip': twin_round_trip(pipeline, schema, cfg),
                 'stills': still_orderings(pipeline, schema, stills), 'clips': {}}
        for clip in cfg.clips:
            entry['clips'][clip] = real_clip(pipeline, schema, fetch_clip(clip), cfg, judge)
        pipeline.close()
        results[name] = entry
    return results
