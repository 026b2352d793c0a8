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
``ameca-eval``: the scoreboard. Writes ``DIR/eval.json`` and ``DIR/eval.html``.

    ameca-eval --out out/eval                         # retarget, mesh, feature and image
    ameca-eval --out out/eval --pipelines feature --clips single_face.mp4 --no-judge
    # the image pipeline with a learned animator; the published system where its files are
    ameca-eval --pipelines image mimetician --animator liveportrait --animator-weights DIR

A pipeline whose weights are missing is skipped (eval.json says why).
"""

import argparse
import html
import json
import logging
import math
from pathlib import Path
import sys

from ameca_imitation.evaluation.harness import EvalConfig, evaluate
from ameca_imitation.weights import CheckpointError

log = logging.getLogger('ameca-eval')


def table_rows(results: dict) -> list[dict]:
    """One summary row per pipeline (averaged over the real clips)."""
    rows = []
    for name, r in results.items():
        if name == 'judge_on_twin_library' or 'skipped' in r:
            continue
        clips = list(r['clips'].values())

        def mean(key):
            vals = [c[key] for c in clips if c.get(key) is not None]
            return float(sum(vals) / len(vals)) if vals else float('nan')

        # How far the twin's ranges are from the person's: mean |log(ratio)|, 0 = same range.
        def log_error(key):
            logs = [abs(math.log(v)) for c in clips for v in c.get(key, {}).values()
                    if v is not None and v > 0 and math.isfinite(v)]
            return float(sum(logs) / len(logs)) if logs else float('nan')

        mae = r['twin_round_trip']['mae']
        rows.append({'pipeline': name, 'twin_mae': mae['overall'],
                     **{f'twin_mae_{g}': v for g, v in mae.items() if g != 'overall'},
                     'feature_correlation': mean('mean_core_correlation'),
                     'amplitude_error': log_error('core_amplitude_ratio'),
                     'exact_feature_correlation': mean('exact_core_correlation'),
                     'exact_amplitude_error': log_error('exact_core_amplitude_ratio'),
                     'landmark_motion_distance': mean('landmark_motion_distance'),
                     'emotion_agreement': mean('emotion_agreement'),
                     'still_orderings': r['stills']['share'],
                     'valence_agreement': mean('valence_agreement'),
                     'happy_correlation': mean('happy_correlation'),
                     'twin_negative_when_person_negative':
                         mean('twin_negative_when_person_negative'),
                     'p95_ms': mean('p95_total_ms'),
                     'energy_above_5hz': mean('energy_above_5hz'),
                     'limit_violations': int(sum(c['limit_violations'] for c in clips))})
    return rows


# How the default is chosen: the mean rank over the figures measured on people (True: higher is
# better). The twin's features count twice, as the landmark model reads its render and on its
# exact landmarks, so a policy that plays to one instrument's reading does not win on it alone.
# The twin round trip is reported beside them, not ranked: it favours what was trained on the
# twin. Speed and safety are budgets to meet, not ranked.
RANKED = {'feature_correlation': True, 'amplitude_error': False,
          'exact_feature_correlation': True, 'exact_amplitude_error': False,
          'landmark_motion_distance': False, 'emotion_agreement': True, 'still_orderings': True}


def add_ranks(rows: list[dict]) -> list[dict]:
    """Add ``mean_rank`` (1 = best on every figure) to each row; return rows best first."""
    for key, higher in RANKED.items():
        for row in rows:          # ties share the mean of the ranks they span; NaN is last
            value = row[key]
            if math.isnan(value):
                row.setdefault('ranks', {})[key] = len(rows)
                continue
            better = sum(1 for r in rows if (r[key] > value if higher else r[key] < value))
            same = sum(1 for r in rows if r[key] == value)
            row.setdefault('ranks', {})[key] = better + (same + 1) / 2
    for row in rows:
        row['mean_rank'] = sum(row['ranks'].values()) / len(RANKED)
    return sorted(rows, key=lambda r: r['mean_rank'])


def markdown(rows: list[dict]) -> str:
    cols = ['pipeline', 'mean_rank', 'feature_correlation', 'amplitude_error',
            'exact_feature_correlation', 'exact_amplitude_error',
            'landmark_motion_distance', 'emotion_agreement', 'still_orderings',
            'valence_agreement',
            'happy_correlation', 'twin_negative_when_person_negative', 'twin_mae', 'p95_ms',
            'energy_above_5hz', 'limit_violations']
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for r in rows:
        lines.append('| ' + ' | '.join(f'{r[c]:.3f}' if isinstance(r[c], float) else str(r[c])
                                       for c in cols) + ' |')
    return '\n'.join(lines)


def plot_clips(results: dict, out: Path) -> dict:
    """
    Per real clip, plot the person against every pipeline's twin; return clip -> PNG paths.

    ``features_<clip>.png``: the core features over time; ``emotions_<clip>.png``: the judge's
    p(happy) and p(negative) (sum of angry, disgust, fear, sad) over time.
    """
    from ameca_imitation.evaluation.metrics import NEGATIVE
    from ameca_imitation.io.plots import plot_series
    import numpy as np
    pipelines = {n: r['clips'] for n, r in results.items() if isinstance(r, dict) and 'clips' in r}
    clips = sorted({c for per in pipelines.values() for c in per})
    pngs = {}
    for clip in clips:
        runs = {n: per[clip]['series'] for n, per in pipelines.items()
                if clip in per and per[clip].get('series', {}).get('time')}
        if not runs:
            continue
        first = next(iter(runs.values()))
        stem = Path(clip).stem
        pngs[clip] = [plot_series(
            out / f'features_{stem}.png', first['features'], np.array(first['time']),
            np.array(first['person_features']),
            {n: (np.array(s['time']), np.array(s['twin_features'])) for n, s in runs.items()})]
        if 'emotions' in first:
            def happy_negative(p, labels=first['emotions']):
                p = np.array(p)
                neg = [labels.index(n) for n in NEGATIVE]
                return np.stack([p[:, labels.index('happy')], p[:, neg].sum(1)], 1)
            pngs[clip].append(plot_series(
                out / f'emotions_{stem}.png', ['p(happy)', 'p(negative)'],
                np.array(first['time']), happy_negative(first['person_emotions']),
                {n: (np.array(s['time']), happy_negative(s['twin_emotions']))
                 for n, s in runs.items()}, zero_line=False))
    return pngs


def main(argv=None) -> int:
    d = EvalConfig()
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', type=Path, default=Path('out/eval'))
    p.add_argument('--pipelines', nargs='+', default=list(d.pipelines))
    p.add_argument('--clips', nargs='+', default=list(d.clips))
    p.add_argument('--twin-clips', type=int, default=d.twin_clips)
    p.add_argument('--max-frames', type=int, default=None)
    p.add_argument('--no-judge', action='store_true')
    p.add_argument('--processing-ms', type=float, default=1000 * d.processing_s,
                   help='processing time charged per frame on the simulated clock, so the '
                   "figures do not move with the machine's load (default %(default)s)")
    p.add_argument('--live-clock', action='store_true',
                   help='charge each frame the time it took instead, as live')
    p.add_argument('--animator', default=None,
                   help='animator for every pipeline that animates (see ameca-imitate)')
    p.add_argument('--animator-weights', default=None)
    args = p.parse_args(argv)
    if not args.processing_ms >= 0:
        p.error('--processing-ms must be 0 or more')
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    cfg = EvalConfig(pipelines=tuple(args.pipelines), clips=tuple(args.clips),
                     twin_clips=args.twin_clips, judge=not args.no_judge,
                     max_frames=args.max_frames,
                     processing_s=None if args.live_clock else args.processing_ms / 1000,
                     animator={k: v for k, v in (('model', args.animator),
                                                 ('weights', args.animator_weights)) if v})
    try:
        results = evaluate(cfg)
    except (OSError, ValueError, CheckpointError) as err:
        log.error('%s', err)
        return 2
    rows = add_ranks(table_rows(results))
    if not rows:
        log.error('no pipeline could be evaluated: %s', json.dumps(results))
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    clock = 'live' if cfg.processing_s is None else cfg.processing_s * 1000
    (args.out / 'eval.json').write_text(json.dumps(
        {'results': results, 'summary': rows, 'processing_ms': clock}, indent=1))
    table = markdown(rows)
    (args.out / 'eval.md').write_text(table + '\n')
    figures = ''.join(f'<h2>{html.escape(clip)}</h2>' + ''.join(
        f'<img src="{png.name}" width="100%">' for png in pngs)
        for clip, pngs in plot_clips(results, args.out).items())
    details = {name: {k: v for k, v in r.items() if k != 'clips'} | {'clips': {
        c: {k: v for k, v in d.items() if k != 'series'} for c, d in r.get('clips', {}).items()}}
        if isinstance(r, dict) and 'clips' in r else r for name, r in results.items()}
    (args.out / 'eval.html').write_text(
        '<!doctype html><meta charset="utf-8"><title>Ameca imitation scoreboard</title>'
        f'<h1>Scoreboard</h1><p>processing charged per frame on the simulated clock: '
        f'{"the time it took (live)" if clock == "live" else f"{clock:g} ms"}</p>'
        f'<pre>{html.escape(table)}</pre>{figures}<h2>Details</h2>'
        f'<pre>{html.escape(json.dumps(details, indent=1))}</pre>', encoding='utf-8')
    print(table)
    print(f'best pipeline by mean rank: {rows[0]["pipeline"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
