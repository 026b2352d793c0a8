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
Core types <-> ROS messages, duck-typed over the message classes.

The same functions fill rclpy messages (in the nodes) and rosbags messages (bags, tests): pass a
:class:`RosTypes` naming the classes and how primitive arrays are handed over (rclpy wants
``array.array``, rosbags wants numpy arrays). Every field is passed by keyword, so both work.
"""

from dataclasses import dataclass
import os
from pathlib import Path
from typing import Any, Callable

from ameca_imitation.paths import config_dir
from ameca_imitation.types import ControlVector, FaceObservation, Keypoints, MotionState
import numpy as np

MSG_PACKAGE = 'ameca_imitation_msgs'
MESSAGES = ('ControlVector', 'FaceObservation', 'Keypoints', 'MotionState')


@dataclass
class RosTypes:
    classes: dict[str, Any]              # 'ControlVector', 'Header', 'Time', 'Image', ...
    floats: Callable = np.asarray        # numpy float32 array -> what the float32[] field takes
    octets: Callable = np.asarray        # numpy uint8 array -> what the uint8[] field takes
    byte: Callable = int                 # int -> what a ``byte`` field takes (rclpy: bytes)

    def __getattr__(self, name):
        try:
            return self.__dict__['classes'][name]
        except KeyError:
            raise AttributeError(name) from None


def msg_dir() -> Path:
    """Folder of our ``.msg`` files: the checkout's, or an installed ``share/`` copy."""
    candidates = [config_dir().parent / 'src' / MSG_PACKAGE / 'msg',
                  config_dir().parent.parent / MSG_PACKAGE / 'msg']
    prefixes = os.environ.get('AMENT_PREFIX_PATH', '').split(os.pathsep)
    candidates += [Path(p) / 'share' / MSG_PACKAGE / 'msg' for p in prefixes if p]
    for c in candidates:
        if (c / 'ControlVector.msg').is_file():
            return c
    raise FileNotFoundError(f'{MSG_PACKAGE}/msg not found (looked in {candidates})')


def rosbags_types(distro: str = 'humble'):
    """Return a rosbags typestore (Humble or Jazzy) holding our messages, and its RosTypes."""
    from rosbags.typesys import get_types_from_msg, get_typestore, Stores
    store = get_typestore({'humble': Stores.ROS2_HUMBLE, 'jazzy': Stores.ROS2_JAZZY}[distro])
    defs = {}
    for name in MESSAGES:
        text = (msg_dir() / f'{name}.msg').read_text(encoding='utf-8')
        defs.update(get_types_from_msg(text, f'{MSG_PACKAGE}/msg/{name}'))
    store.register(defs)
    t = store.types
    classes = {n: t[f'{MSG_PACKAGE}/msg/{n}'] for n in MESSAGES}
    classes.update(Header=t['std_msgs/msg/Header'], Time=t['builtin_interfaces/msg/Time'],
                   RegionOfInterest=t['sensor_msgs/msg/RegionOfInterest'],
                   Image=t['sensor_msgs/msg/Image'],
                   CompressedImage=t['sensor_msgs/msg/CompressedImage'],
                   KeyValue=t['diagnostic_msgs/msg/KeyValue'],
                   DiagnosticStatus=t['diagnostic_msgs/msg/DiagnosticStatus'],
                   DiagnosticArray=t['diagnostic_msgs/msg/DiagnosticArray'])
    return store, RosTypes(classes)


def ros_message_types() -> RosTypes:
    """Bind real ROS 2 message classes (nodes only: imports the generated message modules)."""
    import array
    import importlib
    msgs = importlib.import_module(f'{MSG_PACKAGE}.msg')
    std = importlib.import_module('std_msgs.msg')
    sensor = importlib.import_module('sensor_msgs.msg')
    builtin = importlib.import_module('builtin_interfaces.msg')
    diag = importlib.import_module('diagnostic_msgs.msg')
    classes = {n: getattr(msgs, n) for n in MESSAGES}
    classes.update(Header=std.Header, Time=builtin.Time, Image=sensor.Image,
                   RegionOfInterest=sensor.RegionOfInterest,
                   DiagnosticArray=diag.DiagnosticArray, DiagnosticStatus=diag.DiagnosticStatus,
                   KeyValue=diag.KeyValue)
    # rclpy refuses numpy arrays for float32[] and uint8[] fields.
    return RosTypes(classes, floats=lambda a: array.array('f', a.tolist()),
                    octets=lambda a: a.tobytes(), byte=lambda v: bytes([v]))


