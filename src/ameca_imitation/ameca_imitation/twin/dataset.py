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
(image, control values) data sets: written from the twin in shards, read from three layouts.

Shard file ``shard_NNNNN.npz``: ``jpeg`` (concatenated JPEG bytes, uint8), ``offsets`` ``(n+1,)``
int64, ``controls`` ``(n, N)`` float32 native values in the manifest's control order.
``manifest.json``: seed, size, counts, control order, the twin and sampling settings, and a
SHA-256 per shard, so a corrupt or partial shard is caught before it trains anything.

Readers (all yield ``(image (H, W, 3) uint8 BGR, controls (N,) float64 native)``):
:class:`ShardDataset` (ours), :class:`X2CDataset` (a folder of images with a CSV of 30 values per
image, the published X2C convention) and :func:`pairs_from_bag` (camera images + commanded
``ControlVector`` from a ROS 2 bag of a robot session).
"""

from concurrent.futures import ProcessPoolExecutor
import csv
from dataclasses import asdict, dataclass
import hashlib
import json
import multiprocessing
from pathlib import Path

from ameca_imitation.controls import ControlSchema
from ameca_imitation.paths import config_path
from ameca_imitation.twin.animator import ExpressionLibrary, random_clip
from ameca_imitation.twin.render import TwinRenderer
import cv2
import numpy as np
from tqdm import tqdm

MANIFEST = 'manifest.json'
FORMAT_VERSION = 1


class DatasetError(RuntimeError):
    """A data set that cannot be read as it claims to be; the message names the file."""


@dataclass
class DatasetSpec:
    count: int = 20000          # pairs
    seed: int = 0
    size: int = 256             # image side, pixels
    shard_size: int = 1000      # pairs per shard
    fps: float = 10.0           # clip sampling rate: consecutive pairs are 1/fps apart in a clip
    clip_seconds: float = 4.0   # length of each random clip
    jpeg_quality: int = 95
    # Animated pairs: instead of the render, Ameca's neutral image moved by the render (the
    # weight-free landmark warp, from landmarks read off a driver_size render), as the image
    # pipeline shows its policy a person. Renders whose face is not found are left out.
    animated: bool = False
    driver_size: int = 128


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def _animated_view(schema: ControlSchema, spec: DatasetSpec):
    """``values -> image``: Ameca's neutral image animated by the twin showing ``values``."""
    from ameca_imitation.animation import AnimatorStage
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    from ameca_imitation.types import FaceObservation
    driver = TwinRenderer(schema, size=spec.driver_size)
    source = TwinRenderer(schema, size=256).render(schema.neutral)
    stage = AnimatorStage(source.image, source.landmarks)
    detector = FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1))

    def observe(values):
        faces = detector.detect(driver.render(values).image)
        return FaceObservation(0.0, True, landmarks=faces[0].landmarks) if faces else None
    stage(observe(schema.neutral))     # the twin's neutral is the "person's" first frame

    def view(values):
        obs = observe(values)          # the same track: moved against that first frame
        if obs is None:
            return None
        return cv2.resize(stage(obs), (spec.size, spec.size), interpolation=cv2.INTER_AREA)
    return view


def _write_shard(args) -> dict:
    """Render one shard (runs in a worker process)."""
    out, index, count, seed_seq, spec = args
    schema = ControlSchema.default()
    renderer = TwinRenderer(schema, size=spec.size)
    view = (_animated_view(schema, spec) if spec.animated
            else lambda values: renderer.render(values).image)
    library = ExpressionLibrary(schema)
    rng = np.random.default_rng(seed_seq)
    kept, blobs, offsets = [], [], [0]
    while len(kept) < count:
        clip = random_clip(schema, rng, duration=spec.clip_seconds, library=library)
        for values in clip.frames(spec.fps)[:count - len(kept)]:
            image = view(values)
            if image is None:
                continue
            ok, jpg = cv2.imencode('.jpg', image, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
            blobs.append(jpg.ravel())
            offsets.append(offsets[-1] + len(jpg))
            kept.append(values)
    controls = np.array(kept)
    path = out / f'shard_{index:05d}.npz'
    np.savez(path, jpeg=np.concatenate(blobs), offsets=np.array(offsets, np.int64),
             controls=controls.astype(np.float32))
    return {'file': path.name, 'count': int(count), 'sha256': _sha256(path)}


def twin_fingerprint() -> str:
    """
    Return a digest of what decides a render: the twin's code, its YAML and the control table.

    A data set whose manifest records another fingerprint was drawn by another twin (its images
    and controls no longer agree with today's renders), so it is drawn again.
    """
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob('*.py')):
        h.update(path.read_bytes())
    for name in ('twin.yaml', 'expressions.yaml', 'ameca_controls.yaml'):
        h.update(config_path(name).read_bytes())
    return h.hexdigest()[:16]


