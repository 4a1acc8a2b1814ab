#!/usr/bin/env python3
"""Run nbdev's documentation processors on every notebook, as `nbdev_docs` / `nbdev_preview` do before Quarto.

    python tools/check_doc_processors.py                 # every notebook of nbs/ (nbdev's nbglob)
    python tools/check_doc_processors.py nbs/00_core.ipynb nbs/index.ipynb
    python tools/check_doc_processors.py --max_s 120     # also fail a notebook whose processing takes > 120 s

What it runs is exactly nbdev 2.4.14's path (`nbdev.quarto._pre_docs` -> `nbdev.serve.proc_nbs` ->
`nbdev.serve_drv.main`): each notebook is read with `execnb.nbio.read_nb`, processed by
`nbdev.processors.FilterDefaults` (the `procs` / `skip_procs` keys of settings.ini are honoured because
`FilterDefaults` reads them) and written out, in a fresh `spawn`-ed Python process with `IN_TEST=1`, from the
project root. Only the Quarto render that follows is left out (Quarto is not installed here); the processed
notebooks go to a temporary folder, never to `_proc/`.

A notebook fails when a processor raises (typically a `NameError` in `exec_show_docs`, which executes only the
import cells, the exported cells and the `show_doc` cells) or when nbdev warns "Found cells containing imports
and other code" (such a cell is executed whole during the docs build, and its other code often needs variables
the docs build never defines). The report names the notebook, the cell (index and id in the source notebook) and
the error. A processed notebook whose `show_doc` source links still end in `#LNone` fails too (see
`transflower.dev.docs.source_links`). Exit status 1 when any notebook fails.
"""
from __future__ import annotations
import argparse, json, os, re, subprocess, sys, tempfile, time
from pathlib import Path

_MIX = 'Found cells containing imports and other code'

def _one(src:str, dst:str) -> dict:
    "Process one notebook as `nbdev.serve_drv.main` does; return what happened (runs in the child process)."
    import warnings, traceback
    import nbdev.serve_drv
    from nbdev.processors import FilterDefaults, exec_show_docs
    from execnb.nbio import read_nb
    raw = read_nb(src)
    ids = [c.get('id') for c in raw.cells]
    cur = {}
    orig_call = exec_show_docs.__call__
    def _call(self, cell):
        cur['cell'] = cell
        return orig_call(self, cell)
    exec_show_docs.__call__ = _call
    def _where(cell):
        cid = cell.get('id') if cell is not None else None
        return {'cell': ids.index(cid) if cid in ids else None, 'id': cid}
    res = {'notebook': src, 'errors': [], 'mixed': []}
    t0 = time.time()
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        try: nbdev.serve_drv.main((Path(src), Path(dst), FilterDefaults))
        except BaseException as e:
            cause = e.__cause__ or e
            msg = f"{type(cause).__name__}: {cause}".strip().splitlines()
            res['errors'].append({**_where(cur.get('cell')), 'error': msg[0][:300] if msg else type(cause).__name__,
                                  'source': (cur.get('cell') or {}).get('source', '')[:400]})
    for w in ws:
        m = str(w.message)
        if _MIX in m:
            body = m.split('---\n', 1)[-1].rsplit('\n---', 1)[0]
            cell = next((i for i, c in enumerate(raw.cells) if c.cell_type == 'code' and body.strip() and body.strip() in c.source), None)
            res['mixed'].append({'cell': cell, 'id': ids[cell] if cell is not None else None, 'source': body[:400]})
    if not res['errors'] and Path(dst).exists():
        out_md = [''.join(o.get('data', {}).get('text/markdown', '')) for c in read_nb(dst).cells for o in c.get('outputs', [])]
        n = sum(len(re.findall(r'\]\(https?://[^)\s]*#LNone\)', m)) for m in out_md)     # links of show_doc outputs
        if n: res['errors'].append({'cell': None, 'id': None, 'source': '',
                                    'error': f"{n} source link(s) end in #LNone (is `procs = transflower.dev.docs:source_links` in settings.ini?)"})
    # nbdev stops at the first error; list every mixed cell of the notebook too, with nbdev's own test (`_do_eval`)
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval
    seen = {m['id'] for m in res['mixed']}
    nb = read_nb(src)
    NBProcessor(nb=nb, procs=[])
    for i, c in enumerate(nb.cells):
        with warnings.catch_warnings(record=True) as ws2:
            warnings.simplefilter('always')
            try: _do_eval(c)
            except SyntaxError: continue
        if any(_MIX in str(w.message) for w in ws2) and ids[i] not in seen:
            res['mixed'].append({'cell': i, 'id': ids[i], 'source': c.source[:400]})
    res['mixed'].sort(key=lambda m: m['cell'] if m['cell'] is not None else -1)
    res['seconds'] = round(time.time() - t0, 1)
    return res

