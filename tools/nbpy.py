#!/usr/bin/env python3
"""Convert between nbdev notebooks and a light "percent" text form, for editing notebooks as text.

    python tools/nbpy.py tonb SRC.py nbs/NN_name.ipynb   # write/overwrite the notebook from text
    python tools/nbpy.py topy nbs/NN_name.ipynb > SRC.py # dump a notebook as text
    python tools/nbpy.py ids nbs/*.ipynb                  # give cells without an id a stable one

Text form: cells start with a line `# %%` (code) or `# %% [markdown]` (markdown). Markdown lines are
written with a leading `# ` (a bare `#` for an empty line). Outputs are not kept by `tonb`
(execute the notebook afterwards to get them); `tonb` keeps the outputs of code cells whose
source did not change.
"""
import json, sys, hashlib
from pathlib import Path

def _new_nb():
    return {"cells": [], "metadata": {"kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}

def parse_text(text):
    cells, cur = [], None
    for line in text.splitlines():
        if line.startswith('# %%'):
            if cur is not None: cells.append(cur)
            cur = {'type': 'markdown' if '[markdown]' in line else 'code', 'lines': []}
            continue
        if cur is None:
            if not line.strip(): continue
            cur = {'type': 'code', 'lines': []}
        if cur['type'] == 'markdown':
            if line.startswith('# '): line = line[2:]
            elif line.startswith('#'): line = line[1:]
        cur['lines'].append(line)
    if cur is not None: cells.append(cur)
    out = []
    for c in cells:
        lines = c['lines']
        while lines and not lines[-1].strip(): lines.pop()
        while lines and not lines[0].strip(): lines.pop(0)
        src = '\n'.join(lines)
        out.append((c['type'], src))
    return out

def _src_list(src):
    ls = src.split('\n')
    return [l + '\n' for l in ls[:-1]] + [ls[-1]] if src else []

def stable_id(i, src, used=()):
    "A deterministic 8-hex-digit cell id (nbformat 4.5 needs ids; random ones would change every export)."
    k = 0
    while True:
        cid = hashlib.sha1(f"{i}:{k}:{src}".encode()).hexdigest()[:8]
        if cid not in used: return cid
        k += 1

def add_ids(nb_path):
    "Give every cell of a notebook without an id a stable one; returns the number added."
    nb_path = Path(nb_path); nb = json.loads(nb_path.read_text())
    used = {c['id'] for c in nb['cells'] if c.get('id')}; n = 0
    for i, c in enumerate(nb['cells']):
        if not c.get('id'):
            c['id'] = stable_id(i, ''.join(c['source']), used); used.add(c['id']); n += 1
    if n: nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return n

def tonb(src_path, nb_path):
    cells = parse_text(Path(src_path).read_text())
    nb_path = Path(nb_path)
    old, old_ids = {}, {}
    if nb_path.exists():
        onb = json.loads(nb_path.read_text())
        for c in onb['cells']:
            if c['cell_type'] == 'code': old[''.join(c['source'])] = c.get('outputs', [])
            if c.get('id'): old_ids.setdefault(''.join(c['source']), c['id'])
    nb = _new_nb()
    used = set()
    for i, (typ, src) in enumerate(cells):
        cid = old_ids.get(src)
        if cid is None or cid in used: cid = stable_id(i, src, used)
        used.add(cid)
        if typ == 'markdown':
            nb['cells'].append({"cell_type": "markdown", "id": cid, "metadata": {}, "source": _src_list(src)})
        else:
            nb['cells'].append({"cell_type": "code", "execution_count": None, "id": cid, "metadata": {},
                                "outputs": old.get(src, []), "source": _src_list(src)})
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def topy(nb_path):
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            parts.append('# %% [markdown]\n' + '\n'.join(('# ' + l) if l else '#' for l in src.split('\n')))
        else:
            parts.append('# %%\n' + src)
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    if len(sys.argv) < 3 or sys.argv[1] not in ('tonb', 'topy', 'ids'): sys.exit(__doc__)
    if sys.argv[1] == 'tonb': tonb(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'ids': print(sum(add_ids(p) for p in sys.argv[2:]), 'ids added')
    else: sys.stdout.write(topy(sys.argv[2]))