def is_current(out: str | Path, spec: DatasetSpec) -> bool:
    """Tell whether ``out`` holds a data set of ``spec`` drawn by today's twin."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return False
    manifest = json.loads(path.read_text())
    return manifest.get('spec') == asdict(spec) and manifest.get('twin') == twin_fingerprint()


def write_dataset(out: str | Path, spec: DatasetSpec, workers: int = 2) -> dict:
    """Render ``spec.count`` pairs into ``out`` with ``workers`` processes; return the manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # A data set drawn again replaces the old one whole: its shards and what was derived from
    # them (the policies' observed_*.npz caches).
    for old in [*out.glob('shard_*.npz'), *out.glob('observed_*.npz'), out / MANIFEST]:
        old.unlink(missing_ok=True)
    schema = ControlSchema.default()
    n_shards = -(-spec.count // spec.shard_size)
    seeds = np.random.SeedSequence(spec.seed).spawn(n_shards)
    jobs = [(out, i, min(spec.shard_size, spec.count - i * spec.shard_size), seeds[i], spec)
            for i in range(n_shards)]
    shards = []
    # Spawned workers: forking a parent that runs mediapipe or torch threads can hang.
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context('spawn')) as pool:
        for shard in tqdm(pool.map(_write_shard, jobs), total=n_shards, desc='shards',
                          unit='shard'):
            shards.append(shard)
    manifest = {'format': 'ameca_imitation.twin_pairs', 'version': FORMAT_VERSION,
                'spec': asdict(spec), 'control_names': list(schema.names),
                'control_table': schema.name, 'twin': twin_fingerprint(),
                'count': sum(s['count'] for s in shards),
                'shards': shards}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


class ShardDataset:
    """Random access to a data set written by :func:`write_dataset`."""

    def __init__(self, root: str | Path, verify: bool = True):
        self.root = Path(root)
        path = self.root / MANIFEST
        if not path.is_file():
            raise DatasetError(f'{path} is missing: not a twin data set (or not finished)')
        try:
            self.manifest = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise DatasetError(f'{path} is not valid JSON: {err}') from err
        self.control_names = tuple(self.manifest['control_names'])
        self._shards = self.manifest['shards']
        for shard in self._shards:
            file = self.root / shard['file']
            if not file.is_file():
                raise DatasetError(f'shard {file} listed in the manifest is missing')
            if verify and _sha256(file) != shard['sha256']:
                raise DatasetError(f'shard {file} is corrupt or partial (checksum mismatch)')
        self._starts = np.cumsum([0] + [s['count'] for s in self._shards])
        self._cache = (None, None)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def _shard(self, k: int):
        if self._cache[0] != k:
            file = self.root / self._shards[k]['file']
            try:
                with np.load(file) as data:
                    shard = {n: data[n] for n in ('jpeg', 'offsets', 'controls')}
            except (OSError, ValueError, KeyError) as err:
                raise DatasetError(f'shard {file} cannot be read: {err}') from err
            if len(shard['controls']) != self._shards[k]['count']:
                raise DatasetError(f'shard {file} holds {len(shard["controls"])} pairs, '
                                   f'the manifest says {self._shards[k]["count"]}')
            self._cache = (k, shard)
        return self._cache[1]

    def controls(self) -> np.ndarray:
        """All ``(len, N)`` control vectors, without decoding images."""
        return np.concatenate([self._shard(k)['controls'] for k in range(len(self._shards))])

    def __getitem__(self, i: int):
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = int(np.searchsorted(self._starts, i, side='right') - 1)
        shard = self._shard(k)
        j = i - self._starts[k]
        blob = shard['jpeg'][shard['offsets'][j]:shard['offsets'][j + 1]]
        image = cv2.imdecode(blob, cv2.IMREAD_COLOR)
        if image is None:
            raise DatasetError(f'pair {i} in {self._shards[k]["file"]} does not decode')
        return image, shard['controls'][j].astype(np.float64)


class X2CDataset:
    """
    Images with a CSV table: ``image`` path column, then 30 control columns.

    The published X2C set pairs each image with 30 values in the canonical order; ``normalised``
    says whether they are in [0, 1] (converted to native units with the schema) or native.
    """

    def __init__(self, root: str | Path, table: str | Path, schema: ControlSchema,
                 normalised: bool = True):
        self.root = Path(root)
        self.schema = schema
        rows = list(csv.reader(open(table, encoding='utf-8')))
        if not rows:
            raise DatasetError(f'{table} is empty')
        header, body = rows[0], rows[1:]
        if len(header) != len(schema) + 1:
            raise DatasetError(f'{table}: expected an image column and {len(schema)} control '
                               f'columns, got {len(header)} columns')
        self.files = [r[0] for r in body]
        values = np.array([[float(x) for x in r[1:]] for r in body], np.float64)
        self.values = schema.denormalise(values) if normalised else values

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int):
        path = self.root / self.files[i]
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise DatasetError(f'cannot read image {path}')
        return image, self.values[i]


def pairs_from_bag(path: str | Path, schema: ControlSchema,
                   image_topic: str = '/camera/image_raw/compressed',
                   command_topic: str = '/ameca/command'):
    """
    Pair each camera image of a bag with the newest command sent at or before it.

    ``image_topic`` may carry ``sensor_msgs/Image`` or ``sensor_msgs/CompressedImage``.
    """
    from ameca_imitation.io import ros_convert as rc
    from ameca_imitation.io.bag import read_bag
    images, commands = [], []
    for topic, stamp, msg in read_bag(path, topics={image_topic, command_topic}):
        if topic == image_topic:
            decode = rc.compressed_from_msg if hasattr(msg, 'format') else rc.image_from_msg
            images.append((stamp, decode(msg)))
        else:
            cv = rc.control_vector_from_msg(msg)
            commands.append((stamp, schema.from_named(cv.names, cv.values)))
    if not images or not commands:
        raise DatasetError(f'{path}: needs both {image_topic} and {command_topic} messages')
    stamps = np.array([s for s, _ in commands])
    pairs = []
    for stamp, image in images:
        k = int(np.searchsorted(stamps, stamp, side='right')) - 1
        if k >= 0:
            pairs.append((image, commands[k][1]))
    return pairs
