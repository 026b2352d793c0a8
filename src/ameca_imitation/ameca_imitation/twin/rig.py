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
The twin's rig: how each of the 30 controls deforms the face mesh.

Every face control owns two displacement fields over the mesh, one for values above its neutral
and one for values below. A pose is ``V0 + sum_c pos_c * D+_c + neg_c * D-_c``: one matrix
product per render, and each control's effect grows monotonically with its distance from neutral.
Weights follow the surface (harmonic weights on the mesh graph), so the jaw moves the lower lip
without dragging the upper lip. Head, neck and gaze are rotations, applied by the renderer.
"""

from dataclasses import dataclass
import logging

from ameca_imitation.controls import ControlSchema, mirror_name
from ameca_imitation.face import topology as topo
from ameca_imitation.twin.config import RigConfig
from ameca_imitation.twin.mesh import FaceMesh
import numpy as np

log = logging.getLogger(__name__)

# Lip chains (mediapipe indices), subject's right corner to left corner.
UPPER_OUTER = np.array([185, 40, 39, 37, 0, 267, 269, 270, 409])
LOWER_OUTER = np.array([146, 91, 181, 84, 17, 314, 405, 321, 375])
UPPER_INNER = np.array([191, 80, 81, 82, 13, 312, 311, 310, 415])
LOWER_INNER = np.array([95, 88, 178, 87, 14, 317, 402, 318, 324])
POSE_CONTROLS = ('Head Pitch', 'Head Roll', 'Head Yaw', 'Neck Pitch', 'Neck Roll',
                 'Gaze Target Phi', 'Gaze Target Theta')


def _unit(*v) -> np.ndarray:
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


@dataclass
class EyeGeometry:
    """One eye of the neutral mesh: ordered upper/lower lid chains (corners excluded)."""

    upper: np.ndarray
    lower: np.ndarray
    corners: np.ndarray
    centre: np.ndarray

    @classmethod
    def build(cls, mesh: FaceMesh, name: str) -> 'EyeGeometry':
        loop = topo.contour_loop(name)
        v = mesh.vertices
        xs = v[loop, 0]
        i_a, i_b = int(np.argmin(xs)), int(np.argmax(xs))
        i_a, i_b = sorted((i_a, i_b))
        chain1, chain2 = loop[i_a + 1:i_b], np.concatenate([loop[i_b + 1:], loop[:i_a]])
        if v[chain1, 1].mean() > v[chain2, 1].mean():     # y points down: upper lid first
            chain1, chain2 = chain2, chain1
        upper, lower = chain1, chain2
        return cls(upper, lower, loop[[i_a, i_b]], v[loop].mean(0))

    def gap(self, mesh: FaceMesh, x: np.ndarray) -> np.ndarray:
        """Measure how far the lower lid lies below the upper lid at model x, ``(n,)``."""
        v = mesh.vertices
        up = self.upper[np.argsort(v[self.upper, 0])]
        lo = self.lower[np.argsort(v[self.lower, 0])]
        return np.interp(x, v[lo, 0], v[lo, 1]) - np.interp(x, v[up, 0], v[up, 1])


class Rig:
    """Maps a native control vector to a deformed mesh plus pose angles."""

    def __init__(self, mesh: FaceMesh, schema: ControlSchema, cfg: RigConfig):
        self.mesh = mesh
        self.schema = schema
        self.cfg = cfg
        v = mesh.vertices
        self.eyes = {'left': EyeGeometry.build(mesh, 'left_eye'),
                     'right': EyeGeometry.build(mesh, 'right_eye')}
        self.jaw_weight = self._jaw_weight()
        self.upper_lip_weight = self._lip_weight(True)
        self.lower_lip_weight = self._lip_weight(False)
        n = len(schema)
        self.fields = np.zeros((2 * n, v.shape[0], 3))   # [D+_0, D-_0, D+_1, ...]
        self.eyelid = np.zeros(n, bool)
        builders = self._builders()
        for i, name in enumerate(schema.names):
            if name in POSE_CONTROLS:
                continue
            if name not in builders:
                log.warning('the twin has no shape for control %r; it will not move', name)
                continue
            pos, neg = builders[name]()
            self.fields[2 * i] = pos
            self.fields[2 * i + 1] = neg
            self.eyelid[i] = name.startswith('Eyelid')
        self._flat = self.fields.reshape(2 * n, -1)
        self._side_scale = self._paired_extremes() if cfg.paired_extremes else np.ones(2 * n)

    def _paired_extremes(self) -> np.ndarray:
        """
        Scale ``(2N,)`` on ``[pos_0, neg_0, ...]``: each Left/Right pair moves alike at its ends.

        The control table gives the two sides of a pair different neutrals (Lip Corner Raise
        Left 0.47, Right 0.62), while the face at rest is symmetric. Read as calibration (the same
        physical face at both ends of each motor's range), a side with less room to its end moves
        further per unit: both sides reach the larger of the two extremes.
        """
        s = self.schema
        room = np.stack([(s.max - s.neutral) / s.span, (s.neutral - s.min) / s.span], 1)   # (N, 2)
        scale = np.ones_like(room)
        for i, name in enumerate(s.names):
            partner = mirror_name(name)
            if partner == name or partner not in s.names or self.eyelid[i]:
                continue
            scale[i] = np.maximum(room[i], room[s.index(partner)]) / np.maximum(room[i], 1e-9)
        return scale.reshape(-1)

    # -- weights --------------------------------------------------------------------------------
    def _far(self, centre: np.ndarray, radius: float) -> np.ndarray:
        return np.flatnonzero(np.linalg.norm(self.mesh.vertices - centre, axis=1) > radius)

    def _gauss(self, centre_vertex: int, sigma: float) -> np.ndarray:
        d2 = ((self.mesh.vertices - self.mesh.vertices[centre_vertex]) ** 2).sum(1)
        return np.exp(-d2 / (2 * sigma ** 2))

    def _jaw_weight(self) -> np.ndarray:
        v = self.mesh.vertices
        ones = np.concatenate([LOWER_INNER, LOWER_OUTER, [topo.CHIN],
                               np.flatnonzero((v[:, 1] > 1.5) & (np.abs(v[:, 0]) < 0.6))])
        oval = topo.region('face_oval')
        zeros = np.concatenate([UPPER_INNER, UPPER_OUTER, np.flatnonzero(v[:, 1] < 0.78),
                                oval[v[oval, 1] < 1.25]])
        return self.mesh.harmonic(np.unique(ones), np.unique(zeros))

    def _lip_weight(self, upper: bool) -> np.ndarray:
        v = self.mesh.vertices
        mouth = v[[topo.MOUTH_LEFT, topo.MOUTH_RIGHT]].mean(0)
        own = np.concatenate([UPPER_INNER, UPPER_OUTER] if upper else [LOWER_INNER, LOWER_OUTER])
        other = np.concatenate([LOWER_INNER, LOWER_OUTER] if upper else [UPPER_INNER, UPPER_OUTER])
        zeros = np.concatenate([other, self._far(mouth, 0.62)])
        return self.mesh.harmonic(own, np.unique(zeros))

    def _local(self, ones: np.ndarray, zeros: np.ndarray, radius: float) -> np.ndarray:
        centre = self.mesh.vertices[ones].mean(0)
        zeros = np.unique(np.concatenate([zeros, self._far(centre, radius)]))
        return self.mesh.harmonic(ones, zeros)

    # -- shapes ---------------------------------------------------------------------------------
    def _builders(self) -> dict:
        cfg, v = self.cfg, self.mesh.vertices
        out = {}
        upper_lip, lower_lip = self.upper_lip_weight, self.lower_lip_weight

        def field(weight, direction, amplitude):
            return weight[:, None] * np.asarray(direction)[None, :] * amplitude

        def field_xy(weight, vectors, amplitude):
            return weight[:, None] * vectors * amplitude

        # Between the brows (x ~ 0, above the nose bridge): pushed back when the brows knit,
        # half by each inner brow, so the two together draw a vertical furrow.
        between_brows = (np.clip((0.05 - v[:, 1]) / 0.15, 0, 1)
                         * np.clip((v[:, 1] + 0.6) / 0.2, 0, 1))
        glabella = np.exp(-v[:, 0] ** 2 / (2 * 0.08 ** 2)) * between_brows
        furrow_field = field(glabella, (0, 0, 1), cfg.brow_furrow / 2)
        oval = topo.region('face_oval')
        for side, sign in (('Left', 1.0), ('Right', -1.0)):
            eye = self.eyes[side.lower()]
            brow = topo.region(side.lower() + '_eyebrow')
            order = np.argsort(np.abs(v[brow, 0]))
            for part, handle, amp in (('Inner', brow[order[:4]], cfg.brow_inner_up),
                                      ('Outer', brow[order[-4:]], cfg.brow_outer_up)):
                # The face's outline stays put, so a lowered brow does not pull the forehead's
                # edge off the skull.
                w = self._local(handle, np.concatenate([eye.upper, eye.lower, eye.corners, oval]),
                                0.6)
                # Lowered, the inner brow is also drawn towards the middle (corrugator, AU4) and
                # furrows the skin between the brows; the outer brow only drops.
                inward = cfg.brow_knit if part == 'Inner' else 0.4
                furrow = furrow_field * (part == 'Inner')
                out[f'Brow {part} {side}'] = (
                    lambda w=w, amp=amp, k=inward, f=furrow, s=sign: (
                        field(w, (0, -1, 0), amp),
                        field(w, _unit(-k * s, 1, 0), amp) + f))
            gap = eye.gap(self.mesh, v[:, 0])[:, None] * np.array([0.0, 1.0, 0.0])
            blocked = np.concatenate([eye.corners, topo.region(side.lower() + '_eyebrow')])
            w_up = self._local(eye.upper, np.concatenate([eye.lower, blocked]), 0.42)
            w_lo = self._local(eye.lower, np.concatenate([eye.upper, blocked]), 0.42)
            # Eyelid fields are per native unit (see coefficients()); D- closes, D+ opens wide.
            out[f'Eyelid Upper {side}'] = (
                lambda w=w_up, g=gap: (-field_xy(w, g, cfg.eyelid_wide),
                                       field_xy(w, g, cfg.eyelid_upper_close)))
            out[f'Eyelid Lower {side}'] = (
                lambda w=w_lo, g=gap: (field_xy(w, g, cfg.eyelid_wide * 0.4),
                                       -field_xy(w, g, cfg.eyelid_lower_close)))
            corner = topo.MOUTH_LEFT if sign > 0 else topo.MOUTH_RIGHT
            # Peaked at the corner, so the corner moves and the middle of the lips much less:
            # the mouth curves up or down instead of moving as a whole.
            lips = np.maximum(upper_lip, lower_lip)
            lips[corner] = 1.0
            wc = self._gauss(corner, cfg.lip_corner_reach) * lips.clip(0.5, 1.0)
            # A real smile (AU12 with AU6) bunches the cheek up and forward and narrows the eye,
            # two thirds from below (the lower lid pushed up), a third from above (orbicularis).
            # The cheek stops at the lids; the lids have their own fields.
            apex = np.argsort(np.linalg.norm(v[:, :2] - (0.6 * sign, 0.5), axis=1))[:3]
            lids = np.concatenate([eye.upper, eye.lower, eye.corners, UPPER_OUTER, LOWER_OUTER])
            cheek = self._local(apex, lids, 0.55)
            out[f'Lip Corner Raise {side}'] = (
                lambda w=wc, s=sign, ch=cheek, lo=w_lo, up=w_up, g=gap: (
                    field(w, _unit(0.35 * s, -1, 0.15), cfg.lip_corner_raise)
                    + field(ch, _unit(0, -1, -0.6), cfg.cheek_raise)
                    - field_xy(lo, g, cfg.smile_eye_narrowing * 2 / 3)
                    + field_xy(up, g, cfg.smile_eye_narrowing / 3),
                    field(w, _unit(0.15 * s, 1, 0), cfg.lip_corner_raise)))
            out[f'Lip Corner Stretch {side}'] = (
                lambda w=wc, s=sign: (field(w, _unit(s, 0.1, 0.15), cfg.lip_corner_stretch),
                                      field(w, _unit(-s, 0, -0.5), cfg.lip_corner_stretch)))
        for part, x in (('Left', 0.2), ('Middle', 0.0), ('Right', -0.2)):
            lo = LOWER_OUTER[np.argmin(np.abs(v[LOWER_OUTER, 0] - x))]
            up = UPPER_OUTER[np.argmin(np.abs(v[UPPER_OUTER, 0] - x))]
            wl = lower_lip * self._gauss(lo, 0.2)
            wu = upper_lip * self._gauss(up, 0.2)
            out[f'Lip Bottom Depress {part}'] = (
                lambda w=wl: (field(w, (0, 1, 0), cfg.lip_bottom_depress),
                              field(w, (0, -1, 0), cfg.lip_bottom_depress)))
            out[f'Lip Top Raise {part}'] = (
                lambda w=wu: (field(w, (0, -1, 0), cfg.lip_top_raise),
                              field(w, (0, 1, 0), cfg.lip_top_raise)))
        out['Lip Top Curl'] = lambda: (field(upper_lip, _unit(0, -0.4, -1), cfg.lip_curl),
                                       field(upper_lip, _unit(0, 0.3, 1), cfg.lip_curl))
        out['Lip Bottom Curl'] = lambda: (field(lower_lip, _unit(0, 0.4, -1), cfg.lip_curl),
                                          field(lower_lip, _unit(0, -0.3, 1), cfg.lip_curl))
        jaw = self.jaw_weight
        out['Jaw Pitch'] = lambda: (np.zeros_like(v), field(jaw, _unit(0, 1, 0.25), cfg.jaw_open))
        out['Jaw Yaw'] = lambda: (field(jaw, (1, 0, 0), cfg.jaw_side),
                                  field(jaw, (-1, 0, 0), cfg.jaw_side))
        nose = np.minimum(self._gauss(topo.LEFT_ALA, 0.16) + self._gauss(topo.RIGHT_ALA, 0.16), 1)
        toward_middle = np.stack([-np.sign(v[:, 0]) * 0.3, -np.ones(len(v)), np.zeros(len(v))], 1)
        out['Nose Wrinkle'] = lambda: (field_xy(nose, toward_middle, cfg.nose_wrinkle),
                                       np.zeros_like(v))
        return out

    # -- evaluation -----------------------------------------------------------------------------
    def coefficients(self, values: np.ndarray) -> np.ndarray:
        """``(N,)`` native values -> ``(2N,)`` blend weights ``[pos_0, neg_0, pos_1, ...]``."""
        s = self.schema
        u = (np.asarray(values, np.float64) - s.neutral) / s.span
        coef = np.empty(2 * len(s))
        coef[0::2] = np.maximum(u, 0.0)
        coef[1::2] = np.maximum(-u, 0.0)
        coef *= self._side_scale
        # Eyelids: per native unit, saturating once the eye is shut so lids squeeze, not cross.
        lid = self.eyelid
        if lid.any():
            # d > 0 closes the eye, whichever direction the table says closes it.
            d = (np.asarray(values, np.float64)[lid] - s.neutral[lid]) * s.eyelid_close_direction
            close = np.maximum(d, 0.0)
            squeeze = self.cfg.eyelid_squeeze / self.cfg.eyelid_upper_close
            coef[0::2][lid] = np.maximum(-d, 0.0)
            coef[1::2][lid] = np.minimum(close, 1.0) + squeeze * np.maximum(close - 1.0, 0.0)
        return coef

    def deform(self, values: np.ndarray) -> np.ndarray:
        """Native ``(N,)`` control values -> deformed ``(V, 3)`` vertices (before head pose)."""
        offset = self.coefficients(values) @ self._flat
        v = self.mesh.vertices + offset.reshape(-1, 3)
        # Lips never pass through each other: where the lower inner lip would rise above the
        # upper one, the lower lip is pushed back down (weighted, so the chin follows softly).
        up, lo = v[UPPER_INNER], v[LOWER_INNER]
        overlap = np.maximum(up[:, 1] - lo[:, 1], 0.0)
        if overlap.any():
            order = np.argsort(lo[:, 0])
            push = np.interp(v[:, 0], lo[order, 0], overlap[order], left=0.0, right=0.0)
            v[:, 1] += self.lower_lip_weight * push
        # Nor do the lids: a squeezed or smiling eye's lower lid stops at the upper lid.
        for eye in self.eyes.values():
            up = eye.upper[np.argsort(v[eye.upper, 0])]
            top = np.interp(v[eye.lower, 0], v[up, 0], v[up, 1])
            v[eye.lower, 1] = np.maximum(v[eye.lower, 1], top)
        return v
