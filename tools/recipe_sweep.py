#!/usr/bin/env python
"""Train variants of the demo's recipe side by side and score long rollouts on held-out songs (a development tool).

Each variant is the `transflower_dance` preset with overrides, trained on a data folder as `transflower_demo` trains it
(same dance check, same seed). The rollouts are longer than the dance check's (whole held-out songs after a 1 s seed)
and report the pose checks of `transflower.metrics` against every 4th frame of all training dances: `pose_err`
(`pose_error`: RMS joint distance, m, to the nearest training pose) and `float` (`floating`: lowest foot above the
training dances' floor, m), for the whole rollout and its last 5 s, where drift shows.

    python tools/recipe_sweep.py DATA OUT --variants '{"base": {}, "drift": {"context_drift": 0.3}}' --steps 5000
"""
import argparse, json, os, sys, time, math, multiprocessing as mp
from pathlib import Path
import numpy as np

def train_variant(args):
    name, over, data, out, steps, threads, seed, check = args
    os.environ['OMP_NUM_THREADS'] = str(threads)
    import torch; torch.set_num_threads(threads)
    from transflower.train import train
    from transflower.select import DanceCheck
    t = time.time()
    log = open(Path(out)/f'{name}.log', 'w'); old = sys.stdout, sys.stderr; sys.stdout = sys.stderr = log
    try: train('transflower_dance', data, name, experiments_dir=out, max_steps=steps, show_progress=False, seed=seed,
          cbs=[DanceCheck(data, split='val', seconds=6., temperatures=(1.0, 0.6, 0.3, 0.0))] if check else [], **over)
    finally: sys.stdout, sys.stderr = old; log.close()
    return name, time.time() - t

def evaluate(args):
    name, data, out, threads, temps, ckpts, seconds, corrs = args
    os.environ['OMP_NUM_THREADS'] = str(threads)
    import torch; torch.set_num_threads(threads)
    from transflower.generate import load_dancer
    from transflower.select import reference_scores, _positions, _motion_modality
    from transflower.generate import generate, GenerationPlan
    from transflower.evaluate import sequence_beats
    from transflower.metrics import dance_scores, dance_summary, pose_bank, pose_error, floating
    from transflower.data.dataset import read_split
    ids = read_split(data, 'val') + read_split(data, 'test')
    rows = []
    for ck in ckpts:
        exp = Path(out)/name
        if not (exp/'checkpoints'/f'{ck}.pth').exists(): continue
        model, cfg, pipes = load_dancer(exp, checkpoint=ck)
        mp_ = next(p for p in pipes.values() if hasattr(p, 'template'))
        skel, fps = mp_.template.joint_names, float(mp_.fps)
        mmod = _motion_modality(mp_)
        bank = pose_bank([_positions(np.load(Path(data)/f'{s}.{mmod}.npy'), mp_) for s in read_split(data, 'train')],
                         skel, every=4)
        ref = reference_scores(data, mp_, 'train')
        sel = json.loads((exp/'checkpoints'/'selection.json').read_text()) if (exp/'checkpoints'/'selection.json').exists() else {}
        plan = GenerationPlan.from_model(model); S0 = plan.seed_frames
        def song_dance(sid, T, seed, rho):
            motion = np.load(Path(data)/f'{sid}.{mmod}.npy')
            cond = {plan.input_modalities[q]: np.load(Path(data)/f'{sid}.{plan.input_modalities[q]}.npy') for q in plan.cond}
            n = min(len(motion) - S0, int(round(seconds * fps))) if seconds else len(motion) - S0
            g = generate(model, cond, seed_motion=motion[:S0], n_frames=n, temperature=T, seed=seed, show_progress=False,
                         plan=plan, noise_corr=rho)[0]
            b = sequence_beats(data, sid); b = b - S0 / fps; b = b[(b >= 0) & (b < n / fps)]
            return _positions(g, mp_)[S0:S0 + n], _positions(motion[:S0 + n], mp_)[S0:], b
        for T, rho in [(t, r) for t in temps for r in corrs]:
            if T == 'sel': T = float(sel.get('chosen', {}).get('temperature', 1.0))
            if T == 0 and rho > 0: continue
            scores, pe, pe5, fl, fl5, pt = [], [], [], [], [], []
            for i, sid in enumerate(ids):
                g, tr, b = song_dance(sid, float(T), i, rho)
                scores.append(dance_scores(g, fps, b, skel))
                e = pose_error(g, bank, skel); pe.append(e.mean()); pe5.append(e[-int(5 * fps):].mean())
                f = floating(g, bank, skel); fl.append(f.mean()); fl5.append(f[-int(5 * fps):].mean())
                pt.append(pose_error(tr, bank, skel).mean())
            s = dance_summary(scores, ref)
            rows.append(dict(variant=name, ckpt=ck, step=model.checkpoint_step, T=float(T), rho=rho, R=s['R'], tempo=s['tempo_ok'],
                             speed=s['speed_ratio'], accel=s['accel_ratio'], skate=s['skate'], drift=s['drift_max'],
                             pose_err=float(np.mean(pe)), pose_err_last5=float(np.mean(pe5)), truth_pose_err=float(np.mean(pt)),
                             float_=float(np.mean(fl)), float_last5=float(np.mean(fl5))))
            with open(Path(out)/'sweep.jsonl', 'a') as fh: fh.write(json.dumps(rows[-1]) + '\n')
            print(json.dumps(rows[-1]), flush=True)
    return rows

