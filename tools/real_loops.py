#!/usr/bin/env python
"""Score a trained experiment on real music: the 16 `sonic-pi-samples` loops that are whole 4/4 bars (a development tool).

Each loop is tiled to 31 s and danced to from the neutral pose (as `transflower_generate` does by default: the
experiment's selected checkpoint and temperature, seed 0); 30 s after the seed are scored with
`transflower.metrics.dance_scores`, raw and with the feet locked, against two sets of music beats: beats at the
loop's own tempo (beats per loop / its length; librosa's beat tracker run at that tempo for the phase) and
librosa's beat tracker left to find the tempo (`metrics.music_beats`). Prints one line per loop and the four
`dance_summary` verdicts against the training dances of DATA.

    OMP_NUM_THREADS=1 python tools/real_loops.py EXPERIMENT DATA [--work /tmp/loops] [--temperature T]
"""
import argparse
from pathlib import Path
import numpy as np

def main():
    ap_ = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap_.add_argument('experiment'); ap_.add_argument('data', help='the data folder the experiment was trained on')
    ap_.add_argument('--work', default='/tmp/loops', help='folder for the tiled loops')
    ap_.add_argument('--temperature', type=float, default=None, help="default: the experiment's selected one")
    a = ap_.parse_args()
    import librosa, soundfile as sf
    from transflower.core import music_path
    from transflower.generate import load_dancer, generate, GenerationPlan
    from transflower.evaluate import features_to_positions
    from transflower.metrics import music_beats, dance_scores, dance_summary, dance_verdict
    from transflower.select import reference_scores, reference_poses
    from transflower.train import default_temperature
    from transflower.features.audio import LOOP_BEATS
    exp, data, work = Path(a.experiment), Path(a.data), Path(a.work); work.mkdir(parents=True, exist_ok=True)
    model, cfg, pipes = load_dancer(exp, device='cpu')
    mp = pipes['expmap_cr_scaled_20']; akey = next(k for k in pipes if k.startswith('audio')); ap = pipes[akey]
    plan = GenerationPlan.from_model(model); S0 = plan.seed_frames
    T = default_temperature(exp) if a.temperature is None else a.temperature
    bank, ref = reference_poses(data, mp, 'train'), reference_scores(data, mp, 'train')
    rows = {k: [] for k in ('raw, loop tempo', 'locked, loop tempo', 'raw, librosa tracker', 'locked, librosa tracker')}
    print(f"{exp.name}: temperature {T}")
    for name, nb in LOOP_BEATS.items():
        y, sr = librosa.load(music_path(f'{name}.flac'), sr=22050)
        tempo = 60 * nb * sr / len(y)
        y31 = np.tile(y, int(np.ceil(31 * sr / len(y))))[:31 * sr]
        wav = work/f'{name}_31s.wav'
        if not wav.exists(): sf.write(wav, y31, sr)
        _, at_tempo = librosa.beat.beat_track(onset_envelope=librosa.onset.onset_strength(y=y31, sr=sr), sr=sr, bpm=tempo, units='time')
        g = generate(model, {akey: ap.transform(wav)}, temperature=T, seed=0, show_progress=False, plan=plan)[0]
        line = f"{name:16s} loop {tempo:6.1f} bpm"
        for lock in (False, True):
            p = features_to_positions([g], mp, foot_lock=lock)[0][S0:S0 + 600]
            for beats, key in ((at_tempo, 'loop tempo'), (music_beats(wav), 'librosa tracker')):
                b = beats - S0 / 20
                sc = dance_scores(p, 20, b[(b >= 0) & (b < len(p) / 20)], mp.template.joint_names, pose_bank=bank)
                rows[f"{'locked' if lock else 'raw'}, {key}"].append(sc)
                if not lock: line += (f" | {key}: beat {60 * sc['beat_hz']:6.1f}, hips {60 * sc['bounce_hz']:6.1f} bpm, "
                                      f"{'on tempo' if sc['tempo_ok'] else 'off tempo'}, R {sc['R']:.2f}")
        print(line, flush=True)
    for k, v in rows.items(): print(f"{k}: {dance_verdict(dance_summary(v, ref))[1]}")

if __name__ == '__main__': main()
