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
The stages in one process: motion -> (animator) -> policy -> trajectory, on a simulated clock.

Used by the offline runner (``ameca-imitate``) and the tests; the ROS nodes wrap the same stage
objects. Between two camera frames the trajectory stage ticks at the robot rate, as the
trajectory node's timer does.
"""

from dataclasses import dataclass
import time

from ameca_imitation.animation import AnimatorConfig, AnimatorStage
from ameca_imitation.animation.implicit_motion import ImplicitMotion
from ameca_imitation.config import from_mapping, load_yaml
from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.paths import config_dir, find_weights
from ameca_imitation.policy import make_policy, POLICIES, RetargetPolicy
from ameca_imitation.policy.hidden_parts import HiddenPartsRest
from ameca_imitation.trajectory import TrajectoryStage
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import ControlVector, FaceObservation, Frame, Keypoints, MotionState
import numpy as np
import yaml

# Chosen by ameca-eval (best mean rank over the imitation-quality figures; see README).
DEFAULT_PIPELINE = 'feature'


@dataclass
class StepResult:
    """
    What one camera frame produced.

    ``motion_state``: LivePortrait's implicit motion of the face, when a motion extractor is
    configured. ``commands``: ``(M, N)`` robot-rate commands issued until the next frame, at
    ``command_times`` ``(M,)`` s; ``latency``: seconds spent per stage. ``animated`` is the
    newest animated image; ``animated_fresh`` says whether this frame made it (a slow animator
    that keeps up skips the frames it could not have taken live).
    """

    frame: Frame
    observation: FaceObservation
    keypoints: Keypoints | None
    motion_state: MotionState | None
    policy: ControlVector | None
    filtered: np.ndarray | None
    animated: np.ndarray | None
    animated_fresh: bool
    commands: np.ndarray
    command_times: np.ndarray
    latency: dict


class Pipeline:
    """
    The stages of one imitation run, in one process.

    ``animate``: also move Ameca's neutral image with the person (image policies need it),
    with the animator of ``animator`` (default: the landmark warp). ``motion_extractor``: a
    LivePortrait motion extractor that reads each face's implicit motion (motion policies).
    ``processing_s``: the seconds the simulated clock charges for each frame's processing before
    its vector reaches the trajectory stage; None charges the time it took, as live. A fixed
    charge makes a run's commands independent of the machine's load (``ameca-eval``); a learned
    animator that keeps up is still busy for the time it took, which decides the frames it takes.
    """

    def __init__(self, schema: ControlSchema | None = None, policy=None,
                 trajectory: TrajectoryStage | None = None, motion: MotionStage | None = None,
                 animate: bool = False, animator_size: int = 256,
                 animator: AnimatorConfig | None = None, motion_extractor: str | None = None,
                 processing_s: float | None = None):
        self.processing_s = processing_s
        self.schema = schema or ControlSchema.default()
        self.motion = motion or MotionStage()
        self.policy = policy or RetargetPolicy(self.schema)
        self.trajectory = trajectory or TrajectoryStage(self.schema)
        self.input_kind = getattr(self.policy, 'input_kind', 'feature')
        self.hidden_rest = HiddenPartsRest(self.schema, self.motion.config.occlusion,
                                           getattr(self.policy, 'mirror', False))
        if self.input_kind == 'motion' and not motion_extractor:
            raise ValueError('the motion policy needs a motion_extractor')
        self.animator = self.implicit = None
        neutral = None
        if animate or self.input_kind == 'image' or motion_extractor:
            neutral = TwinRenderer(self.schema, size=animator_size).render(self.schema.neutral)
        if motion_extractor:
            self.implicit = ImplicitMotion(motion_extractor, neutral.landmarks, animator_size)
        if self.implicit is not None and self.input_kind == 'motion':
            given, wanted = 3 * self.implicit.num_kp + 3, self.policy.model.config.num_inputs
            if wanted != given:
                raise ValueError(f'the motion policy reads {wanted} inputs, but the motion '
                                 f'extractor gives {self.implicit.num_kp} keypoints ({given}): '
                                 'train it with --extractor on this extractor')
            # Stills are measured against the twin's neutral.
            self.policy.population = self.implicit.observe([neutral.image], [0.0])[0]
        if animate or self.input_kind == 'image':
            self.animator = AnimatorStage(neutral.image, neutral.landmarks, animator)
        self._next_tick = None
        self._animated, self._animator_free = None, -np.inf
        self.animated_frames = 0

    @staticmethod
    def read_config(name: str = DEFAULT_PIPELINE, **animator) -> tuple[str, dict]:
        """
        Read and check ``config/pipelines/<name>.yaml`` (or a path) without building anything.

        ``animator``: :class:`AnimatorConfig` fields that override the file's (e.g. ``model``,
        ``weights``).

        Returns ``(path, data)``. Raises ``FileNotFoundError`` (no such pipeline or weights) or
        ``ValueError`` (bad YAML, unknown keys, unknown policy), each with a one-line message.
        """
        path = name if name.endswith('.yaml') else f'pipelines/{name}.yaml'
        try:
            data = load_yaml(path)
        except FileNotFoundError:
            names = sorted(p.stem for p in config_dir().joinpath('pipelines').glob('*.yaml'))
            raise FileNotFoundError(f'no pipeline {name!r}: choose one of {names} or give a '
                                    'path to a pipeline YAML') from None
        except yaml.YAMLError as err:
            raise ValueError(f'{path}: not valid YAML ({" ".join(str(err).split())})') from None
        if not isinstance(data, dict):
            raise ValueError(f'{path}: expected a mapping of pipeline settings')
        unknown = set(data) - {'policy', 'weights', 'animate', 'animator', 'motion_extractor',
                               'mirror', 'gains', 'solver'}
        if unknown:
            raise ValueError(f'{path}: unknown keys {sorted(unknown)}')
        if data.get('policy') not in POLICIES:
            raise ValueError(f'{path}: policy {data.get("policy")!r} is not one of '
                             f'{sorted(POLICIES)}')
        if data['policy'] == 'motion' and not data.get('motion_extractor'):
            raise ValueError(f'{path}: the motion policy needs a motion_extractor (a LivePortrait '
                             'motion extractor: official folder or ameca-train-animator folder)')
        data = dict(data)
        try:
            for key in ('weights', 'motion_extractor'):
                if data.get(key):
                    data[key] = str(find_weights(data[key]))
            animator = from_mapping(AnimatorConfig, {**(data.get('animator') or {}), **animator},
                                    f'{path}:animator')
            if animator.weights:
                animator.weights = str(find_weights(animator.weights))
        except FileNotFoundError as err:
            raise FileNotFoundError(f'{path}: {err}') from None
        return path, {**data, 'animator': animator}

    @classmethod
    def from_config(cls, name: str = DEFAULT_PIPELINE, animate: bool | None = None,
                    **animator) -> 'Pipeline':
        """
        Build from ``config/pipelines/<name>.yaml`` (or a path to such a file).

        ``animator``: overrides of the file's animator, as :meth:`read_config` takes them.
        """
        path, data = cls.read_config(name, **animator)
        schema = ControlSchema.default()
        # Hand-made policies read their settings from the pipeline YAML itself.
        weights = path if data['policy'] in ('retarget', 'mesh') else (data.get('weights') or None)
        policy = make_policy(data['policy'], schema, weights)
        return cls(schema, policy, animate=data.get('animate', False) if animate is None
                   else animate, animator=data['animator'],
                   motion_extractor=data.get('motion_extractor') or None)

    def step(self, frame: Frame, next_stamp: float, still: bool = False) -> StepResult:
        """
        Process ``frame`` and tick the trajectory up to ``next_stamp`` (the next frame).

        ``still``: a portrait of its own, measured against the population neutral.
        """
        t0 = time.perf_counter()
        obs, kps = self.motion.process(frame, still=still)
        state = None
        if self.implicit is not None and obs.face_found:
            state = self.implicit(frame.image, obs.landmarks, obs.track_id, frame.stamp, still)
        t1 = time.perf_counter()
        # A slow animator that keeps up takes only the frames a live one would have been free for.
        fresh = self.animator is not None and frame.stamp >= self._animator_free
        if fresh:
            self._animated = self.animator(obs, frame.image, still)
            self.animated_frames += 1
        t2 = time.perf_counter()
        if fresh and self.animator.config.learned and self.animator.config.keep_up:
            self._animator_free = frame.stamp + (t2 - t1)      # busy until then, as live
        if self.input_kind == 'image':
            values = self.policy(self._animated) if fresh and obs.face_found else None
        elif self.input_kind == 'motion':
            values = self.policy(obs, state, still)
        else:
            values = self.policy(obs)
        values = self.hidden_rest(obs, values, still)
        t3 = time.perf_counter()
        cv = None
        if values is not None:
            cv = ControlVector(frame.stamp, self.schema.names, values)
            # Simulated clock: the vector reaches the trajectory stage when processing ends.
            busy = t3 - t0 if self.processing_s is None else self.processing_s
            self.trajectory.push(frame.stamp, values, frame.stamp + busy)
        if self._next_tick is None:
            self._next_tick = frame.stamp
        times, commands = [], []
        while self._next_tick < next_stamp:
            commands.append(self.trajectory.tick(self._next_tick))
            times.append(self._next_tick)
            self._next_tick += self.trajectory.dt
        t4 = time.perf_counter()
        latency = {'motion': t1 - t0, 'animator': t2 - t1, 'policy': t3 - t2,
                   'trajectory': (t4 - t3) / max(len(times), 1), 'total': t4 - t0}
        filtered = self.trajectory.filtered if cv is not None else None
        return StepResult(frame, obs, kps, state, cv, filtered, self._animated, fresh,
                          np.array(commands).reshape(-1, len(self.schema)), np.array(times),
                          latency)

    def reset(self) -> None:
        """Start a new input: new person, fresh trajectory, robot at neutral."""
        self.motion.reset()
        if self.implicit is not None:
            self.implicit.reset()
        if hasattr(self.policy, 'reset'):      # a policy with per-person state (mesh)
            self.policy.reset()
        self.hidden_rest.reset()
        self.trajectory = TrajectoryStage(self.schema, self.trajectory.config)
        if self.animator is not None:
            self.animator.reset()
        self._next_tick = None
        self._animated, self._animator_free = None, -np.inf

    def close(self) -> None:
        self.motion.close()
