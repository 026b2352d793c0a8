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
Mesh transfer: the person's landmark motion reproduced on the twin's mesh through its rig.

The twin's mesh has mediapipe's topology over the reference face, so landmark ``k`` of a person
is vertex ``k`` of the twin, and both live in the same model space once the head pose is removed
(eye-centre distance = 1). The rig is linear in its blend weights (two displacement fields per
face control, one each side of neutral). So the face controls are a bounded least-squares fit:

    min_c || W (F^T c - d) ||^2 + lambda ||c||^2,   0 <= c <= c_max

over the blend weights ``c`` ``(K,)`` of the fields ``F`` ``(K, 468 * 3)``, with ``d`` the
person's displacement from their neutral shape, ``W`` weighting depth (the least reliable axis of
the landmarks) down and ``c_max`` the live range. Blend weights map back to control values
through the rig's own coefficient curves, which carry the eyelids' saturation. No training data
is used. Head, neck and gaze come from the measured pose and irises by the gains of the YAML.

The neutral shape starts as the reference face and follows the person on frames whose features
say the face is at rest (:func:`~ameca_imitation.face.features.at_rest`), within ``shape_bound``
model units per coordinate, like the features' neutral.
"""

from dataclasses import dataclass, field

from ameca_imitation.config import from_mapping, load_yaml
from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.features import at_rest, FEATURE_NAMES
from ameca_imitation.face.pose import estimate_pose
from ameca_imitation.policy.retarget import RetargetPolicy
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.rig import Rig
from ameca_imitation.types import FaceObservation
import numpy as np

VERTICES = 468
FIELD_RENDER_SIZE = 256        # renders the rig's fields are observed on
SUPPORT_SHARE = 0.05           # a lid's own vertices: above this share of its peak motion


@dataclass
class SolverConfig:
    regularisation: float = 1e-3   # lambda, as a share of the fields' mean energy
    depth_weight: float = 0.3      # weight of z against x and y (mediapipe's depth is noisier)
    iterations: int = 40           # projected-gradient steps per frame (warm-started)
    adapt_frames: float = 150.0    # at-rest frames over which the neutral shape follows
    shape_bound: float = 0.08      # the neutral shape stays this close to the reference face
    field_extent: float = 0.6      # each field is observed at this share of its live range


@dataclass
class MeshConfig:
    policy: str = 'mesh'
    animate: bool = False
    mirror: bool = False
    gains: dict = field(default_factory=dict)     # pose and gaze, as in retarget.yaml
    solver: SolverConfig = field(default_factory=SolverConfig)


def _observed_fields(twin: TwinRenderer, probes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """
    Measure each blend weight's displacement field as the landmark model sees it on the twin.

    The twin's renders move mediapipe's landmarks less than its mesh moves (40-80 % here): the
    fit has to reproduce the person's motion as the same model measures it on the robot, so
    field ``k`` is the landmark motion of the render of native controls ``probes[k]`` (one
    blend weight at ``weights[k]``, the rest neutral) per unit weight, relative to the neutral
    render. Returns ``(K, V, 3)`` model units.
    """
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig

    def seen(values):
        faces = detector.detect(twin.render(values).image)
        if not faces:
            raise RuntimeError('the landmark model lost the twin while measuring its rig')
        fit, _ = estimate_pose(faces[0].landmarks)
        return fit.to_model(faces[0].landmarks[:VERTICES].astype(np.float64))

    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as detector:
        rest = seen(twin.schema.neutral)
        return np.stack([(seen(values) - rest) / weight
                         for values, weight in zip(probes, weights)])


class MeshTransferPolicy:
    """``observation -> (N,)`` native controls; a face-less frame gives None (caller holds)."""

    input_kind = 'feature'

    def __init__(self, schema: ControlSchema, config: str = 'pipelines/mesh.yaml'):
        self.config = from_mapping(MeshConfig, load_yaml(config), str(config))
        if self.config.mirror:
            raise ValueError(f'{config}: mirror is not supported by the mesh transfer')
        self.schema = schema
        self.pose = RetargetPolicy(schema, {'gains': self.config.gains})
        twin = TwinRenderer(schema, size=FIELD_RENDER_SIZE)
        rig = twin.rig
        self.reference = twin.mesh.vertices[:VERTICES].astype(np.float64)
        cfg = self.config.solver
        axis = np.sqrt(np.array([1.0, 1.0, cfg.depth_weight]))
        self._setup_controls(rig)
        fields = _observed_fields(twin, self._probes, self._probe_weights)
        fields = fields * self._support(rig)[:, :, None] * axis
        self._axis = axis
        self._fields = fields.reshape(len(self._rows), -1)            # (K, V * 3)
        hessian = self._fields @ self._fields.T
        hessian += cfg.regularisation * np.trace(hessian) / len(hessian) * np.eye(len(hessian))
        # Solve for z = c / scale with unit diagonal: the eyelids' fields are small, and without
        # this scaling their weights converge hundreds of steps after the jaw's.
        self._scale = 1.0 / np.sqrt(np.diag(hessian))
        self._hessian = hessian * np.outer(self._scale, self._scale)
        self._step = 1.0 / np.linalg.eigvalsh(self._hessian)[-1]
        self._z_upper = self._upper / self._scale
        self.reset()

    def _setup_controls(self, rig: Rig) -> None:
        """Choose the blend weights the fit may use, their bounds, curves and probe poses."""
        s = self.schema
        extent = self.config.solver.field_extent
        rows, upper, probes, probe_weights, self._curves = [], [], [], [], {}
        for i, name in enumerate(s.names):
            if not np.any(rig.fields[2 * i:2 * i + 2]):
                continue                                   # pose, gaze, or a control with no shape
            values = np.linspace(s.live_min[i], s.live_max[i], 401)
            sweep = np.tile(s.neutral, (len(values), 1))
            sweep[:, i] = values
            coef = np.array([rig.coefficients(v)[2 * i:2 * i + 2] for v in sweep])   # (401, 2)
            signed = coef[:, 0] - coef[:, 1]
            order = np.argsort(signed, kind='stable')
            self._curves[i] = (signed[order], values[order])
            for side in (0, 1):
                if coef[:, side].max() > 0:
                    rows.append(2 * i + side)
                    upper.append(coef[:, side].max())
                    # The pose whose weight is nearest `extent` of its maximum observes it.
                    k = int(np.argmin(np.abs(coef[:, side] - extent * upper[-1])))
                    probes.append(sweep[k])
                    probe_weights.append(coef[k, side])
        self._rows = np.array(rows)
        self._upper = np.array(upper)
        self._probes, self._probe_weights = np.array(probes), np.array(probe_weights)

    def _support(self, rig: Rig) -> np.ndarray:
        """
        ``(K, V)`` weights on each observed field: 1, except off an eyelid's own vertices (0).

        The landmark model refits its whole mesh to every render, so each observed field also
        holds small shifts far from what the control moves. For the mouth and brows those are
        the model's real response, and a person's motion shows it too; the lids' fields are so
        small that the same shifts are as large as the lids' own motion, and fitting them let a
        closing left lid be explained by the right one and the mouth.
        """
        true = np.linalg.norm(rig.fields[self._rows, :VERTICES], axis=2)      # (K, V)
        own = true > SUPPORT_SHARE * true.max(1, keepdims=True)
        lid = rig.eyelid[self._rows // 2]
        return np.where(lid[:, None], own, True).astype(np.float64)

    def reset(self) -> None:
        """Start a new stream: the reference face as neutral shape, no warm start."""
        self.neutral_shape = self.reference.copy()
        self._z = np.zeros(len(self._rows))

    def blend_weights(self, displacement: np.ndarray) -> np.ndarray:
        """Fit ``(V, 3)`` model-space displacement -> bounded blend weights ``(K,)``."""
        target = (displacement[:VERTICES] * self._axis).ravel()
        linear = self._scale * (self._fields @ target)
        z = self._z
        y, t = z.copy(), 1.0
        for _ in range(self.config.solver.iterations):      # FISTA on a box-constrained QP
            nxt = np.clip(y - self._step * (self._hessian @ y - linear), 0.0, self._z_upper)
            t_next = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
            y = nxt + (t - 1.0) / t_next * (nxt - z)
            z, t = nxt, t_next
        self._z = z
        return z * self._scale

    def controls_from_weights(self, weights: np.ndarray) -> np.ndarray:
        """Blend weights ``(K,)`` -> native face control values ``(N,)`` (others neutral)."""
        signed = np.zeros(2 * len(self.schema))
        signed[self._rows] = weights
        values = self.schema.neutral.copy()
        for i, (s_curve, v_curve) in self._curves.items():
            values[i] = np.interp(signed[2 * i] - signed[2 * i + 1], s_curve, v_curve)
        return values

    def __call__(self, obs: FaceObservation) -> np.ndarray | None:
        if not obs.face_found:
            return None
        fit, _ = estimate_pose(obs.landmarks)
        shape = fit.to_model(obs.landmarks[:VERTICES].astype(np.float64))
        if at_rest(np.array([obs.features.get(n, 0.0) for n in FEATURE_NAMES])):
            cfg = self.config.solver
            moved = self.neutral_shape + (shape - self.neutral_shape) / cfg.adapt_frames
            self.neutral_shape = np.clip(moved, self.reference - cfg.shape_bound,
                                         self.reference + cfg.shape_bound)
        values = self.controls_from_weights(self.blend_weights(shape - self.neutral_shape))
        pose = self.pose(obs)
        face = np.isin(np.arange(len(self.schema)), list(self._curves))
        return self.schema.clamp(np.where(face, values, pose))