def diagnostics_to_msg(stamp: float, node: str, figures: dict, t: RosTypes, level: int = 0,
                       message: str = ''):
    """
    Build a ``diagnostic_msgs/DiagnosticArray`` holding ``figures`` (rates, latency).

    ``level``: 0 OK, 1 WARN, 2 ERROR (``DiagnosticStatus``'s constants).
    """
    values = [t.KeyValue(key=k, value=f'{v:.3f}' if isinstance(v, float) else str(v))
              for k, v in figures.items()]
    status = t.DiagnosticStatus(level=t.byte(level), name=node,
                                message=message or ('ok', 'warn', 'error')[level],
                                hardware_id='ameca', values=values)
    return t.DiagnosticArray(header=_header(stamp, t), status=[status])


def _header(stamp: float, t: RosTypes, frame_id: str = 'camera'):
    sec = int(np.floor(stamp))
    return t.Header(stamp=t.Time(sec=sec, nanosec=int(round((stamp - sec) * 1e9)) % 1_000_000_000),
                    frame_id=frame_id)


def stamp_of(msg) -> float:
    return msg.header.stamp.sec + msg.header.stamp.nanosec * 1e-9


def control_vector_to_msg(cv: ControlVector, t: RosTypes):
    return t.ControlVector(header=_header(cv.stamp, t), names=list(cv.names),
                           values=t.floats(np.asarray(cv.values, np.float32)),
                           normalized=bool(cv.normalised))


def control_vector_from_msg(msg) -> ControlVector:
    names = tuple(msg.names)
    values = np.asarray(msg.values, np.float64)
    if len(names) != len(values):
        raise ValueError(f'ControlVector has {len(names)} names but {len(values)} values')
    return ControlVector(stamp_of(msg), names, values, bool(msg.normalized))


def observation_to_msg(obs: FaceObservation, t: RosTypes):
    x, y, w, h = (int(round(v)) for v in obs.box)
    box = t.RegionOfInterest(x_offset=max(x, 0), y_offset=max(y, 0), height=max(h, 0),
                             width=max(w, 0), do_rectify=False)
    return t.FaceObservation(
        header=_header(obs.stamp, t), face_found=obs.face_found, track_id=obs.track_id,
        confidence=float(obs.confidence), image_width=obs.image_size[0],
        image_height=obs.image_size[1], box=box,
        landmarks=t.floats(np.asarray(obs.landmarks, np.float32).ravel()),
        pitch=float(obs.pitch), yaw=float(obs.yaw), roll=float(obs.roll),
        feature_names=list(obs.features),
        feature_values=t.floats(np.asarray(list(obs.features.values()), np.float32)),
        hidden_parts=list(obs.hidden_parts))


def motion_state_to_msg(state: MotionState, t: RosTypes):
    k = len(state.canonical)
    return t.MotionState(
        header=_header(state.stamp, t), count=k,
        canonical=t.floats(np.asarray(state.canonical, np.float32).ravel()),
        expression=t.floats(np.asarray(state.expression, np.float32).ravel()),
        rotation=np.asarray(state.rotation, np.float64).reshape(9),
        pitch=float(state.pitch), yaw=float(state.yaw), roll=float(state.roll),
        translation=np.asarray(state.translation, np.float32).reshape(3),
        scale=float(state.scale))


def motion_state_from_msg(msg) -> MotionState:
    k = int(msg.count)
    canonical, expression = (np.asarray(a, np.float32) for a in (msg.canonical, msg.expression))
    if canonical.size != 3 * k or expression.size != 3 * k:
        raise ValueError(f'MotionState: count {k} but {canonical.size} canonical and '
                         f'{expression.size} expression values')
    return MotionState(stamp_of(msg), canonical.reshape(k, 3),
                       np.asarray(msg.rotation, np.float64).reshape(3, 3),
                       np.asarray(msg.translation, np.float32), float(msg.scale),
                       expression.reshape(k, 3), float(msg.pitch), float(msg.yaw),
                       float(msg.roll))


