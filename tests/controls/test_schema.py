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

import csv
from pathlib import Path

import numpy as np
import pytest
import yaml

from ameca_imitation.controls import ControlError, ControlSchema, mirror_name
from ameca_imitation.paths import config_dir

REFERENCE = Path(__file__).resolve().parents[1] / 'data' / 'ameca_controls.csv'


def test_table_matches_the_reference_csv(schema):
    rows = list(csv.DictReader(REFERENCE.open()))
    assert list(schema.names) == [r['name'] for r in rows]
    for spec, row in zip(schema.specs, rows):
        assert spec.minimum == float(row['min']) and spec.maximum == float(row['max'])
        assert spec.neutral == float(row['neutral'])
        assert (spec.live_min, spec.live_max) == (float(row['live_min']), float(row['live_max']))
        assert spec.group == row['group']
        assert spec.namespace == (row['tritium_namespace'] or None)


def test_normalise_round_trip_and_ranges(schema):
    assert np.allclose(schema.normalise(schema.min), 0) and np.allclose(schema.normalise(schema.max), 1)
    x = np.random.default_rng(0).uniform(schema.min, schema.max)
    assert np.allclose(schema.denormalise(schema.normalise(x)), x)


def test_clamp_to_live_range(schema):
    high = schema.clamp(schema.max + 100)
    assert np.array_equal(high, schema.live_max)
    assert schema.clamp(schema.min - 1)[schema.index('Head Pitch')] == -20


def test_velocity_limits_are_in_native_units(schema):
    i = schema.index('Head Yaw')
    assert schema.max_velocity[i] == pytest.approx(1.0 * 60)   # 1 range/s of a 60-degree range


def test_rejects_unknown_names_and_non_finite(schema):
    with pytest.raises(ControlError, match='unknown control'):
        schema.from_named(['Brow Inner Left', 'Tail Wag'], [0.5, 0.5])
    with pytest.raises(ControlError, match='non-finite'):
        schema.from_named(['Brow Inner Left'], [float('nan')])
    bad = schema.neutral.copy()
    bad[3] = np.inf
    with pytest.raises(ControlError, match='Brow Outer Right'):
        schema.validate(bad)
    with pytest.raises(ControlError, match='expected 30'):
        schema.validate(np.zeros(29))


def test_missing_names_keep_neutral(schema):
    v = schema.from_named(['Jaw Pitch'], [0.6])
    assert v[schema.index('Jaw Pitch')] == 0.6
    assert v[schema.index('Head Yaw')] == schema.neutral[schema.index('Head Yaw')]


@pytest.mark.parametrize('name,count,control', [('ameca_gen1.yaml', 19, 'Smile Left'),
                                                 ('ameca_mouth_poses.yaml', 29, 'Mouth Open')])
def test_other_heads_are_expressible(name, count, control):
    other = ControlSchema.from_yaml(config_dir() / 'controls' / name)
    assert len(other) == count
    assert other.index(control) >= 0
    with pytest.raises(ControlError):
        other.index('Lip Top Curl')


def test_typos_in_the_table_are_errors(tmp_path):
    data = yaml.safe_load((config_dir() / 'ameca_controls.yaml').read_text())
    data['controls'][0]['nuetral'] = 0.5
    with pytest.raises(ValueError, match='nuetral'):
        ControlSchema.from_dict(data)
    data = yaml.safe_load((config_dir() / 'ameca_controls.yaml').read_text())
    data['controls'][0]['neutral'] = 2.0
    with pytest.raises(ValueError, match='outside the live range'):
        ControlSchema.from_dict(data)


def test_mirror_names_pair_the_sides(schema):
    assert mirror_name('Lip Corner Raise Left') == 'Lip Corner Raise Right'
    assert mirror_name('brow_inner_right') == 'brow_inner_left'
    assert mirror_name('Jaw Pitch') == 'Jaw Pitch'
    sided = [n for n in schema.names if mirror_name(n) != n]
    assert len(sided) == 16 and all(mirror_name(n) in schema.names for n in sided)
    assert all(mirror_name(mirror_name(n)) == n for n in sided)
