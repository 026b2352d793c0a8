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
Frame sources with timestamps. ``open_source('clip.mp4' | 'camera:0' | 'folder/')``.

Files and folders are stamped by frame index / fps (their own clock); cameras by the monotonic
clock at capture. Iterating yields :class:`~ameca_imitation.types.Frame`; a source is a context
manager and releases its device on exit.
"""

from pathlib import Path
import time
from typing import Iterator

from ameca_imitation.types import Frame
import cv2

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp')


class CaptureError(RuntimeError):
    """An input that cannot be read; the message names it."""


class VideoSource:
    def __init__(self, spec: str, camera: bool = False):
        self.spec = spec
        self.camera = camera
        target = int(spec.split(':', 1)[1]) if camera else spec
        self._cap = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            kind = 'camera' if camera else 'video file'
            raise CaptureError(f'cannot open {kind} {spec!r} (missing, unreadable or unsupported)')
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 else 30.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = None if camera or count <= 0 else count
        if not camera:
            ok, first = self._cap.read()
            if not ok or first is None:
                raise CaptureError(f'{spec!r} opened but holds no decodable video frame')
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok, image = self._cap.read()
            if not ok:
                return
            stamp = time.monotonic() if self.camera else index / self.fps
            yield Frame(image, stamp, index)
            index += 1

    def close(self) -> None:
        self._cap.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ImageFolderSource:
    def __init__(self, folder: str, fps: float = 30.0):
        self.spec = folder
        self.fps = fps
        self.camera = False
        self.files = sorted(p for p in Path(folder).iterdir()
                            if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise CaptureError(f'image folder {folder!r} holds no '
                               f'{"/".join(IMAGE_SUFFIXES)} files')
        self.frame_count = len(self.files)

    def __iter__(self) -> Iterator[Frame]:
        for index, path in enumerate(self.files):
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise CaptureError(f'cannot decode image {str(path)!r}')
            yield Frame(image, index / self.fps, index)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_source(spec: str, fps: float = 30.0):
    """Open a video file, ``camera:N`` or an image folder; raise :class:`CaptureError` if bad."""
    spec = str(spec)
    if spec.startswith('camera:'):
        return VideoSource(spec, camera=True)
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(spec, fps)
    if not path.is_file():
        raise CaptureError(f'input {spec!r} does not exist (expected a video file, an image '
                           'folder or camera:N)')
    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise CaptureError(f'{spec!r} is a single image; put it in a folder to use it as input')
    return VideoSource(spec)