def observation_from_msg(msg) -> FaceObservation:
    lm = np.asarray(msg.landmarks, np.float32)
    if lm.size % 3:
        raise ValueError(f'FaceObservation.landmarks has {lm.size} values, not a multiple of 3')
    if len(msg.feature_names) != len(msg.feature_values):
        raise ValueError('FaceObservation feature_names and feature_values differ in length')
    b = msg.box
    return FaceObservation(
        stamp=stamp_of(msg), face_found=bool(msg.face_found),
        image_size=(int(msg.image_width), int(msg.image_height)), track_id=int(msg.track_id),
        confidence=float(msg.confidence),
        box=(float(b.x_offset), float(b.y_offset), float(b.width), float(b.height)),
        landmarks=lm.reshape(-1, 3), pitch=float(msg.pitch), yaw=float(msg.yaw),
        roll=float(msg.roll),
        features={n: float(v) for n, v in zip(msg.feature_names, msg.feature_values)},
        hidden_parts=tuple(msg.hidden_parts))


def keypoints_to_msg(kp: Keypoints, t: RosTypes):
    k, d = kp.values.shape
    empty = np.zeros(0, np.float32)
    return t.Keypoints(
        header=_header(kp.stamp, t), source=kp.source, dimension=d, count=k,
        values=t.floats(kp.values.astype(np.float32).ravel()),
        jacobians=t.floats(empty if kp.jacobians is None
                           else kp.jacobians.astype(np.float32).ravel()),
        covariances=t.floats(empty if kp.covariances is None
                             else kp.covariances.astype(np.float32).ravel()))


def keypoints_from_msg(msg) -> Keypoints:
    k, d = int(msg.count), int(msg.dimension)
    values = np.asarray(msg.values, np.float32)
    if values.size != k * d:
        raise ValueError(f'Keypoints: {values.size} values for count {k} x dimension {d}')

    def optional(arr):
        arr = np.asarray(arr, np.float32)
        return None if arr.size == 0 else arr.reshape(k, d, d)
    return Keypoints(stamp_of(msg), values.reshape(k, d), optional(msg.jacobians),
                     optional(msg.covariances), str(msg.source))


_ENCODINGS = {'bgr8': (3, np.uint8), 'rgb8': (3, np.uint8), 'mono8': (1, np.uint8),
              'mono16': (1, np.uint16), '32FC1': (1, np.float32)}


def image_to_msg(image: np.ndarray, stamp: float, t: RosTypes, frame_id: str = 'camera'):
    """``(H, W, 3)`` uint8 BGR -> sensor_msgs/Image ``bgr8``."""
    h, w = image.shape[:2]
    return t.Image(header=_header(stamp, t, frame_id), height=h, width=w, encoding='bgr8',
                   is_bigendian=0, step=w * 3, data=t.octets(np.ascontiguousarray(image).ravel()))


def compressed_to_msg(image: np.ndarray, stamp: float, t: RosTypes, frame_id: str = 'camera',
                      quality: int = 90):
    """``(H, W, 3)`` uint8 BGR -> sensor_msgs/CompressedImage (JPEG), as image_transport sends."""
    import cv2
    ok, jpg = cv2.imencode('.jpg', image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError('JPEG encoding failed')
    return t.CompressedImage(header=_header(stamp, t, frame_id), format='jpeg',
                             data=t.octets(jpg.ravel()))


def compressed_from_msg(msg) -> np.ndarray:
    """sensor_msgs/CompressedImage (JPEG or PNG) -> ``(H, W, 3)`` uint8 BGR."""
    import cv2
    image = cv2.imdecode(np.frombuffer(bytes(msg.data), np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f'compressed image ({msg.format!r}) does not decode')
    return image


def image_from_msg(msg) -> np.ndarray:
    """sensor_msgs/Image -> numpy; honours ``step`` padding and byte order. Colour -> BGR."""
    if msg.encoding not in _ENCODINGS:
        raise ValueError(f'unsupported image encoding {msg.encoding!r}; '
                         f'supported: {sorted(_ENCODINGS)}')
    channels, dtype = _ENCODINGS[msg.encoding]
    dt = np.dtype(dtype).newbyteorder('>' if msg.is_bigendian else '<')
    row = msg.width * channels * dt.itemsize
    data = np.frombuffer(bytes(msg.data), np.uint8)
    if msg.step < row or len(data) != msg.height * msg.step:
        raise ValueError(f'image data of {len(data)} bytes does not fit {msg.height} rows of '
                         f'step {msg.step} (>= {row})')
    rows = data.reshape(msg.height, msg.step)[:, :row]
    img = np.ascontiguousarray(rows).view(dt).reshape(msg.height, msg.width, channels)
    img = img.astype(dtype)
    if msg.encoding == 'rgb8':
        img = img[:, :, ::-1]
    return img if channels > 1 else img[:, :, 0]