def run_variant(args):
    (name, over, data, out, steps, threads, seed, eval_only, check), eargs = args[:9], args[9:]
    sec = 0. if eval_only else train_variant((name, over, data, out, steps, threads, seed, check))[1]
    print(f"trained {name} in {sec:.0f} s", flush=True)
    return evaluate((name, data, out, threads) + tuple(eargs))

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('data'); ap.add_argument('out')
    ap.add_argument('--variants', required=True, help='JSON: name -> config overrides')
    ap.add_argument('--steps', type=int, default=5000)
    ap.add_argument('--threads', type=int, default=2, help='threads per training process')
    ap.add_argument('--jobs', type=int, default=None, help='variants trained at once (default: all)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--temps', default='0,0.3,sel')
    ap.add_argument('--ckpts', default='dance,last')
    ap.add_argument('--eval_only', action='store_true')
    ap.add_argument('--no_check', action='store_true', help='train without the dance check (no dance.pth: use --ckpts last)')
    ap.add_argument('--noise_corrs', default='0', help='noise_corr values of the rollouts (comma-separated)')
    ap.add_argument('--seconds', type=float, default=None, help='seconds per held-out rollout (default: whole songs)')
    a = ap.parse_args()
    variants = json.loads(a.variants)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context('spawn')
    jobs = a.jobs or len(variants)
    t0 = time.time()
    temps = [t if t == 'sel' else float(t) for t in a.temps.split(',')]
    rows = []
    with ctx.Pool(jobs) as pool:
        todo = [(n, o, a.data, a.out, a.steps, a.threads, a.seed, a.eval_only, not a.no_check, temps, a.ckpts.split(','),
                 a.seconds, [float(r) for r in a.noise_corrs.split(',')])
                for n, o in variants.items()]
        for rs in pool.imap_unordered(run_variant, todo): rows += rs
    (Path(a.out)/'sweep.json').write_text(json.dumps(rows, indent=1))
    keys = ['variant', 'ckpt', 'step', 'T', 'rho', 'R', 'tempo', 'speed', 'accel', 'skate', 'drift', 'pose_err', 'pose_err_last5', 'truth_pose_err', 'float_', 'float_last5']
    print(' | '.join(keys))
    for r in rows: print(' | '.join(f"{r[k]:.3g}" if isinstance(r[k], float) else str(r[k]) for k in keys))
    print(f"sweep done in {time.time() - t0:.0f} s")

if __name__ == '__main__': main()
