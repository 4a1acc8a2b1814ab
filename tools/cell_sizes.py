#!/usr/bin/env python3
"""List the long exported cells of notebooks (the "definition -> show_doc -> example -> test" shape wants small ones).

    python tools/cell_sizes.py                       # every notebook in nbs/, cells over 50 lines
    python tools/cell_sizes.py --min_lines 80 nbs/20_learner.ipynb

Per notebook: the longest exported cell (`#| export` / `#| exports`) in lines, the number of exported cells that
define at least one function or class, then each exported cell longer than `--min_lines` with its top-level
definitions (public ones counted apart; `@patch` methods count under their own name).
"""
import argparse, ast, json, re
from pathlib import Path

def cell_defs(src:str) -> list:
    "Names of the top-level functions and classes of a cell's source (IPython magics left out)."
    try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
    except SyntaxError: return []
    return [d.name for d in tree.body if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]

def notebook_cells(path) -> list:
    "`(index, lines, defs)` of each exported code cell of a notebook."
    nb = json.loads(Path(path).read_text(encoding='utf-8'))
    out = []
    for i, c in enumerate(nb['cells']):
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and re.search(r'^#\|\s*exports?\b', src, re.M):
            out.append((i, len(src.splitlines()), cell_defs(src)))
    return out

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    p.add_argument('--min_lines', type=int, default=50, help='list exported cells longer than this (default 50)')
    a = p.parse_args(argv)
    for nb in a.notebooks or sorted(Path('nbs').glob('*.ipynb')):
        cells = notebook_cells(nb)
        longest = max((n for _, n, _ in cells), default=0)
        print(f"{Path(nb).name}: longest exported cell {longest} lines, {sum(bool(d) for _, _, d in cells)} definition cells")
        for i, n, defs in cells:
            if n > a.min_lines:
                pub = [d for d in defs if not d.startswith('_')]
                print(f"   cell {i}: {n} lines, {len(defs)} definitions ({len(pub)} public): {', '.join(defs)}")

if __name__ == '__main__': main()
