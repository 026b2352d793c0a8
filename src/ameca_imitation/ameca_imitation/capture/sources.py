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

import logging
from pathlib import Path
import time
from typing import Iterator

from ameca_imitation.types import Frame
import cv2

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp')
STILL_HOLD_S = 1.0     # seconds between two portraits: the commands settle on each pose


class CaptureError(RuntimeError):
    """An input that cannot be read; the message names it."""


class VideoSource:
    """
    A video file or ``camera:N``. ``stills`` is False: frames are one person's sequence.

    After iterating a file, ``frames_read`` says how many frames decoded; fewer than
    ``frame_count`` means the file ended early (truncated or damaged), logged as a warning.
    """

    stills = False

    def __init__(self, spec: str, camera: bool = False):
        self.spec = spec
        self.camera = camera
        self.frames_read = 0
        self.skipped: list[str] = []
        if camera:
            index = spec.split(':', 1)[1]
            if not index.isdigit():
                raise CaptureError(f'camera index in {spec!r} must be a number, e.g. camera:0')
            target = int(index)
        else:
            target = spec
        self._cap = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            kind = 'camera' if camera else 'video file'
            raise CaptureError(f'cannot open {kind} {spec!r} (missing, unreadable or unsupported)')
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if fps and fps > 0 else 30.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = None if camera or count <= 0 else count
        self._first = None
        if not camera:
            # Keep the first frame rather than seeking back to it: seeking fails on 1-frame files.
            ok, first = self._cap.read()
            if not ok or first is None:
                raise CaptureError(f'{spec!r} opened but holds no decodable video frame')
            self._first = first

    @property
    def truncated(self) -> bool:
        """Tell whether a file decoded fewer frames than its header announces."""
        return self.frame_count is not None and self.frames_read < self.frame_count

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            if self._first is not None:
                image, self._first = self._first, None
            else:
                ok, image = self._cap.read()
                if not ok:
                    break
            stamp = time.monotonic() if self.camera else index / self.fps
            self.frames_read = index + 1
            yield Frame(image, stamp, index)
            index += 1
        if self.truncated:
            log.warning('%s: decoded %d of the %d frames its header announces (truncated or '
                        'damaged file)', self.spec, self.frames_read, self.frame_count)

    def close(self) -> None:
        self._cap.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ImageFolderSource:
    """
    Still images: a folder of them (sorted by name) or one image file.

    ``stills`` (default True): each image is its own subject, measured against the population
    neutral and stamped ``STILL_HOLD_S`` apart, so the commands settle on each pose; False: the
    images are one person's sequence (frames of a clip at ``fps``). Images that do not decode
    are skipped with a warning and listed in ``skipped``.
    """

    def __init__(self, path: str, fps: float = 30.0, stills: bool = True):
        self.spec = path
        self.fps = 1.0 / STILL_HOLD_S if stills else fps
        self.camera = False
        self.stills = stills
        self.frames_read = 0
        self.truncated = False
        self.skipped: list[str] = []
        p = Path(path)
        if p.is_file():
            self.files = [p]
        else:
            self.files = sorted(f for f in p.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise CaptureError(f'image folder {path!r} holds no '
                               f'{"/".join(IMAGE_SUFFIXES)} files')
        self.frame_count = len(self.files)

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        for path in self.files:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                self.skipped.append(path.name)
                log.warning('skipping %s: not a decodable image', path)
                continue
            self.frames_read += 1
            yield Frame(image, index / self.fps, index)
            index += 1

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_source(spec: str, fps: float = 30.0, sequence: bool = False):
    """
    Open a video file, ``camera:N``, an image folder or one image; raise :class:`CaptureError`.

    ``sequence``: an image folder holds one person's frames (their neutral is estimated over
    them) rather than separate portraits.
    """
    spec = str(spec)
    if spec.startswith('camera:'):
        return VideoSource(spec, camera=True)
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(spec, fps, stills=not sequence)
    if not path.is_file():
        raise CaptureError(f'input {spec!r} does not exist (expected a video file, an image '
                           'folder, an image or camera:N)')
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFolderSource(spec, fps, stills=True)
    return VideoSource(spec)
