#!/usr/bin/env python3
"""Split notebook cells that mix imports with other code into an import-only cell followed by the rest.

    python tools/split_import_cells.py nbs/01_bvh.ipynb [...]          # rewrite in place, print what changed
    python tools/split_import_cells.py --dry nbs/01_bvh.ipynb          # only report

nbdev's docs build (`exec_show_docs`) executes every cell that contains an import, whole, in a kernel that ran
nothing else but imports, exported cells and `show_doc` cells; the other code of such a cell then fails
(`NameError`) or does heavy work. The fix nbdev's FAQ gives is one cell of imports, one of code. This tool moves
the cell's top-level `import` statements into a new code cell placed just before it, which keeps the cell's
test and visibility directives (`#| hide`, `#| slow`, `#| notest`, `#| cuda`, `#| eval: false`). Exported cells (run
whole on purpose) and `#| eval: false` cells are left alone. Imports nested in a `def`, `if`, `with` ... are not moved: they are reported and must be moved by hand. Run
`python tools/nbpy.py ids NB` afterwards (the new cell gets a stable id here already).
"""
import ast, re, json, sys, hashlib
from pathlib import Path

_KEEP = ('hide', 'slow', 'notest', 'cuda', 'eval:', 'eval')

def _directives(lines):
    i = 0
    while i < len(lines) and (lines[i].lstrip().startswith('#|') or not lines[i].strip()): i += 1
    return lines[:i], lines[i:]

def _is_imp(n): return isinstance(n, (ast.Import, ast.ImportFrom))

def split_source(src:str):
    "`(import_src, rest_src, nested)` for a cell source, or None when the cell does not mix imports with code."
    lines = src.split('\n')
    dirs, code = _directives(lines)
    names = {d.strip()[2:].strip().split(':')[0].split()[0] for d in dirs if d.strip().startswith('#|') and d.strip()[2:].strip()}
    if names & {'export', 'exports', 'exporti', 'exec_doc'}: return None     # nbdev runs these whole, on purpose
    if any(d.replace(' ', '').lower().startswith('#|eval:false') for d in dirs): return None   # never run by nbdev
    code_s = '\n'.join(code)
    if code_s.lstrip().startswith(('%', '!')): return None
    try: tree = ast.parse(code_s)
    except SyntaxError: return None
    top = [n for n in tree.body if _is_imp(n)]
    nested = [n for n in ast.walk(tree) if _is_imp(n) and n not in top]
    others = [n for n in tree.body if not _is_imp(n)]
    if not others or not (top or nested): return None
    if not top: return ('', None, nested)
    cl = code_s.split('\n')
    # remove import statements by their exact spans (handles `import x; y = 1` on one line)
    spans = sorted(((n.lineno-1, n.col_offset, n.end_lineno-1, n.end_col_offset) for n in top), reverse=True)
    imps = [ast.get_source_segment(code_s, n) for n in top]
    for l0, c0, l1, c1 in spans:
        head, tail = cl[l0][:c0], cl[l1][c1:]
        tail = tail.lstrip()
        if tail.startswith(';'): tail = tail[1:].lstrip()
        head = head.rstrip()
        if head.endswith(';'): head = head[:-1].rstrip()
        cl[l0:l1+1] = [head + ('; ' if head and tail else '') + tail]   # `a(); import x; b()` -> `a(); b()`
    rest = list(cl)
    while rest and not rest[0].strip(): rest.pop(0)
    keep_dirs = [d for d in dirs if d.strip() and any(d.strip()[2:].strip().startswith(k) for k in _KEEP)]
    imp_src = '\n'.join(keep_dirs + imps)
    rest_src = '\n'.join(dirs + rest).strip('\n')
    rest_src = re.sub(r'\n{3,}', '\n\n', rest_src)
    return imp_src, rest_src, nested

def _src_list(src):
    ls = src.split('\n')
    return [l + '\n' for l in ls[:-1]] + [ls[-1]] if src else []

def split_notebook(path, dry=False) -> list:
    path = Path(path)
    nb = json.loads(path.read_text())
    used = {c.get('id') for c in nb['cells']}
    out, report = [], []
    for i, c in enumerate(nb['cells']):
        if c['cell_type'] != 'code': out.append(c); continue
        r = split_source(''.join(c['source']))
        if r is None: out.append(c); continue
        imp, rest, nested = r
        if nested: report.append(f"{path.name} cell {i}: imports nested in code, move by hand: " +
                                 ', '.join(ast.unparse(n) for n in nested))
        if rest is None: out.append(c); continue
        k = 0
        while True:
            cid = hashlib.sha1(f"imports:{c.get('id')}:{k}".encode()).hexdigest()[:8]
            if cid not in used: break
            k += 1
        used.add(cid)
        out.append({"cell_type": "code", "execution_count": None, "id": cid, "metadata": {}, "outputs": [],
                    "source": _src_list(imp)})
        c = dict(c, source=_src_list(rest))
        out.append(c)
        report.append(f"{path.name} cell {i}: split ({imp.count(chr(10)) + 1} import lines moved)")
    if not dry:
        nb['cells'] = out
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return report

if __name__ == '__main__':
    args = sys.argv[1:]
    dry = '--dry' in args
    for p in [a for a in args if a != '--dry']:
        for line in split_notebook(p, dry): print(line)
