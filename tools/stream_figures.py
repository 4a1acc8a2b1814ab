"""Streaming figures of a trained real-time experiment (issue 12 §3): held-out songs pushed into `DanceStream` in
chunks, per thread count: real-time factor, per-push computing time (median, p95, max), the stated latency and the
measured one (audio pushed when a frame leaves `push`, minus the frame's instant; without computing time);
with one thread also the dance scores of the streamed dances against the training dances, and the offline
generation of the same features with the same seed (stream's own rows, and the data folder's rows).

    OMP_NUM_THREADS=1 python tools/stream_figures.py EXP FEATS WAVS --threads 1,2 --out figs.json
"""
import argparse, json, os, time
from pathlib import Path
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('experiment'); ap.add_argument('feats', help='feature folder (causal features, beats, split lists)')
    ap.add_argument('wavs', help='folder with the songs <id>.wav (at their own sample rate)')
    ap.add_argument('--threads', default='1,2'); ap.add_argument('--chunk', type=float, default=0.1)
    ap.add_argument('--split', default='test'); ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--no_quality', action='store_true'); ap.add_argument('--no_jit', action='store_true')
    ap.add_argument('--temperature', type=float, default=None, help="default: the experiment's selected one")
    ap.add_argument('--resampler', default='soxr', help="DanceStream's resampler: 'soxr' or 'poly'")
    ap.add_argument('--out', default=None)
    a = ap.parse_args()
    import torch
    from transflower.stream import DanceStream, read_mono, play_file
    from transflower.generate import generate, load_dancer, GenerationPlan
    from transflower.data.dataset import read_split
    from transflower.select import reference_scores, _positions, _motion_modality
    from transflower.evaluate import sequence_beats
    from transflower.metrics import dance_scores, dance_summary, pose_bank, dance_verdict
    feats, wavs = Path(a.feats), Path(a.wavs)
    ids = read_split(feats, a.split)
    model, cfg, pipes = load_dancer(a.experiment)
    plan = GenerationPlan.from_model(model); S0 = plan.seed_frames
    mmod = plan.input_modalities[plan.ar[0][0]]; amod = plan.input_modalities[plan.cond[0]]
    mp_ = pipes[mmod]; skel, fps = mp_.template.joint_names, float(mp_.fps)
    res = dict(experiment=str(a.experiment), checkpoint_step=getattr(model, 'checkpoint_step', None), songs=ids,
               chunk_seconds=a.chunk, load_before=os.getloadavg(), cpus=os.cpu_count(), timing={})
    for th in [int(t) for t in a.threads.split(',')]:
        torch.set_num_threads(th)
        pushes, comp, audio, lat = [], 0., 0., []
        for sid in ids:
            y, sr = read_mono(wavs/f'{sid}.wav')
            motion = np.load(feats/f'{sid}.{mmod}.npy')
            st = DanceStream(a.experiment, sample_rate=sr, seed=0, seed_motion=motion[:S0], jit=not a.no_jit, threads=th, resampler=a.resampler)
            n, done = max(1, int(round(a.chunk * sr))), 0
            for i in range(0, len(y), n):                    # as play_file, recording when each frame leaves push
                k = len(st.push(y[i:i + n])); t_audio = min(i + n, len(y)) / sr
                lat += [t_audio - t / st.fps for t in range(done, done + k) if t >= S0]; done += k
            st.close()
            s = st.stats(); pushes += st.push_seconds; comp += s['compute_seconds']; audio += s['audio_seconds']
        p = np.array(pushes) * 1000
        res['timing'][th] = dict(pushes=len(p), audio_seconds=round(audio, 2), real_time_factor=round(comp / audio, 4),
                                 push_ms_median=round(float(np.median(p)), 2), push_ms_p95=round(float(np.percentile(p, 95)), 2),
                                 push_ms_max=round(float(p.max()), 2), latency_ms=round(st.latency * 1000, 1),
                                 frame_latency_ms_median=round(float(np.median(lat)) * 1000, 1), frame_latency_ms_max=round(float(np.max(lat)) * 1000, 1),
                                 lookahead_frames=st.lookahead, temperature=st.temperature, load_after=os.getloadavg())
        print(th, 'thread(s):', json.dumps(res['timing'][th]), flush=True)
    if not a.no_quality:
        torch.set_num_threads(1)
        ref = reference_scores(feats, mp_, 'train')
        bank = pose_bank([_positions(np.load(feats/f'{s}.{mmod}.npy'), mp_) for s in read_split(feats, 'train')], skel, every=4)
        rows = {k: [] for k in ('streamed', 'offline_same_rows', 'offline_file_rows', 'truth')}
        diffs, row_diffs = [], []
        for sid in ids:
            y, sr = read_mono(wavs/f'{sid}.wav')
            motion = np.load(feats/f'{sid}.{mmod}.npy'); arows = np.load(feats/f'{sid}.{amod}.npy')
            b = sequence_beats(feats, sid)
            for seed in range(a.seeds):
                st = DanceStream(a.experiment, sample_rate=sr, seed=seed, seed_motion=motion[:S0], threads=1, temperature=a.temperature, resampler=a.resampler)
                for _ in play_file(st, (y, sr), chunk_seconds=a.chunk): pass
                T = st.temperature
                off = generate(model, st.audio_features, seed_motion=motion[:S0], seed=seed, temperature=T, show_progress=False, threads=1)[0]
                n = min(len(arows), len(motion), len(st.frames))
                offf = generate(model, arows[:n], seed_motion=motion[:S0], seed=seed, temperature=T, show_progress=False, threads=1)[0]
                diffs.append(float(np.abs(off - st.frames).max()))
                m = min(len(arows), len(st.audio_features)); row_diffs.append(float(np.abs(arows[:m] - st.audio_features[:m]).max()))
                bb = b - S0 / fps if b is not None else None
                for k, g in (('streamed', st.frames), ('offline_same_rows', off), ('offline_file_rows', offf), ('truth', motion)):
                    if k == 'truth' and seed: continue
                    pos = _positions(g[:n], mp_)[S0:]
                    beats = None if bb is None else bb[(bb >= 0) & (bb < len(pos) / fps)]
                    rows[k].append(dance_scores(pos, fps, beats, skel, pose_bank=bank))
        res['stream_vs_offline_max_abs'] = max(diffs)
        res['stream_rows_vs_file_rows_max_abs'] = max(row_diffs)
        res['quality'] = {}
        for k, sc in rows.items():
            s = dance_summary(sc, ref)
            res['quality'][k] = {q: round(float(s[q]), 4) for q in ('speed_ratio', 'accel_ratio', 'R', 'tempo_ok', 'pose_err', 'float',
                                                                   'skate_ratio', 'drift_max', 'n_clips')}
            res['quality'][k]['verdict'] = dance_verdict(s)[1]
            print(k, json.dumps(res['quality'][k]), flush=True)
        print('stream vs offline (same rows, same seed) max |diff|:', res['stream_vs_offline_max_abs'])
        print('stream rows vs data-folder rows max |diff|:', res['stream_rows_vs_file_rows_max_abs'])
    res['temperature'] = T if not a.no_quality else None
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1, default=str))


if __name__ == '__main__': main()
