#!/usr/bin/env python3
"""Write docments comments into the exported signatures of a notebook, from a table of parameter descriptions.

    python tools/add_docments.py nbs/00_core.ipynb docs.json

`docs.json` maps a symbol to `{parameter: comment}`: `"atomic_write": {"path": "the file to write"}`, a method as
`"Motion.joint_index"`, a class as its name (its `__init__` parameters, or the fields of a dataclass). Each
signature is rewritten one parameter a line, fastai style (`def f(x:int, # what x is`); comments already there are
kept, parameters without a comment in the table are left bare and reported. Only `#| export` cells are touched.
"""
import ast, io, json, re, sys, tokenize
from pathlib import Path

def _src_list(src):
    ls = src.split('\n')
    return [l + '\n' for l in ls[:-1]] + [ls[-1]] if src else []

def _tokens(code):
    return list(tokenize.generate_tokens(io.StringIO(code).readline))

def _pos2off(lines, pos):
    l, c = pos
    return sum(len(x) for x in lines[:l-1]) + c

def _rewrite_sig(code, node, comments, report, key):
    "Return `code` with the signature of FunctionDef `node` rewritten; `comments` maps param -> comment."
    lines = code.splitlines(True)
    toks = _tokens(code)
    # the '(' after `def name`
    i = next(k for k, t in enumerate(toks) if t.start[0] >= node.lineno and t.type == tokenize.NAME and t.string == node.name
             and k > 0 and toks[k-1].string == 'def')
    assert toks[i+1].string == '('
    depth, j = 0, i+1
    segs, cur, cmts = [], [], {}
    while True:
        t = toks[j]
        if t.type == tokenize.OP and t.string in '([{': depth += 1
        if t.type == tokenize.OP and t.string in ')]}':
            depth -= 1
            if depth == 0: break
        if depth == 1 and t.type == tokenize.OP and t.string == ',':
            segs.append(cur); cur = []
        elif t.type == tokenize.COMMENT and depth == 1:
            (segs[-1] if not cur and segs else cur).append(t)
        elif not (t.type in (tokenize.NL, tokenize.NEWLINE) or (j == i+1)):
            cur.append(t)
        j += 1
    if cur: segs.append(cur)
    close = toks[j]
    open_tok = toks[i+1]
    items = []
    for seg in segs:
        code_toks = [t for t in seg if t.type != tokenize.COMMENT]
        old_c = next((t.string[1:].strip() for t in seg if t.type == tokenize.COMMENT), None)
        if not code_toks: continue
        text = code[_pos2off(lines, code_toks[0].start):_pos2off(lines, code_toks[-1].end)]
        text = ' '.join(l.strip() for l in text.split('\n'))
        m = re.match(r'\*{0,2}\s*([A-Za-z_]\w*)', text)
        name = m.group(1) if m else None
        c = old_c
        if name in ('self', 'cls') or text in ('*', '/'): c = old_c
        elif not c:
            c = comments.get(name)
            if not c: report.append(f"{key}: no comment for {name}")
        items.append((text, c))
    col = open_tok.start[1]
    head = code[_pos2off(lines, (node.lineno, 0)):_pos2off(lines, open_tok.end)]
    pad = ' ' * (col + 1)
    out = head
    for k, (text, c) in enumerate(items):
        sep = ','
        out += ('' if k == 0 else pad) + text + sep + (f' # {c}' if c else '') + '\n'
    out += ' ' * col + ')'
    new = code[:_pos2off(lines, (node.lineno, 0))] + out + code[_pos2off(lines, close.end):]
    return new

def _rewrite_fields(code, node, comments, report, key):
    lines = code.split('\n')
    for st in reversed(node.body):
        if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
            nm = st.target.id
            ln = lines[st.end_lineno-1]
            if '#' in ln[st.end_col_offset:]: continue
            c = comments.get(nm)
            if not c: report.append(f"{key}: no comment for field {nm}"); continue
            lines[st.end_lineno-1] = ln.rstrip() + f'  # {c}'
    return '\n'.join(lines)

def _targets(tree):
    "(key, node, kind) for functions, methods, patched methods and classes, latest first (so rewrites keep positions)."
    res = []
    for n in tree.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            res.append((n.name, n, 'f'))
            if n.args.args and n.args.args[0].annotation is not None and any(getattr(d, 'id', None) == 'patch' for d in n.decorator_list):
                res.append((f"{ast.unparse(n.args.args[0].annotation)}.{n.name}", n, 'f'))
        elif isinstance(n, ast.ClassDef):
            init = next((m for m in n.body if isinstance(m, ast.FunctionDef) and m.name == '__init__'), None)
            res.append((n.name, init if init else n, 'f' if init else 'c'))
            for m in n.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    res.append((f"{n.name}.{m.name}", m, 'f'))
    return res

def add_docments(nb_path, table:dict) -> list:
    nb_path = Path(nb_path)
    nb = json.loads(nb_path.read_text())
    report, done = [], set()
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        code = ''.join(c['source'])
        if not re.search(r'^#\|\s*export', code, re.M): continue
        try: tree = ast.parse(code)
        except SyntaxError: continue
        tg = [(k, n, kind) for k, n, kind in _targets(tree) if k in table]
        tg.sort(key=lambda x: -x[1].lineno)
        seen = set()
        for k, n, kind in tg:
            if id(n) in seen: continue
            seen.add(id(n)); done.add(k)
            code = (_rewrite_sig if kind == 'f' else _rewrite_fields)(code, n, table[k], report, k)
        compile(code, str(nb_path), 'exec', flags=0x400 if 'from __future__' in code else 0, dont_inherit=True)
        c['source'] = _src_list(code)
    for k in table:
        if k not in done: report.append(f"{k}: not found in an exported cell")
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return report

if __name__ == '__main__':
    if len(sys.argv) != 3: sys.exit(__doc__)
    for l in add_docments(sys.argv[1], json.loads(Path(sys.argv[2]).read_text())): print(l)
