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

"""Configuration of the virtual Ameca (``config/twin.yaml``)."""

from dataclasses import dataclass, field

from ameca_imitation.config import load_config

Colour = tuple[int, int, int]


@dataclass
class RenderConfig:
    size: int = 256                         # output width = height, pixels
    face_height: float = 0.62               # forehead-to-chin height / image height
    center_y: float = 0.46                  # eye-line centre, fraction of the height
    background: Colour = (52, 56, 60)       # BGR
    skin: Colour = (168, 170, 172)
    lips: Colour = (132, 130, 140)
    brows: Colour = (92, 94, 98)
    skull: Colour = (120, 122, 125)
    eye_white: Colour = (226, 228, 230)
    iris: Colour = (150, 110, 70)
    mouth: Colour = (28, 26, 40)
    teeth: Colour = (214, 218, 222)
    light: tuple[float, float, float] = (-0.45, -0.55, -0.70)
    ambient: float = 0.38
    diffuse: float = 0.62
    specular: float = 0.18
    shininess: float = 18.0
    antialias: bool = True

    def __post_init__(self):
        if self.size < 32:
            raise ValueError(f'render size {self.size} is too small (min 32 px)')


@dataclass
class PoseConfig:
    head_pivot: tuple[float, float, float] = (0.0, 0.4, 1.2)
    neck_pivot: tuple[float, float, float] = (0.0, 2.6, 1.0)
    gaze_yaw_per_phi: float = 0.25
    gaze_pitch_per_theta: float = 0.35


@dataclass
class RigConfig:
    brow_inner_up: float = 0.22
    brow_outer_up: float = 0.20
    brow_knit: float = 0.5
    brow_furrow: float = 0.06
    eyelid_upper_close: float = 0.62
    eyelid_lower_close: float = 0.38
    eyelid_squeeze: float = 0.12
    eyelid_wide: float = 0.30
    jaw_open: float = 0.80
    jaw_side: float = 0.30
    lip_corner_raise: float = 0.30
    lip_corner_reach: float = 0.2
    cheek_raise: float = 0.12
    smile_eye_narrowing: float = 0.5
    lip_corner_stretch: float = 0.22
    lip_bottom_depress: float = 0.20
    lip_top_raise: float = 0.16
    lip_curl: float = 0.10
    nose_wrinkle: float = 0.09
    paired_extremes: bool = True


@dataclass
class TwinConfig:
    render: RenderConfig = field(default_factory=RenderConfig)
    pose: PoseConfig = field(default_factory=PoseConfig)
    rig: RigConfig = field(default_factory=RigConfig)

    @classmethod
    def load(cls, path: str = 'twin.yaml') -> 'TwinConfig':
        return load_config(cls, path)
