#!/usr/bin/env python
"""GPU benchmark of the paper Transflower (`transflower_expmap`, 122M parameters).

Prints one table with
- training throughput in bf16 at the paper's batch 84 (forward + backward + gradient clipping at 0.5 + Adam), through
  the library's fastai `Learner` (the `transflower_train` path) and through a plain loop with PyTorch's fused Adam,
  each with its model FLOPs utilisation (MFU);
- generated frames per second at batch 1 in fp32 and bf16: eager, the sampling step captured in a CUDA graph, and the
  sampling step under `torch.compile(mode='reduce-overhead')`.

FLOPs are counted with `torch.utils.flop_counter.FlopCounterMode` (matrix products, attention and convolutions;
element-wise work is not counted) for one training step (forward + backward) and for one generated frame. MFU = counted
FLOPs per second / the GPU's dense bf16 peak (989 TFLOP/s for the H100/H200, NVIDIA's datasheet figure; other GPUs
by name, see `transflower.bench.train.PEAK_BF16`). bf16 means the library's `precision='bf16'`: the multimodal
encoder under bf16 autocast, the flow (LU mixing, affine couplings, log-determinants, inverses) in fp32. fp32 matrix products
run in true fp32 (PyTorch's default: TF32 off).

The 16 coupling transformers cannot be batched together when sampling: each flow step inverts the output of the
next one, so they run one after another; the CUDA graph removes their launch overhead instead.

Every optional variant that fails (a compile error, an unsupported capture) prints its reason in the table and the
script continues. Variants still waiting when `--budget` seconds have passed are skipped.

    python tools/gpu_bench.py            # on the GPU machine: under 4 minutes (no variant starts after --budget s)
    python tools/gpu_bench.py --smoke    # tiny preset, a few steps, on the CPU: checks that the script runs
"""
from __future__ import annotations
import argparse, os, statistics, sys, time, traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))     # the repository's package, also when not installed


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--smoke', action='store_true', help='tiny preset, a few steps, CPU unless --device says otherwise')
    p.add_argument('--device', default=None, help='torch device (default: cuda when available, else cpu)')
    p.add_argument('--preset', default=None, help='default: transflower_expmap (transflower_tiny with --smoke)')
    p.add_argument('--batch', type=int, default=None, help='training batch size (default: 84; 4 with --smoke)')
    p.add_argument('--train-steps', type=int, default=None, help='timed training steps (default 20; 2 with --smoke)')
    p.add_argument('--frames', type=int, default=None, help='timed generated frames (default 200; 5 with --smoke)')
    p.add_argument('--budget', type=float, default=150., help='seconds after which the remaining variants are skipped')
    p.add_argument('--no-compile', action='store_true', help='skip the torch.compile rows')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: transflower.core.default_threads())')
    return p.parse_args(argv)


class Table:
    "The rows of the result table, printed at the end (and as they come, to stderr, for progress)."
    cols = [('task', 10), ('precision', 9), ('mode', 34), ('batch', 5), ('ms/iter', 9), ('throughput', 19),
            ('TFLOP/s', 8), ('MFU', 7), ('status', 0)]
    def __init__(self): self.rows = []
    def add(self, **r):
        self.rows.append(r)
        print(f"[{time.strftime('%H:%M:%S')}] {self.fmt(r)}", file=sys.stderr, flush=True)
    def fmt(self, r):
        return ' '.join(f"{str(r.get(k, '')):<{w}}" if w else str(r.get(k, '')) for k, w in self.cols).rstrip()
    def print(self):
        head = ' '.join(f"{k:<{w}}" if w else k for k, w in self.cols)
        print(head); print('-' * len(head))
        for r in self.rows: print(self.fmt(r))


def sync(dev):
    import torch
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def short(e:BaseException) -> str:
    "A one-line reason for a failed variant."
    lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()][:2]
    return f"failed: {type(e).__name__}: {' '.join(lines)[:200]}"


def random_windows(cfg, bs, dev, seed=0):
    import torch
    g = torch.Generator().manual_seed(seed)
    xs = [torch.randn(bs, L, d, generator=g).to(dev) for L, d in zip(cfg.input_lengths, cfg.dins)]
    ys = [torch.randn(bs, L, d, generator=g).to(dev) for L, d in zip(cfg.output_lengths, cfg.douts)]
    return xs, ys


def train_plain(model, cfg, bs, steps, warmup, dev, fused:bool):
    "Median seconds per step of forward + backward + clip + Adam with the encoder in bf16 (a plain loop)."
    import torch
    from transflower.core import autocast_regions
    model.train()
    kw = {'fused': True} if fused else {}
    opt = torch.optim.Adam(model.parameters(), lr=float(cfg.get('learning_rate') or 7e-5), **kw)
    xs, ys = random_windows(cfg, bs, dev)
    ts = []
    for i in range(warmup + steps):
        sync(dev); t0 = time.perf_counter()
        with autocast_regions(model, torch.bfloat16, dev.type):
            loss, _ = model.loss(xs, ys)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        sync(dev)
        if i >= warmup: ts.append(time.perf_counter() - t0)
    del opt
    model.zero_grad(set_to_none=True)
    return statistics.median(ts)


