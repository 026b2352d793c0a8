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
How faithfully does the landmark model read the twin? Its reading of renders against the mesh.

    scripts/with_ros.sh .venv/bin/python scripts/twin_reading.py [--clips 25] [--light X Y Z]

Random twin clips' keyframes (``random_clip``, seed 0) are rendered; each render's core features
as mediapipe reads them (the observer of ``ameca-eval``, against the twin's neutral render) are
compared with the same features of the renderer's exact landmarks (``ExactFeatures``). Prints
JSON: per core feature the correlation of the two and the least-squares slope of the reading on
the exact value (1 = read in full); and both eyes' openness with both upper lids shut, read and
exact. ``--light`` draws the twin under another key light.
"""

import argparse
import json

from ameca_imitation.controls import ControlSchema
from ameca_imitation.evaluation.metrics import CORE_FEATURES
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import ExpressionLibrary, random_clip
from ameca_imitation.twin.config import TwinConfig
from ameca_imitation.twin.exact import ExactFeatures
from ameca_imitation.types import Frame
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--clips', type=int, default=25, help='8 s random clips (~17 poses each)')
    parser.add_argument('--light', type=float, nargs=3, help='key light direction, model space')
    parser.add_argument('--size', type=int, default=256, help='render size, px (as ameca-eval)')
    args = parser.parse_args()
    schema = ControlSchema.default()
    config = TwinConfig.load()
    if args.light:
        config.render.light = tuple(args.light)
    renderer = TwinRenderer(schema, config, size=args.size)
    rng = np.random.default_rng(0)
    library = ExpressionLibrary(schema)
    poses = np.concatenate([random_clip(schema, rng, 8.0, library=library).poses
                            for _ in range(args.clips)])
    neutral = renderer.render(schema.neutral)
    observer = MotionStage.of_twin()
    exact = ExactFeatures(neutral.landmarks)

    def both(pose, i):
        """Return ``(read, exact)`` features ``(19,)`` of one pose; read is None if no face."""
        render = renderer.render(pose)
        observer.reset()        # each pose alone: no tracking from the previous one
        observer.calibrate_on(neutral.image)
        seen, _ = observer.process(Frame(render.image, float(i), i), still=True)
        found = [seen.features[n] for n in FEATURE_NAMES] if seen.face_found else None
        return found, exact(render.landmarks)

    pairs = [both(pose, i) for i, pose in enumerate(poses)]
    read = np.array([r for r, _ in pairs if r is not None])
    true = np.array([t for r, t in pairs if r is not None])
    out = {'light': list(config.render.light), 'poses': len(poses), 'read': len(read)}
    shut = schema.neutral.copy()
    for side in ('Left', 'Right'):
        shut[schema.index(f'Eyelid Upper {side}')] = 0.0
    found, lids = both(shut, len(poses))
    for side in ('left', 'right'):
        j = FEATURE_NAMES.index(f'eye_open_{side}')
        out[f'shut_eye_{side}'] = {'read': None if found is None else round(found[j], 3),
                                   'exact': round(float(lids[j]), 3)}
    for name in CORE_FEATURES:
        j = FEATURE_NAMES.index(name)
        out[name] = {'correlation': round(float(np.corrcoef(read[:, j], true[:, j])[0, 1]), 3),
                     'slope': round(float(np.polyfit(true[:, j], read[:, j], 1)[0]), 3)}
    out['mean_correlation'] = round(float(np.mean([out[n]['correlation']
                                                   for n in CORE_FEATURES])), 3)
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
