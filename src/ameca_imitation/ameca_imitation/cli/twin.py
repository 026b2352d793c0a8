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
``ameca-twin``: look at and check the virtual Ameca.

    ameca-twin --sheet out/twin/expressions.png   # contact sheet of the expression library
    ameca-twin --video out/twin/emotions.mp4 --clip emotions
    ameca-twin --check 500        # landmark-model detection rate on random renders
    ameca-twin --judge            # emotion judge's confusion matrix on the library
"""

import argparse
import json
import logging
from pathlib import Path
import sys

from ameca_imitation.controls import ControlSchema
from ameca_imitation.evaluation.judge import judge_library
from ameca_imitation.twin import TwinRenderer
from ameca_imitation.twin.animator import ExpressionLibrary
import cv2
import numpy as np
from tqdm import tqdm

log = logging.getLogger('ameca-twin')


def contact_sheet(renderer: TwinRenderer, library: ExpressionLibrary, path: Path,
                  columns: int = 6) -> Path:
    names = list(library.poses)
    tiles = []
    for name in names:
        tile = renderer.render(library.poses[name]).image.copy()
        cv2.putText(tile, name, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.concatenate(rows, axis=0))
    return path


def clip_video(renderer, library, clip: str, path: Path, fps: float = 25.0) -> Path:
    if clip not in library.clips:
        raise KeyError(f'unknown clip {clip!r}; known: {sorted(library.clips)}')
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (renderer.size, renderer.size))
    for values in library.clips[clip].frames(fps):
        writer.write(renderer.render(values).image)
    writer.release()
    return path


def detection_rate(renderer, schema: ControlSchema, count: int, seed: int = 0) -> dict:
    """Share of random renders (uniform over the live ranges) in which mediapipe finds a face."""
    from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
    rng = np.random.default_rng(seed)
    found, errors = 0, []
    with FaceMeshDetector(LandmarkConfig(static_images=True, max_faces=1)) as det:
        for _ in tqdm(range(count), desc='renders', unit='render'):
            span = schema.live_max - schema.live_min
            values = schema.live_min + rng.uniform(0, 1, len(schema)) * span
            out = renderer.render(values)
            faces = det.detect(out.image)
            if faces:
                found += 1
                errors.append(float(np.median(np.linalg.norm(
                    faces[0].landmarks[:468, :2] - out.landmarks[:468, :2], axis=1))))
    return {'renders': count, 'found': found, 'rate': found / count,
            'median_landmark_error_px': float(np.median(errors)) if errors else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--size', type=int, default=256)
    parser.add_argument('--sheet', type=Path, help='write a contact sheet PNG')
    parser.add_argument('--video', type=Path, help='write a clip as MP4')
    parser.add_argument('--clip', default='emotions')
    parser.add_argument('--check', type=int, metavar='N', help='detection rate over N renders')
    parser.add_argument('--judge', action='store_true', help='emotion judge on the library')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    schema = ControlSchema.default()
    renderer = TwinRenderer(schema, size=args.size)
    library = ExpressionLibrary(schema)
    if args.sheet:
        log.info('wrote %s', contact_sheet(renderer, library, args.sheet))
    if args.video:
        log.info('wrote %s', clip_video(renderer, library, args.clip, args.video))
    if args.check:
        result = detection_rate(renderer, schema, args.check)
        print(json.dumps(result))
        print(f'face found in {result["found"]} of {result["renders"]} renders '
              f'({100 * result["rate"]:.1f} %)')
    if args.judge:
        result = judge_library(renderer, library)
        for name, r in result['labels'].items():
            print(f'{name:>12}: {r["label"]} ({r["p"]:.2f})')
        print('confusion (rows: posed, columns: judged ' + ' '.join(result['columns']) + ')')
        for row, counts in zip(result['rows'], result['confusion']):
            print(f'{row:>9} ' + ' '.join(f'{c:>7}' for c in counts))
    if not any((args.sheet, args.video, args.check, args.judge)):
        parser.print_help()
    return 0


if __name__ == '__main__':
    sys.exit(main())