def _root() -> Path:
    p = Path.cwd().resolve()
    for d in [p, *p.parents]:
        if (d/'settings.ini').is_file(): return d
    sys.exit('error: no settings.ini here or in any parent folder (run inside the project)')

def _notebooks(root:Path) -> list:
    from nbdev.doclinks import nbglob
    from nbdev.config import get_config
    cfg = get_config(cfg_name='settings.ini', path=root)
    return sorted(nbglob(cfg.nbs_path, func=Path))

def _run_one(p:Path, tmp:str, root:Path, max_s, timeout) -> dict:
    "Process notebook `p` in a fresh Python process (as nbdev's `proc_nbs` does with `spawn`)."
    dst = Path(tmp)/p.name
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1'), 'MPLBACKEND': 'Agg'}
    code = f"import json,sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import check_doc_processors as c; print('@@RESULT@@'+json.dumps(c._one({str(p)!r}, {str(dst)!r})))"
    t0 = time.time()
    try:
        r = subprocess.run([sys.executable, '-c', code], cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
        line = next((l for l in r.stdout.splitlines()[::-1] if l.startswith('@@RESULT@@')), None)
        res = json.loads(line[len('@@RESULT@@'):]) if line else {
            'notebook': str(p), 'mixed': [], 'errors': [{'cell': None, 'id': None, 'source': '',
            'error': f"processor process died (exit {r.returncode}): {(r.stderr.strip().splitlines() or [''])[-1][:300]}"}]}
    except subprocess.TimeoutExpired:
        res = {'notebook': str(p), 'mixed': [], 'errors': [{'cell': None, 'id': None, 'source': '', 'error': f'timed out after {timeout} s'}]}
    res['seconds'] = round(time.time() - t0, 1)
    if max_s is not None and res['seconds'] > max_s:
        res['errors'].append({'cell': None, 'id': None, 'source': '', 'error': f"took {res['seconds']} s (> {max_s} s): the docs build runs something heavy"})
    res['notebook'] = os.path.relpath(p, root)
    res['ok'] = not res['errors'] and not res['mixed']
    return res

def check(paths, max_s:float|None=None, quiet:bool=False, timeout:float=900, workers:int=1) -> list:
    "Process each notebook in its own spawned process (`workers` at a time); return one result dict per notebook."
    from concurrent.futures import ThreadPoolExecutor
    root = _root()
    paths = [Path(p).resolve() for p in paths]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max(1, workers)) as ex:
        futs = [ex.submit(_run_one, p, tmp, root, max_s, timeout) for p in paths]
        out = []
        for f in futs:                                     # in notebook order
            out.append(f.result())
            if not quiet: _print(out[-1])
    return out

def _print(r):
    print(f"{'ok  ' if r['ok'] else 'FAIL'} {r['notebook']} ({r['seconds']} s)", flush=True)
    for e in r['errors']:
        print(f"     error in cell {e['cell']} (id {e['id']}): {e['error']}")
        if e['source']: print('       | ' + '\n       | '.join(e['source'].splitlines()[:6]))
    for m in r['mixed']:
        print(f"     cell {m['cell']} (id {m['id']}) mixes imports with other code:")
        print('       | ' + '\n       | '.join(m['source'].splitlines()[:6]))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='*', help='notebooks to check (default: every notebook nbdev documents)')
    ap.add_argument('--max_s', type=float, default=None, help='fail a notebook whose processing takes longer')
    ap.add_argument('--timeout', type=float, default=900, help='give up on a notebook after this many seconds')
    ap.add_argument('--workers', type=int, default=1, help='notebooks processed at the same time (nbdev uses one per CPU)')
    ap.add_argument('--json', default=None, help='also write the results to this JSON file')
    a = ap.parse_args(argv)
    root = _root()
    paths = a.notebooks or _notebooks(root)
    res = check(paths, max_s=a.max_s, timeout=a.timeout, workers=a.workers)
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1))
    bad = [r for r in res if not r['ok']]
    ncell = sum(len(r['errors']) + len(r['mixed']) for r in bad)
    print(f"doc processors: {len(res) - len(bad)} of {len(res)} notebooks ok; {len(bad)} failing ({ncell} cells)")
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
