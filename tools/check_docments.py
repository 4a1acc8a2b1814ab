#!/usr/bin/env python3
"""Count the parameters of exported functions and classes that have no docments comment, module by module.

    python tools/check_docments.py                       # table: module, parameters, undocumented
    python tools/check_docments.py -v transflower.core   # also list each undocumented parameter
    python tools/check_docments.py --fail transflower.core transflower.bvh   # exit 1 if these have any

What counts: every name in a module's `__all__` (nbdev's exports) that is a function or a class defined in that
module; for a function its parameters; for a class the parameters of its signature (`__init__`, or the fields of
a dataclass) and the parameters of its public methods defined in the class body (names not starting with `_`).
`self`/`cls` are not counted, nor the keyword arguments that fastcore's `delegates` copies from another
function's signature (they are documented there). A parameter is documented when `fastcore.docments.docments` finds a comment for it
(`def f(x:int, # what x is`), which is what `show_doc` shows in its parameter table.
"""
from __future__ import annotations
import argparse, importlib, inspect, json, pkgutil, sys, warnings
from fastcore.docments import docments

def _own(f):
    "The parameter names in `f`'s own code (None when unknown): keyword arguments that fastcore's `delegates` adds are not its own."
    if inspect.isclass(f) and '__init__' not in vars(f): return set()    # inherits its parent's (documented there)
    init = f.__init__ if inspect.isclass(f) else f
    code = getattr(inspect.unwrap(init), '__code__', None)
    if code is None: return None
    n = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & inspect.CO_VARARGS) + bool(code.co_flags & inspect.CO_VARKEYWORDS)
    return set(code.co_varnames[:n])

def _params(f):
    try: sig = inspect.signature(f)
    except (TypeError, ValueError): return []
    own = _own(f)
    return [n for n in sig.parameters if n not in ('self', 'cls') and (own is None or n in own)]

def _undoc(f) -> tuple:
    "`(parameters, undocumented parameters)` of callable `f`."
    ps = _params(f)
    if not ps: return ps, []
    try: d = docments(f, full=True, args_kwargs=True)
    except Exception: d = {}
    return ps, [p for p in ps if not (d.get(p) or {}).get('docment')]

def module_report(modname:str) -> list:
    "One row `(symbol, parameters, undocumented)` per exported function, class and public method of `modname`."
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        mod = importlib.import_module(modname)
    rows = []
    for nm in getattr(mod, '__all__', []):
        o = getattr(mod, nm, None)
        if o is None or getattr(o, '__module__', None) != modname: continue
        if inspect.isclass(o):
            ps, un = _undoc(o)
            rows.append((nm, ps, un))
            for mn, m in vars(o).items():
                if mn.startswith('_'): continue
                f = m.__func__ if isinstance(m, (staticmethod, classmethod)) else m
                if not inspect.isfunction(f): continue
                ps, un = _undoc(f)
                if ps: rows.append((f'{nm}.{mn}', ps, un))
        elif inspect.isfunction(o) or callable(o) and hasattr(o, '__wrapped__'):
            f = o if inspect.isfunction(o) else inspect.unwrap(o)
            ps, un = _undoc(f)
            rows.append((nm, ps, un))
    return rows

def all_modules(lib:str='transflower') -> list:
    pkg = importlib.import_module(lib)
    mods = [m.name for m in pkgutil.walk_packages(pkg.__path__, lib + '.') if not m.name.split('.')[-1].startswith('_')]
    return sorted(mods)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('modules', nargs='*', help='modules (default: every module of the library)')
    ap.add_argument('-v', '--verbose', action='store_true', help='list the undocumented parameters')
    ap.add_argument('--fail', action='store_true', help='exit 1 if any listed module has an undocumented parameter')
    ap.add_argument('--json', default=None, help='write {module: [parameters, undocumented]} to this file')
    a = ap.parse_args(argv)
    mods = a.modules or all_modules()
    tot = und = 0; out = {}
    print(f"{'module':38s} {'params':>6s} {'undoc':>6s}")
    for m in mods:
        try: rows = module_report(m)
        except Exception as e:
            print(f"{m:38s}  cannot import: {type(e).__name__}: {e}"); continue
        n = sum(len(ps) for _, ps, _ in rows); u = sum(len(un) for _, _, un in rows)
        tot += n; und += u; out[m] = [n, u]
        print(f"{m:38s} {n:6d} {u:6d}")
        if a.verbose:
            for nm, ps, un in rows:
                if un: print(f"    {nm}: {', '.join(un)}")
    pct = 100 * (tot - und) / tot if tot else 100
    print(f"{'total':38s} {tot:6d} {und:6d}   ({tot - und} of {tot} documented, {pct:.0f} %)")
    if a.json:
        with open(a.json, 'w') as f: json.dump(out, f, indent=1)
    return 1 if a.fail and und else 0

if __name__ == '__main__': sys.exit(main())
