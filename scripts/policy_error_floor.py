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
How well could any image policy do? A Cramer-Rao floor of the normalised MAE per control.

    .venv/bin/python scripts/policy_error_floor.py --data DIR [--poses 60] [--size 128]

At poses drawn from a twin data set (``ameca-dataset``), the image Jacobian d(policy input) /
d(control) comes from central differences of the twin's renders, cropped and resized as the
small image policy sees them. With pixel noise sigma (measured: the JPEG the data set stores)
and the controls' spread in the data set as a Gaussian prior, the posterior covariance is
``(J^T J / sigma^2 + diag(1 / prior_var))^-1``; ``sqrt(2 / pi) * std`` is the mean absolute
error of a Gaussian error, averaged over the poses. A floor far below a policy's error says
the renders determine the controls and the remaining error is the network's. Linear and
local: it cannot see ambiguities larger than the finite-difference step.
"""

import argparse

import cv2
import numpy as np

from ameca_imitation.controls.schema import ControlSchema
from ameca_imitation.policy.modules import SmallImageConfig
from ameca_imitation.policy.wrappers import crop_resize
from ameca_imitation.twin.dataset import ShardDataset
from ameca_imitation.twin.render import TwinRenderer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--data', required=True, help='a twin data set (its poses and spec)')
    parser.add_argument('--poses', type=int, default=60)
    parser.add_argument('--size', type=int, default=SmallImageConfig.image_size)
    parser.add_argument('--crop', type=float, default=SmallImageConfig.crop)
    parser.add_argument('--step', type=float, default=0.04, help='normalised FD step')
    args = parser.parse_args()
    schema = ControlSchema.default()
    data = ShardDataset(args.data)
    spec = data.manifest['spec']
    renderer = TwinRenderer(schema, size=spec['size'])
    controls = data.controls()
    poses = controls[np.random.default_rng(0).choice(len(controls), args.poses, replace=False)]

    def policy_input(values, jpeg=False):
        image = renderer.render(schema.clamp(values)).image
        if jpeg:
            _, buf = cv2.imencode('.jpg', image, [cv2.IMWRITE_JPEG_QUALITY, spec['jpeg_quality']])
            image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        return crop_resize(image, args.size, args.crop).astype(np.float64)

    sigma = np.std(np.concatenate([(policy_input(v, True) - policy_input(v)).ravel()
                                   for v in poses[:10]]))
    prior_var = np.var(schema.normalise(controls), axis=0)
    floors = []
    for values in poses:
        columns = []
        for j in range(len(schema)):
            step = np.zeros(len(schema))
            step[j] = args.step * schema.span[j]
            columns.append(((policy_input(values + step) - policy_input(values - step))
                            / (2 * args.step)).ravel())
        jac = np.stack(columns, axis=1)
        posterior = np.linalg.inv(jac.T @ jac / sigma ** 2 + np.diag(1 / prior_var))
        floors.append(np.sqrt(2 / np.pi * np.diag(posterior)))
    floors = np.mean(floors, axis=0)
    print(f'pixel noise sigma {sigma:.2f} grey levels; {args.poses} poses')
    for j in np.argsort(-floors):
        print(f'{schema.names[j]:28s} {floors[j]:.4f}')
    print(f'overall floor of the normalised MAE: {floors.mean():.4f}')


if __name__ == '__main__':
    main()
