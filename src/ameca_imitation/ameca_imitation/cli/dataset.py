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
``ameca-dataset --out DIR --count N --seed S``: (image, controls) pairs from the virtual Ameca.

Random Bezier-eased clips over the live ranges (half of the keyframes near library expressions)
are sampled densely at ``--fps``, as the published data set sampled Animator clips, rendered with
``--workers`` processes and written in checksummed shards with a manifest. ``--animated``:
the image pipeline's view of each render (Ameca's neutral image moved by it) instead.
"""

import argparse
import logging
from pathlib import Path
import sys
import time

from ameca_imitation.twin.dataset import DatasetSpec, is_current, write_dataset

log = logging.getLogger('ameca-dataset')


def main(argv=None) -> int:
    d = DatasetSpec()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', type=Path, required=True)
    parser.add_argument('--count', type=int, default=d.count)
    parser.add_argument('--seed', type=int, default=d.seed)
    parser.add_argument('--size', type=int, default=d.size)
    parser.add_argument('--shard-size', type=int, default=d.shard_size)
    parser.add_argument('--fps', type=float, default=d.fps)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--animated', action='store_true',
                        help="store Ameca's neutral image animated by each render (the image "
                             "pipeline's view), not the render")
    parser.add_argument('--keep-current', action='store_true',
                        help="do nothing when OUT already holds this data set drawn by today's "
                             'twin (the manifest records its fingerprint)')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    spec = DatasetSpec(count=args.count, seed=args.seed, size=args.size,
                       shard_size=args.shard_size, fps=args.fps, animated=args.animated)
    if args.keep_current and is_current(args.out, spec):
        log.info('%s is current (same spec, same twin): kept', args.out)
        return 0
    start = time.perf_counter()
    manifest = write_dataset(args.out, spec, workers=args.workers)
    log.info('wrote %d pairs in %d shards to %s in %.1f s', manifest['count'],
             len(manifest['shards']), args.out, time.perf_counter() - start)
    return 0


if __name__ == '__main__':
    sys.exit(main())