def gen_inputs(cfg, frames, dev, seed=1):
    import torch
    g = torch.Generator().manual_seed(seed)
    motion = torch.randn(1, cfg.input_lengths[0], cfg.dins[0], generator=g).to(dev)
    others = [torch.randn(1, L + frames + 8, d, generator=g).to(dev) for L, d in zip(cfg.input_lengths[1:], cfg.dins[1:])]
    return motion, others


def gen_eager(model, cfg, frames, warmup, dev, precision):
    "Frames per second of the generation loop at batch 1 (one model forward + flow sample per frame), eager."
    import torch
    from transflower.core import autocast_regions
    motion, others = gen_inputs(cfg, frames + warmup, dev)
    L = cfg.input_lengths[1:]
    with torch.inference_mode(), autocast_regions(model, torch.bfloat16, dev.type, enabled=precision == 'bf16'):
        for t in range(warmup + frames):
            if t == warmup: sync(dev); t0 = time.perf_counter()
            wins = [motion] + [o[:, t:t + l] for o, l in zip(others, L)]
            new = model.sample(wins)[0][:, :1]
            motion = torch.cat([motion[:, 1:], new], 1)
        sync(dev)
    return frames / (time.perf_counter() - t0)


def gen_graph(model, cfg, frames, warmup, dev, precision):
    "Frames per second with the sampling step (model forward + flow sample + window slide) replayed as a CUDA graph."
    import torch
    from transflower.core import autocast_regions
    motion0, others = gen_inputs(cfg, frames + warmup, dev)
    L = cfg.input_lengths[1:]
    with torch.inference_mode(), autocast_regions(model, torch.bfloat16, dev.type, enabled=precision == 'bf16'):
        motion = motion0.clone()
        wins_in = [o[:, :l].clone() for o, l in zip(others, L)]
        def step():
            new = model.sample([motion] + wins_in)[0][:, :1]
            motion.copy_(torch.cat([motion[:, 1:], new], 1))
            return new
        s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3): step()                                   # warm-up on a side stream before capture
        torch.cuda.current_stream().wait_stream(s)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph): step()
        for t in range(warmup + frames):
            if t == warmup: sync(dev); t0 = time.perf_counter()
            for w, o, l in zip(wins_in, others, L): w.copy_(o[:, t:t + l])
            graph.replay()
        sync(dev)
    return frames / (time.perf_counter() - t0)


def gen_compiled(model, cfg, frames, warmup, dev, precision):
    "Frames per second with the sampling step under torch.compile(mode='reduce-overhead'); also the compile seconds."
    import torch
    from transflower.core import autocast_regions
    motion, others = gen_inputs(cfg, frames + warmup + 3, dev)
    L = cfg.input_lengths[1:]
    def step(motion, *wins):      # = model.sample for the paper preset (no residual mean, no anchor), without its
        cond = model.condition([motion] + list(wins))    # inference_mode, which torch.compile does not trace
        return model.flow.sample(cond, 1.0)[:, :1]
    cstep = torch.compile(step, mode='reduce-overhead')
    with torch.no_grad(), autocast_regions(model, torch.bfloat16, dev.type, enabled=precision == 'bf16'):
        t_c = time.perf_counter()
        for t in range(3):                                              # compile + cudagraph recording
            new = cstep(motion, *[o[:, t:t + l] for o, l in zip(others, L)]).clone()
            motion = torch.cat([motion[:, 1:], new], 1)
        sync(dev); compile_s = time.perf_counter() - t_c
        for t in range(3, 3 + warmup + frames):
            if t == 3 + warmup: sync(dev); t0 = time.perf_counter()
            new = cstep(motion, *[o[:, t:t + l] for o, l in zip(others, L)]).clone()
            motion = torch.cat([motion[:, 1:], new], 1)
        sync(dev)
    return frames / (time.perf_counter() - t0), compile_s


