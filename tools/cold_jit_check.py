#!/usr/bin/env python3
"""CI check of the cold start (issue: librosa's numba cache corrupted by concurrent first runs).

1. Deletes librosa's numba cache files (a cold cache, as on a new machine).
2. Starts two `transflower_features --workers 2` runs at the same moment on two sample folders (up to four processes
   compiling on a cold cache), and checks that both succeed.
3. Checks that the cache left behind is sound: a fresh process computes audio features (a corrupt cache segfaults).
4. Corrupts every numba data file on purpose and checks that the next process heals it instead of crashing.
Run it alone (no other transflower process running): it deletes the shared cache. Prints one line per step.
"""
import os, sys, subprocess, tempfile, time, random, shutil
from pathlib import Path

PROBE = ("import numpy as np; from transflower.features.audio import AudioPipeline, click_track; "
         "f = AudioPipeline().features(click_track(np.arange(0, 6, .5), 6.), sr=24000); print(f.shape)")

def probe(label):
    r = subprocess.run([sys.executable, '-c', PROBE], capture_output=True, text=True)
    ok = r.returncode == 0
    said = [l for l in (r.stderr or '').splitlines() if l.startswith('transflower:')]
    print(f"{'ok  ' if ok else 'FAIL'} {label}: exit {r.returncode}" + ('' if ok else f" ({(r.stderr or '').strip().splitlines()[-1:]})")
          + ''.join(f"\n       {l}" for l in said))
    return ok

def main():
    from transflower.features.audio import clear_jit_cache, jit_cache_files
    from transflower.data.synthetic import make_sample_dataset
    exe = shutil.which('transflower_features')
    if exe is None: print("FAIL transflower_features is not on PATH"); return 1
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        dirs = [make_sample_dataset(Path(tmp)/f'd{i}', n_sequences=3, seconds=8, seed=i) for i in range(2)]
        n = clear_jit_cache()
        print(f"ok   cold cache: deleted {n} numba cache files of librosa ({len(jit_cache_files())} left)")
        t0 = time.perf_counter()
        procs = [subprocess.Popen([exe, str(d), '--workers', '2', '--quiet'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for d in dirs]
        outs = [p.communicate()[0] for p in procs]
        for d, p, out in zip(dirs, procs, outs):
            good = p.returncode == 0 and 'extracted 3' in out
            ok &= good
            lines = [l for l in out.strip().splitlines() if l.strip()]
            print(f"{'ok  ' if good else 'FAIL'} two CLIs at once, --workers 2, cold cache: {d.name} exit {p.returncode} "
                  f"({time.perf_counter() - t0:.0f} s){'' if good else ': ' + ' | '.join(lines[-3:])}")
        ok &= probe("cache left behind is sound (fresh process)")
        files = [p for p in jit_cache_files() if p.suffix == '.nbc']
        rng = random.Random(0)
        for p in files: p.write_bytes(bytes(rng.randrange(256) for _ in range(p.stat().st_size)))
        print(f"ok   corrupted {len(files)} numba data files on purpose")
        ok &= probe("corrupt cache healed by the next process")
        from transflower.features.audio import _jit_stamp_ok
        print(f"{'ok  ' if _jit_stamp_ok() else 'FAIL'} warm-up stamp matches the rebuilt cache"); ok &= _jit_stamp_ok()
        ok &= probe("healed cache is sound (fresh process)")
    print("cold-start check:", "passed" if ok else "FAILED")
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
