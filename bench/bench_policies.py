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

"""Policy inference per frame, batch 1, 1 and 2 threads (budgets: small image <= 3 ms, feature <= 1 ms, mesh transfer <= 3 ms).

    .venv/bin/python bench/bench_policies.py

Includes the published architecture (X2CNet, ResNet-18 at 224 px, random weights) for scale.
Times the whole wrapper call: preprocessing (resize, normalise) + forward + denormalise; the
mesh transfer on a real observation (a twin render seen by the landmark model), pose fit + solve.
"""

import time

import common
import numpy as np
import torch

from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.policy.mesh_transfer import MeshTransferPolicy
from ameca_imitation.policy.modules import FeatureMLP, SmallImagePolicy, X2CNet
from ameca_imitation.policy.wrappers import FeaturePolicy, ImagePolicy
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.types import FaceObservation, Frame


def median_ms(fn, runs=200, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(1000 * float(np.median(times)), 3)


def twin_observation(schema):
    """A smiling twin render as the motion stage observes it."""
    pose = schema.neutral.copy()
    for name, value in (('Lip Corner Raise Left', 0.9), ('Lip Corner Raise Right', 0.9),
                        ('Jaw Pitch', 0.8)):
        pose[schema.index(name)] = value
    stage = MotionStage()
    obs, _ = stage.process(Frame(TwinRenderer(schema).render(pose).image, 0.0, 0))
    stage.close()
    return obs


def measure(threads):
    torch.set_num_threads(threads)
    schema = ControlSchema.default()
    image = np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8)
    small = ImagePolicy(schema, SmallImagePolicy(), device=torch.device('cpu'))
    # The same policy running the network as trained (no BatchNorm folding, NCHW weights).
    unprepared = ImagePolicy(schema, small.model, device=torch.device('cpu'))
    unprepared.net = unprepared.model
    x2c = ImagePolicy(schema, X2CNet().eval(), device=torch.device('cpu'))
    feature = FeaturePolicy(schema, FeatureMLP())
    obs = FaceObservation(0.0, True, features={'mouth_open': 0.1})
    mesh = MeshTransferPolicy(schema)
    seen = twin_observation(schema)
    return {
        f'mesh_transfer_ms_{threads}t': median_ms(lambda: mesh(seen)),
        f'small_image_ms_{threads}t': median_ms(lambda: small(image)),
        f'small_image_unprepared_ms_{threads}t': median_ms(lambda: unprepared(image)),
        f'feature_mlp_ms_{threads}t': median_ms(lambda: feature(obs)),
        f'x2cnet_224_ms_{threads}t': median_ms(lambda: x2c(image), runs=30, warmup=3),
        'small_image_params': sum(p.numel() for p in small.model.parameters()),
        'x2cnet_params': sum(p.numel() for p in x2c.model.parameters())}


def main():
    common.report('policies', {**measure(1), **measure(2)})


if __name__ == '__main__':
    main()