def main(argv=None):
    a = parse_args(argv)
    import torch
    from transflower.core import set_threads, bf16_supported
    from transflower.config import load_config, get_model
    from transflower.bench.models import model_flops, matmul_peak
    from transflower.bench.train import train_throughput, peak_bf16

    t_start = time.perf_counter()
    left = lambda: a.budget - (time.perf_counter() - t_start)
    dev = torch.device(a.device or ('cuda' if torch.cuda.is_available() and not a.smoke else 'cpu'))
    threads = set_threads(a.threads)
    preset = a.preset or ('transflower_tiny' if a.smoke else 'transflower_expmap')
    bs = a.batch or (4 if a.smoke else 84)
    steps = a.train_steps or (2 if a.smoke else 20)
    frames = a.frames or (5 if a.smoke else 200)
    warm_train, warm_gen = (1, 1) if a.smoke else (3, 10)
    cfg = load_config(preset)

    if dev.type == 'cuda':
        name = torch.cuda.get_device_name(dev)
        peak, peak_src = peak_bf16(name), 'datasheet dense bf16'
        if peak is None: peak, peak_src = matmul_peak(torch.bfloat16, n=8192)['wall'], 'measured 8192^3 bf16 matmul'
    else:
        name = f"CPU ({os.cpu_count()} CPUs, {threads} torch threads)"
        peak, peak_src = matmul_peak(torch.bfloat16, n=512 if a.smoke else 2048, seconds=0.3)['wall'], 'measured bf16 matmul'
    torch.manual_seed(0)
    model = get_model(cfg).to(dev)
    n_par = sum(p.numel() for p in model.parameters())
    fl = model_flops(model, cfg, bs=bs)            # forward + backward at batch bs; one frame at batch 1 (FlopCounterMode)
    tab = Table()
    mfu = lambda f, s: f"{f / s / peak:.1%}"
    tflops = lambda f, s: f"{f / s / 1e12:.3g}"

    # --- training, bf16, batch bs -----------------------------------------------------------------------------------
    try:
        r = train_throughput(preset, bs=bs, steps=steps, warmup=warm_train, device=str(dev), precision='bf16')
        tab.add(task='train', precision=r['precision'], mode='fastai Learner (transflower_train)', batch=bs,
                **{'ms/iter': f"{1e3 * r['s_per_it']:.1f}", 'throughput': f"{r['samples_per_s']:.0f} samples/s",
                   'TFLOP/s': tflops(fl['train'], r['s_per_it']), 'MFU': mfu(fl['train'], r['s_per_it']), 'status': 'ok'})
    except Exception as e: tab.add(task='train', precision='bf16', mode='fastai Learner (transflower_train)', batch=bs, status=short(e))
    for fused in ([True] if dev.type == 'cuda' else [False]):
        mode = f"plain loop, {'fused ' if fused else ''}Adam"
        if left() < 0: tab.add(task='train', precision='bf16', mode=mode, batch=bs, status='skipped: --budget'); continue
        try:
            s = train_plain(model, cfg, bs, steps, warm_train, dev, fused)
            tab.add(task='train', precision='bf16', mode=mode, batch=bs,
                    **{'ms/iter': f"{1e3 * s:.1f}", 'throughput': f"{bs / s:.0f} samples/s", 'TFLOP/s': tflops(fl['train'], s),
                       'MFU': mfu(fl['train'], s), 'status': 'ok'})
        except Exception as e: tab.add(task='train', precision='bf16', mode=mode, batch=bs, status=short(e))
    if dev.type == 'cuda': torch.cuda.empty_cache()

    # --- generation, batch 1 -------------------------------------------------------------------------------------------
    model.eval()
    variants = [('eager', gen_eager, ('fp32', 'bf16')), ('CUDA graph of the sampling step', gen_graph, ('fp32', 'bf16'))]
    if not a.no_compile: variants.append(("torch.compile(mode='reduce-overhead')", gen_compiled, ('bf16', 'fp32')))
    for mode, fn, precs in variants:
        for prec in precs:
            if fn is gen_graph and dev.type != 'cuda':
                tab.add(task='generate', precision=prec, mode=mode, batch=1, status='skipped: needs CUDA'); continue
            if left() < 0 and mode != 'eager':
                tab.add(task='generate', precision=prec, mode=mode, batch=1, status='skipped: --budget'); continue
            try:
                out = fn(model, cfg, frames, warm_gen, dev, prec)
                fps, extra = (out if isinstance(out, tuple) else (out, None))
                tab.add(task='generate', precision=prec, mode=mode, batch=1,
                        **{'ms/iter': f"{1e3 / fps:.2f}", 'throughput': f"{fps:.1f} frames/s", 'TFLOP/s': tflops(fl['frame'], 1 / fps),
                           'MFU': mfu(fl['frame'], 1 / fps), 'status': 'ok' + (f' (compiled in {extra:.0f} s)' if extra else '')})
            except Exception as e:
                if os.environ.get('GPU_BENCH_TRACEBACK'): traceback.print_exc()
                tab.add(task='generate', precision=prec, mode=mode, batch=1, status=short(e))
            finally:
                if dev.type == 'cuda': torch.cuda.empty_cache()
                try: torch._dynamo.reset()
                except Exception: pass

    print(f"\ntransflower GPU benchmark: {preset} ({n_par:,} parameters) on {name}; torch {torch.__version__}; "
          f"native bf16: {bf16_supported(dev)}")
    print(f"peak for MFU: {peak / 1e12:.4g} TFLOP/s ({peak_src}); FLOPs counted by torch.utils.flop_counter "
          f"(matmul/attention/conv): {fl['train'] / 1e9:.1f} GFLOP per training step at batch {bs} (forward + backward), "
          f"{fl['frame'] / 1e9:.2f} GFLOP per generated frame")
    print("bf16 = multimodal encoder under bf16 autocast, flow (incl. coupling transformers) in fp32; fp32 = true fp32 (TF32 off); "
          "ms/iter = per training step or per generated frame\n")
    tab.print()
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")
    return tab


if __name__ == '__main__':
    main()
