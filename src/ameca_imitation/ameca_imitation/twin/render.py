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
``TwinRenderer``: draw the virtual Ameca from a control vector.

Drawing order (painter's algorithm, back to front): background, skull and neck silhouettes,
eyeballs, mouth interior and teeth, then the face mesh, which hides everything but what shows
through its eye and mouth holes. The mesh is rasterised once into a triangle-id buffer
(OpenCV polygon fills, depth-sorted); each covered pixel then takes its triangle's Gouraud colour,
an affine function of the pixel position solved per triangle, so shading is smooth and vectorised.
"""

from dataclasses import dataclass

from ameca_imitation.controls import ControlSchema
from ameca_imitation.face import topology as topo
from ameca_imitation.face.pose import rotation
from ameca_imitation.twin.config import TwinConfig
from ameca_imitation.twin.mesh import load_mesh
from ameca_imitation.twin.rig import LOWER_INNER, Rig, UPPER_INNER
import cv2
import numpy as np

SUBPIXEL = 4                  # OpenCV fixed-point bits for polygon vertices
EYEBALL_RADIUS = 0.26         # model units (eye-centre distance = 1)
EYEBALL_DEPTH = 0.22          # eyeball centre behind the lid opening
IRIS_RADIUS = 0.105
PUPIL_RADIUS = 0.045
MESH_TOP, MESH_BOTTOM = -0.86, 1.85   # forehead and chin y of the base mesh
# Where the lips meet, corner to corner along the upper inner lip: drawn dark like the lash line,
# because a shaded mesh alone gives the landmark model too little edge to find the lip corners.
LIP_SEAM = np.array([topo.MOUTH_RIGHT, 78, *UPPER_INNER, 308, topo.MOUTH_LEFT])


@dataclass
class TwinRender:
    """
    One render of the twin.

    ``image``: ``(S, S, 3)`` uint8 BGR. ``landmarks``: ``(478, 3)`` float32 in the mediapipe
    layout (468 mesh points, then right and left iris: centre + 4 rim points), x/y pixels.
    """

    image: np.ndarray
    landmarks: np.ndarray


class TwinRenderer:
    """Renders the twin. Not thread-safe (it reuses buffers); make one per thread or process."""

    def __init__(self, schema: ControlSchema | None = None, config: TwinConfig | None = None,
                 size: int | None = None):
        self.schema = schema or ControlSchema.default()
        self.config = config or TwinConfig.load()
        self.size = size or self.config.render.size
        self.mesh = load_mesh()
        self.rig = Rig(self.mesh, self.schema, self.config.rig)
        rc = self.config.render
        self.scale = rc.face_height * self.size / (MESH_TOP * -1 + MESH_BOTTOM)
        self.origin = np.array([self.size / 2, rc.center_y * self.size])
        self._vf = self.mesh.vertex_face_matrix()
        self._albedo = self._vertex_albedo() / 255.0
        light = np.asarray(rc.light, np.float64)
        self._light = light / np.linalg.norm(light)
        half = self._light + np.array([0.0, 0.0, -1.0])
        self._half = half / np.linalg.norm(half)
        self._background = self._make_background()
        self._line_colour = tuple(int(c * 0.35) for c in rc.skin)
        self._ids = np.zeros((self.size, self.size), np.int32)
        ys, xs = np.mgrid[0:self.size, 0:self.size]
        self._pix = np.stack([xs.ravel(), ys.ravel(), np.ones(xs.size)], 1)
        self._pose_idx = {n: self.schema.index(n) for n in self.schema.names
                          if n.startswith(('Head', 'Neck', 'Gaze'))}

    # -- set-up ---------------------------------------------------------------------------------
    def _vertex_albedo(self) -> np.ndarray:
        rc, v = self.config.render, self.mesh.vertices
        albedo = np.tile(np.asarray(rc.skin, np.float64), (len(v), 1))
        lips = topo.region('lips')
        albedo[lips] = rc.lips
        for side in ('left_eyebrow', 'right_eyebrow'):
            albedo[topo.region(side)] = rc.brows
        return albedo

    def _make_background(self) -> np.ndarray:
        s = self.size
        ramp = np.linspace(1.15, 0.8, s)[:, None, None]
        bg = np.asarray(self.config.render.background, np.float64)[None, None, :] * ramp
        return np.broadcast_to(bg, (s, s, 3)).clip(0, 255).astype(np.uint8)

    # -- geometry -------------------------------------------------------------------------------
    def _value(self, values: np.ndarray, name: str) -> float:
        i = self._pose_idx.get(name)
        return 0.0 if i is None else float(values[i])

    def _pose(self, values: np.ndarray):
        """Head and neck rotations and pivots: ``x -> rn (rh (x - ph) + ph - pn) + pn``."""
        pc = self.config.pose
        rh = rotation(self._value(values, 'Head Pitch'), self._value(values, 'Head Yaw'),
                      self._value(values, 'Head Roll'))
        rn = rotation(self._value(values, 'Neck Pitch'), 0.0, self._value(values, 'Neck Roll'))
        return rh, rn, np.asarray(pc.head_pivot), np.asarray(pc.neck_pivot)

    def _transform(self, pts: np.ndarray, pose, head: bool = True) -> np.ndarray:
        rh, rn, ph, pn = pose
        if head:
            pts = (pts - ph) @ rh.T + ph
        return (pts - pn) @ rn.T + pn

    def _project(self, pts: np.ndarray) -> np.ndarray:
        """Orthographic projection of ``(n, 3)`` model points to ``(n, 3)``: x, y px; z scaled."""
        out = pts * self.scale
        out[:, :2] += self.origin
        return out

    # -- drawing --------------------------------------------------------------------------------
    def render(self, values: np.ndarray) -> TwinRender:
        """Draw the face for native control values ``(N,)`` in the schema's order."""
        values = self.schema.validate(values)
        rc = self.config.render
        pose = self._pose(values)
        deformed = self.rig.deform(values)
        world = self._transform(deformed, pose)
        proj = self._project(world)
        img = self._background.copy()
        self._draw_silhouette(img, pose)
        irises = self._draw_eyes(img, values, pose)
        # The chin's displacement carries the lower teeth with the jaw.
        self._draw_mouth(img, deformed[topo.CHIN] - self.mesh.vertices[topo.CHIN], pose, proj)
        self._draw_mesh(img, world, proj)
        for eye in self.rig.eyes.values():
            lid = np.concatenate([eye.corners[:1], eye.upper, eye.corners[1:]])
            self._draw_line(img, proj[lid], max(1, self.size // 200))
        self._draw_line(img, proj[LIP_SEAM], max(1, self.size // 128))
        if rc.antialias:
            img = cv2.GaussianBlur(img, (3, 3), 0.6)
        landmarks = np.concatenate([proj, irises]).astype(np.float32)
        return TwinRender(img, landmarks)

    def _draw_line(self, img: np.ndarray, pts: np.ndarray, width: int) -> None:
        """Draw a dark line (lash line, lip seam) through projected points ``(n, >=2)`` px."""
        fixed = np.round(pts[:, :2] * (1 << SUBPIXEL)).astype(np.int32)
        cv2.polylines(img, [fixed], False, self._line_colour, width, cv2.LINE_AA, SUBPIXEL)

    def _draw_silhouette(self, img: np.ndarray, pose) -> None:
        rc = self.config.render
        neck = np.array([[-0.62, 1.3, 1.0], [0.62, 1.3, 1.0], [0.75, 4.0, 1.0], [-0.75, 4.0, 1.0]])
        pts = self._project(self._transform(neck, pose, head=False))[:, :2]
        shade = tuple(int(c * 0.7) for c in rc.skull)
        cv2.fillConvexPoly(img, np.round(pts * 16).astype(np.int32), shade, cv2.LINE_AA, 4)
        centre = self._project(self._transform(np.array([[0.0, 0.25, 0.8]]), pose))[0, :2]
        rh, rn = pose[0], pose[1]
        roll = np.degrees(np.arctan2((rn @ rh)[1, 0], (rn @ rh)[0, 0]))
        axes = (int(1.28 * self.scale), int(1.62 * self.scale))
        cv2.ellipse(img, (int(centre[0]), int(centre[1])), axes, roll, 0, 360, rc.skull, -1,
                    cv2.LINE_AA)

    def _draw_eyes(self, img: np.ndarray, values: np.ndarray, pose) -> np.ndarray:
        """Draw both eyeballs; return the ``(10, 3)`` iris landmarks (right eye, then left)."""
        rc, pc = self.config.render, self.config.pose
        gaze = rotation(self._value(values, 'Gaze Target Theta') * pc.gaze_pitch_per_theta,
                        self._value(values, 'Gaze Target Phi') * pc.gaze_yaw_per_phi, 0.0)
        full = pose[1] @ pose[0] @ gaze
        irises = []
        for name in ('right', 'left'):
            eye = self.rig.eyes[name]
            centre = eye.centre + np.array([0.0, 0.0, EYEBALL_DEPTH])
            c2 = self._project(self._transform(centre[None], pose))[0]
            r = EYEBALL_RADIUS * self.scale
            cv2.circle(img, (int(c2[0] * 16), int(c2[1] * 16)), int(r * 16), rc.eye_white, -1,
                       cv2.LINE_AA, 4)
            look = full @ np.array([0.0, 0.0, -1.0])
            iris_c = c2 + look * (EYEBALL_RADIUS * self.scale)
            foreshorten = max(abs(look[2]), 0.2)
            ri = IRIS_RADIUS * self.scale
            angle = np.degrees(np.arctan2(look[1], look[0])) if abs(look[2]) < 0.999 else 0.0
            axes_i = (max(1, int(ri * foreshorten * 16)), int(ri * 16))
            centre_px = (int(iris_c[0] * 16), int(iris_c[1] * 16))
            cv2.ellipse(img, centre_px, axes_i, angle, 0, 360, rc.iris, -1, cv2.LINE_AA, 4)
            rp = PUPIL_RADIUS * self.scale
            cv2.ellipse(img, centre_px, (max(1, int(rp * foreshorten * 16)), int(rp * 16)), angle,
                        0, 360, (20, 20, 24), -1, cv2.LINE_AA, 4)
            glint = (int((iris_c[0] - rp) * 16), int((iris_c[1] - rp) * 16))
            cv2.circle(img, glint, max(1, int(rp * 0.5 * 16)), (250, 250, 250), -1, cv2.LINE_AA, 4)
            # Iris landmarks as mediapipe lays them out: centre, then 4 rim points.
            rim = np.array([[ri * foreshorten, 0, 0], [0, -ri, 0], [-ri * foreshorten, 0, 0],
                            [0, ri, 0]])
            irises.append(np.concatenate([iris_c[None], iris_c[None] + rim]))
        return np.concatenate(irises)

    def _draw_mouth(self, img: np.ndarray, jaw: np.ndarray, pose, proj: np.ndarray) -> None:
        rc, v0 = self.config.render, self.mesh.vertices
        inner = proj[topo.INNER_LIP, :2]
        centre = inner.mean(0)
        hull = centre + (inner - centre) * 1.25
        cv2.fillPoly(img, [np.round(hull * 16).astype(np.int32)], rc.mouth, cv2.LINE_AA, 4)
        # Teeth: the upper row is fixed to the skull, the lower row rides on the jaw. Both sit
        # just behind the lips, so a closed mouth shows none and an open or smiling one does.
        back = np.array([0.0, 0.0, 0.07])
        upper = v0[UPPER_INNER] + back + np.array([0.0, -0.075, 0.0])
        lower = v0[LOWER_INNER] + back + np.array([0.0, 0.06, 0.0]) + jaw
        height = np.array([0.0, 0.09, 0.0])
        for row, down in ((upper, height), (lower, -height)):
            band = np.concatenate([row - down * 0.3, (row + down)[::-1]])
            pts = self._project(self._transform(band, pose))[:, :2]
            cv2.fillPoly(img, [np.round(pts * 16).astype(np.int32)], rc.teeth, cv2.LINE_AA, 4)

    def _draw_mesh(self, img: np.ndarray, world: np.ndarray, proj: np.ndarray) -> None:
        rc, tri = self.config.render, self.mesh.triangles
        a, b, c = world[tri[:, 0]], world[tri[:, 1]], world[tri[:, 2]]
        face_n = np.cross(b - a, c - a)
        normals = self._vf @ face_n
        normals /= np.linalg.norm(normals, axis=1, keepdims=True) + 1e-12
        # Normals point towards the camera (-z) for front faces.
        lambert = np.clip(normals @ self._light, 0.0, 1.0)
        spec = np.clip(normals @ self._half, 0.0, 1.0) ** rc.shininess
        shade = rc.ambient + rc.diffuse * lambert
        colour = self._albedo * shade[:, None] + rc.specular * spec[:, None]
        p2 = proj[:, :2]
        pa, pb, pc = p2[tri[:, 0]], p2[tri[:, 1]], p2[tri[:, 2]]
        ab, ac = pb - pa, pc - pa
        area = ab[:, 0] * ac[:, 1] - ab[:, 1] * ac[:, 0]
        visible = np.flatnonzero(area < -1e-6)     # counter-clockwise from the camera, y down
        order = visible[np.argsort(-(a[visible, 2] + b[visible, 2] + c[visible, 2]))]
        ids = self._ids
        ids.fill(0)
        fixed = np.round(p2[tri] * (1 << SUBPIXEL)).astype(np.int32)
        for t in order:
            cv2.fillConvexPoly(ids, fixed[t], int(t) + 1, cv2.LINE_8, SUBPIXEL)
        # Per-triangle affine colour planes: [x y 1] @ plane = colour at that pixel.
        m = np.concatenate([p2[tri], np.ones((len(tri), 3, 1))], axis=2)       # (T, 3, 3)
        det = np.linalg.det(m)
        ok = np.abs(det) > 1e-9
        planes = np.zeros((len(tri), 3, 3))
        planes[ok] = np.linalg.solve(m[ok], colour[tri[ok]])
        planes[~ok, 2] = colour[tri[~ok]].mean(1)
        flat = ids.ravel()
        covered = np.flatnonzero(flat)
        t = flat[covered] - 1
        pix = self._pix[covered]
        rgb = np.einsum('nk,nkc->nc', pix, planes[t])
        img.reshape(-1, 3)[covered] = np.clip(rgb * 255.0, 0, 255).astype(np.uint8)
