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

"""Data sets of (image, controls) pairs: written in checksummed shards, read back from 3 layouts."""

import csv
import json

import cv2
import numpy as np
import pytest

from ameca_imitation.cli.dataset import main as dataset_main
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.dataset import (DatasetError, DatasetSpec, is_current, pairs_from_bag,
                                          ShardDataset, twin_fingerprint, write_dataset,
                                          X2CDataset)


@pytest.fixture(scope='module')
def small_set(tmp_path_factory):
    out = tmp_path_factory.mktemp('pairs')
    manifest = write_dataset(out, DatasetSpec(count=120, seed=5, size=96, shard_size=50), workers=2)
    return out, manifest


def test_manifest_and_shards(small_set, schema):
    out, manifest = small_set
    assert manifest['count'] == 120 and [s['count'] for s in manifest['shards']] == [50, 50, 20]
    assert manifest['control_names'] == list(schema.names)
    on_disk = json.loads((out / 'manifest.json').read_text())
    assert on_disk['spec']['seed'] == 5


def test_pairs_are_renders_of_their_controls(small_set, schema):
    data = ShardDataset(small_set[0])
    assert len(data) == 120
    renderer = TwinRenderer(schema, size=96)
    for i in (0, 77, 119):
        image, controls = data[i]
        assert image.shape == (96, 96, 3) and controls.shape == (len(schema),)
        assert np.all(controls >= schema.live_min - 1e-6) and np.all(controls <= schema.live_max + 1e-6)
        again = renderer.render(controls).image.astype(float)
        assert np.abs(again - image).mean() < 3.0        # JPEG noise only


def test_reproducible_from_seed(small_set, tmp_path):
    write_dataset(tmp_path, DatasetSpec(count=120, seed=5, size=96, shard_size=50), workers=1)
    assert np.array_equal(ShardDataset(tmp_path).controls(), ShardDataset(small_set[0]).controls())


def test_a_set_is_current_only_for_its_spec_and_todays_twin(small_set, tmp_path):
    out, manifest = small_set
    spec = DatasetSpec(count=120, seed=5, size=96, shard_size=50)
    assert manifest['twin'] == twin_fingerprint() and is_current(out, spec)
    assert not is_current(out, DatasetSpec(count=120, seed=6, size=96, shard_size=50))
    assert not is_current(tmp_path, spec)                       # nothing there
    # A set drawn by another twin (another fingerprint) is drawn again, caches and all.
    small = DatasetSpec(count=4, seed=5, size=64, shard_size=4)
    write_dataset(tmp_path, small, workers=1)
    stale = json.loads((tmp_path / 'manifest.json').read_text())
    stale['twin'] = 'another twin'
    (tmp_path / 'manifest.json').write_text(json.dumps(stale))
    (tmp_path / 'observed_features.npz').write_bytes(b'derived from the old shards')
    args = ['--out', str(tmp_path), '--count', '4', '--seed', '5', '--size', '64',
            '--shard-size', '4', '--fps', str(small.fps), '--workers', '1', '--keep-current']
    assert not is_current(tmp_path, small)
    assert dataset_main(args) == 0
    assert is_current(tmp_path, small) and not (tmp_path / 'observed_features.npz').exists()
    before = (tmp_path / 'shard_00000.npz').stat().st_mtime_ns
    assert dataset_main(args) == 0                              # current now: kept as it is
    assert (tmp_path / 'shard_00000.npz').stat().st_mtime_ns == before


def test_animated_pairs_are_the_image_pipelines_view(small_set, tmp_path, schema):
    from ameca_imitation.animation import AnimatorStage
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    from ameca_imitation.types import FaceObservation
    write_dataset(tmp_path, DatasetSpec(count=8, seed=5, size=96, shard_size=8, animated=True),
                  workers=1)
    animated, plain = ShardDataset(tmp_path), ShardDataset(small_set[0])
    # The same controls, in order (the twin's face is always found).
    assert np.array_equal(animated.controls(), plain.controls()[:8])
    # Each image is the landmark warp of Ameca's neutral source driven by the render.
    source = TwinRenderer(schema, size=256).render(schema.neutral)
    stage = AnimatorStage(source.image, source.landmarks)
    driver = TwinRenderer(schema, size=128)
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as detector:
        def observe(values):
            return FaceObservation(0.0, True, landmarks=detector.detect(
                driver.render(values).image)[0].landmarks)
        neutral = observe(schema.neutral)
        for i in (0, 5):
            image, controls = animated[i]
            stage.reset()
            stage(neutral)
            expected = cv2.resize(stage(observe(controls)), (96, 96), interpolation=cv2.INTER_AREA)
            assert np.abs(expected.astype(float) - image).mean() < 3.0        # JPEG noise only
            assert np.abs(plain[i][0].astype(float) - image).mean() > 3.0     # not the render


def test_corrupt_and_partial_shards_are_named(small_set, tmp_path):
    import shutil
    copy = tmp_path / 'copy'
    shutil.copytree(small_set[0], copy)
    shard = copy / 'shard_00001.npz'
    raw = bytearray(shard.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    shard.write_bytes(bytes(raw))
    with pytest.raises(DatasetError, match='shard_00001.npz is corrupt'):
        ShardDataset(copy)
    shard.unlink()
    with pytest.raises(DatasetError, match='shard_00001.npz listed in the manifest is missing'):
        ShardDataset(copy)
    (copy / 'manifest.json').unlink()
    with pytest.raises(DatasetError, match='manifest.json is missing'):
        ShardDataset(copy)


def test_x2c_layout(tmp_path, schema):
    renderer = TwinRenderer(schema, size=64)
    rng = np.random.default_rng(0)
    rows = []
    for i in range(3):
        values = schema.live_min + rng.uniform(0, 1, len(schema)) * (schema.live_max - schema.live_min)
        cv2.imwrite(str(tmp_path / f'{i}.png'), renderer.render(values).image)
        rows.append([f'{i}.png'] + list(schema.normalise(values)))
    with open(tmp_path / 'labels.csv', 'w', newline='') as f:
        csv.writer(f).writerows([['image'] + list(schema.names)] + rows)
    data = X2CDataset(tmp_path, tmp_path / 'labels.csv', schema, normalised=True)
    image, values = data[2]
    assert image.shape == (64, 64, 3)
    assert np.allclose(schema.normalise(values), rows[2][1:])
    with open(tmp_path / 'bad.csv', 'w') as f:
        f.write('image,a,b\n0.png,1,2\n')
    with pytest.raises(DatasetError, match='control columns'):
        X2CDataset(tmp_path, tmp_path / 'bad.csv', schema)


def test_pairs_from_a_recorded_bag(clip, tmp_path, schema):
    from ameca_imitation.cli.imitate import run
    run(str(clip('single_face.mp4')), tmp_path, max_frames=30)
    pairs = pairs_from_bag(tmp_path / 'bag', schema)
    assert len(pairs) >= 29
    image, controls = pairs[-1]
    assert image.shape == (360, 640, 3) and controls.shape == (len(schema),)


def test_cli_writes_a_set(tmp_path):
    assert dataset_main(['--out', str(tmp_path), '--count', '10', '--size', '64',
                         '--shard-size', '5', '--workers', '1']) == 0
    assert len(ShardDataset(tmp_path)) == 10
