#!/usr/bin/env python3
"""Device check of nbs/92_tutorial.colab.ipynb's GPU cells at small size: the paper preset trains on the GPU with the
notebook's overrides, resumes, and dances. Run on a machine with a GPU: `PYTHONPATH=. python tools/gpu_colab_check.py`."""
import time, tempfile, torch, sys
from pathlib import Path
t0 = time.time()
from transflower.core import default_device
from transflower.data.synthetic import make_sample_dataset
from transflower.features.extract import extract_features
from transflower.train import train
from transflower.generate import dance_for_song
from transflower.bvh import read_bvh
print('device', default_device(), torch.cuda.get_device_name(0), flush=True)
work = Path(tempfile.mkdtemp())
big = make_sample_dataset(work/'data_big', n_sequences=8, seconds=10., seed=1)
print(extract_features(big, workers=0, show_progress=False).summary(), round(time.time()-t0), flush=True)
small_gpu = torch.cuda.get_device_properties(0).total_memory < 30 * 2**30
learn = train('transflower_expmap', big, 'paper', experiments_dir=work/'experiments', max_steps=6,
              input_modalities='expmap_cr_scaled_20,audio_feats_scaled_20', output_modalities='expmap_cr_scaled_20',
              dins=None, douts=None, batch_size=42 if small_gpu else 84, accumulate_grad_batches=2 if small_gpu else 1,
              precision='bf16' if torch.cuda.is_bf16_supported() else '32', show_progress=False, val_every=3, checkpoint_every=3)
print('trained to', learn.step, 'on', next(learn.model.parameters()).device, 'peak GiB', round(torch.cuda.max_memory_allocated()/2**30, 1), round(time.time()-t0), flush=True)
learn = train('transflower_expmap', big, 'paper', experiments_dir=work/'experiments', continue_train=True, max_steps=8,
              show_progress=False)
print('resumed to', learn.step, round(time.time()-t0), flush=True)
song = (big/'base_filenames_test.txt').read_text().split()[0]
out = dance_for_song(work/'experiments'/'paper', big/f'{song}.wav', work/'paper_dances', seed_bvh=big/f'{song}.bvh',
                     num_samples=2, bvh=True, video=False, n_frames=40, show_progress=False)
print('dance frames', read_bvh(out['bvh'][0]).n_frames, 'files', len(out['bvh']), round(time.time()-t0), flush=True)
