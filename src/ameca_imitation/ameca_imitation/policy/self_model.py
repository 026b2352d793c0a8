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
The robot's self-model data: twin renders observed by the same landmark model as the person.

Like motor babbling, each (render, controls) pair of a twin data set is looked at with mediapipe;
its expression features are taken relative to the twin's own neutral render (as a person's are
relative to theirs) and paired with the controls that made the render. A feature policy trained
on these pairs maps "what the face did" to "what the motors must do".

Some features may be taken from the twin's exact landmarks instead (``mesh_features``): where
the landmark model reads the grey render far short of what its mesh does (the brows: they have
no hair to read, as a person's do), the policy then learns how the mesh moves them.
"""

from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from pathlib import Path

from ameca_imitation.controls import ControlSchema
from ameca_imitation.policy.inputs import feature_inputs
import numpy as np
from tqdm import tqdm

CACHE = 'observed_features.npz'
_WORKER = {}


def _init(root: str, size: int, mesh_features: tuple):
    from ameca_imitation.face.features import FEATURE_NAMES, FeatureExtractor
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    from ameca_imitation.face.pose import estimate_pose
    from ameca_imitation.twin import TwinRenderer
    from ameca_imitation.twin.dataset import ShardDataset
    from ameca_imitation.twin.exact import ExactFeatures
    schema = ControlSchema.default()
    detector = FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1))
    renderer = TwinRenderer(schema, size=size)
    neutral = renderer.render(schema.neutral)
    lm = detector.detect(neutral.image)[0].landmarks
    extractor = FeatureExtractor()
    extractor.set_neutral(extractor.measure(lm, estimate_pose(lm)[0]))
    _WORKER.update(data=ShardDataset(root, verify=False), detector=detector, extractor=extractor,
                   renderer=renderer, exact=ExactFeatures(neutral.landmarks),
                   mesh_columns=[FEATURE_NAMES.index(n) for n in mesh_features])


def _observe(indices):
    from ameca_imitation.face.pose import estimate_pose
    from ameca_imitation.types import FaceObservation
    out = []
    for i in indices:
        image, controls = _WORKER['data'][i]
        faces = _WORKER['detector'].detect(image)
        if not faces:
            out.append((i, None, controls))
            continue
        lm = faces[0].landmarks
        fit, (pitch, yaw, roll) = estimate_pose(lm)
        obs = FaceObservation(0.0, True, landmarks=lm, pitch=pitch, yaw=yaw, roll=roll,
                              features=_WORKER['extractor'](lm, fit))
        inputs = feature_inputs(obs)
        mesh = _WORKER['mesh_columns']
        if mesh:          # the pairs' renders are JPEGs; the twin redraws its exact landmarks
            exact = _WORKER['exact'](_WORKER['renderer'].render(controls).landmarks)
            inputs[mesh] = exact[mesh]
        out.append((i, inputs, controls))
    return out


def observed_features(root: str | Path, workers: int = 2, chunk: int = 250,
                      mesh_features: tuple = ()):
    """
    Return ``(inputs (M, 22), controls (M, N))`` of the pairs with a face found (cached).

    ``mesh_features``: names of features taken from the twin's exact landmarks instead of the
    landmark model's reading of the render.
    """
    from ameca_imitation.face.features import FEATURE_NAMES
    from ameca_imitation.twin.dataset import ShardDataset
    unknown = set(mesh_features) - set(FEATURE_NAMES)
    if unknown:
        raise ValueError(f'unknown features {sorted(unknown)}; known: {", ".join(FEATURE_NAMES)}')
    mesh_features = tuple(n for n in FEATURE_NAMES if n in mesh_features)
    root = Path(root)
    cache = root / (CACHE if not mesh_features else
                    f'observed_features_mesh_{"+".join(mesh_features)}.npz')
    if cache.is_file():
        with np.load(cache) as data:
            return data['inputs'], data['controls']
    data = ShardDataset(root)
    size = int(data.manifest['spec']['size'])
    chunks = [range(s, min(s + chunk, len(data))) for s in range(0, len(data), chunk)]
    rows = []
    # Spawned, not forked: a fork of a process already running mediapipe's threads can hang.
    spawn = multiprocessing.get_context('spawn')
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_init,
                             initargs=(str(root), size, mesh_features)) as pool:
        for part in tqdm(pool.map(_observe, chunks), total=len(chunks), desc='observing twin',
                         unit='chunk'):
            rows.extend(part)
    rows = [r for r in sorted(rows, key=lambda r: r[0]) if r[1] is not None]
    inputs = np.stack([r[1] for r in rows]).astype(np.float32)
    controls = np.stack([r[2] for r in rows]).astype(np.float32)
    np.savez(cache, inputs=inputs, controls=controls)
    return inputs, controls


def observed_motion(root: str | Path, extractor: str | Path, batch: int = 64):
    """
    Return ``(inputs (M, 3K + 3), controls (M, N))`` of a twin data set's implicit motion.

    Each render as LivePortrait's motion extractor ``extractor`` reads it, relative to the
    twin's neutral render (:func:`policy.inputs.motion_inputs`). Cached per extractor file.
    """
    import hashlib
    from ameca_imitation.animation.implicit_motion import ImplicitMotion
    from ameca_imitation.policy.inputs import motion_inputs
    from ameca_imitation.twin import TwinRenderer
    from ameca_imitation.twin.dataset import ShardDataset
    root, extractor = Path(root), Path(extractor).resolve()
    stamp = max(p.stat().st_mtime for p in extractor.iterdir())
    key = hashlib.sha1(f'{extractor}:{stamp}'.encode()).hexdigest()[:12]
    cache = root / f'observed_motion_{key}.npz'
    if cache.is_file():
        with np.load(cache) as data:
            return data['inputs'], data['controls']
    data = ShardDataset(root)
    size = int(data.manifest['spec']['size'])
    schema = ControlSchema.default()
    neutral = TwinRenderer(schema, size=size).render(schema.neutral)
    observer = ImplicitMotion(extractor, neutral.landmarks, size)
    reference = observer.observe([neutral.image], [0.0])[0]
    inputs, controls = [], []
    for start in tqdm(range(0, len(data), batch), desc='observing twin motion', unit='batch'):
        items = [data[i] for i in range(start, min(start + batch, len(data)))]
        states = observer.observe([image for image, _ in items], [0.0] * len(items))
        inputs += [motion_inputs(s, reference) for s in states]
        controls += [c for _, c in items]
    inputs, controls = np.stack(inputs).astype(np.float32), np.stack(controls).astype(np.float32)
    np.savez(cache, inputs=inputs, controls=controls)
    return inputs, controls
