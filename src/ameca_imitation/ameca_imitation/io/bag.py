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

"""ROS 2 bags (MCAP) of the pipeline's topics, written and read with rosbags."""

from pathlib import Path
import shutil

from ameca_imitation.io.ros_convert import MSG_PACKAGE, rosbags_types

TOPICS = {
    '/camera/image_raw': 'sensor_msgs/msg/Image',
    '/camera/image_raw/compressed': 'sensor_msgs/msg/CompressedImage',
    '/face/debug_image/compressed': 'sensor_msgs/msg/CompressedImage',
    '/animator/image/compressed': 'sensor_msgs/msg/CompressedImage',
    '/ameca/twin_image/compressed': 'sensor_msgs/msg/CompressedImage',
    '/face/observation': f'{MSG_PACKAGE}/msg/FaceObservation',
    '/face/keypoints': f'{MSG_PACKAGE}/msg/Keypoints',
    '/face/motion': f'{MSG_PACKAGE}/msg/MotionState',
    '/policy/controls': f'{MSG_PACKAGE}/msg/ControlVector',
    '/ameca/command': f'{MSG_PACKAGE}/msg/ControlVector',
}


class BagWriter:
    """Writes messages built with :func:`rosbags_types` to an MCAP bag folder (overwrites)."""

    def __init__(self, path: str | Path, distro: str = 'humble'):
        from rosbags.rosbag2 import StoragePlugin, Writer
        self.store, self.types = rosbags_types(distro)
        self.path = Path(path)
        if self.path.exists():
            shutil.rmtree(self.path)
        self._writer = Writer(self.path, version=8, storage_plugin=StoragePlugin.MCAP)
        self._writer.open()
        self._connections = {}

    def write(self, topic: str, msg, stamp: float) -> None:
        msgtype = TOPICS[topic]
        if topic not in self._connections:
            self._connections[topic] = self._writer.add_connection(topic, msgtype,
                                                                   typestore=self.store)
        data = self.store.serialize_cdr(msg, msgtype)
        self._writer.write(self._connections[topic], int(stamp * 1e9), data)

    def close(self) -> None:
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_bag(path: str | Path, topics=None, distro: str = 'humble'):
    """Yield ``(topic, stamp_ns, message)`` from a bag written by :class:`BagWriter`."""
    from rosbags.rosbag2 import Reader
    store, _ = rosbags_types(distro)
    with Reader(Path(path)) as reader:
        conns = [c for c in reader.connections if topics is None or c.topic in topics]
        for conn, stamp, raw in reader.messages(connections=conns):
            yield conn.topic, stamp, store.deserialize_cdr(raw, conn.msgtype)
