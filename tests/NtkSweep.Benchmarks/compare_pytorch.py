#!/usr/bin/python3
"""Side-by-side speed: the FMA peak, NtkSweep's kernel step and training loop, PyTorch and numpy (one thread each).

Needs Debian's python3-torch, python3-numpy and libopenblas0-pthread (without it Debian links the reference BLAS,
about 8 GFLOP/s) and the .NET SDK; run with /usr/bin/python3. Installs nothing.
Every implementation runs the same full-batch gradient step of the two-layer ReLU net (forward, output gradient,
backward, update) with explicit gradients and buffers kept between steps. GFLOP/s counts 4*n*d*m flops per step.

    /usr/bin/python3 tests/NtkSweep.Benchmarks/compare_pytorch.py [--widths 64,256,1024,4096] [--seconds 2] [--steps 1000] [--path vector256] [--as-avx2]

--as-avx2 measures an AVX-512 machine as if it had only AVX2: .NET runs with DOTNET_EnableAVX512=0 (its JIT then
emits the VEX-encoded code an AVX2 CPU runs, with 16 vector registers instead of 32, and the best path is vector256)
and OpenBLAS with OPENBLAS_CORETYPE=Haswell (its AVX2 kernels).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

# One thread everywhere: the comparison is per core, and OpenBLAS would otherwise start its own thread pool.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

def openblas_core():
    """The kernel family OpenBLAS picked (e.g. Haswell, SkylakeX), or why it is unknown."""
    import ctypes
    import ctypes.util
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas") or "", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return "not OpenBLAS (reference BLAS?)"

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"

def best_rate(step, seconds):
    """Steps per second of the fastest batch within the time budget (as the .NET side measures)."""
    step()
    batch, start = 1, time.perf_counter()
    while time.perf_counter() - start < 0.2:
        for _ in range(batch):
            step()
        batch *= 2
    batch = max(1, int(batch / 2 / ((time.perf_counter() - start) / 0.2) / 4))
    best, start = 0.0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        for _ in range(batch):
            step()
        best = max(best, batch / (time.perf_counter() - t0))
    return best

def torch_step_factory(n, d, m):
    import torch
    torch.manual_seed(0)
    x = torch.rand(n, d) * 2 - 1
    y = torch.rand(n)
    w = (torch.rand(d, m) - 0.5) / d ** 0.5
    a = torch.rand(m) - 0.5
    scale = 1.0 / m ** 0.5
    h = torch.empty(n, m)
    s = torch.empty(n, m)
    f = torch.empty(n)
    g = torch.empty(n)
    grad_a = torch.empty(m)
    grad_w = torch.empty(d, m)
    p = torch.empty(n, m)

    def step():
        torch.matmul(x, w, out=h)
        torch.clamp(h, min=0, out=s)
        torch.mv(s, a, out=f)
        torch.sub(f * scale, y, out=g)
        g.mul_(1.0 / n)
        torch.mv(s.t(), g, out=grad_a)
        grad_a.mul_(scale)
        torch.mul(h > 0, g.unsqueeze(1), out=p)
        p.mul_(a * scale)
        torch.matmul(x.t(), p, out=grad_w)
        a.sub_(grad_a, alpha=1e-3)
        w.sub_(grad_w, alpha=1e-3)
    return step

def numpy_step_factory(n, d, m):
    import numpy as np
    rng = np.random.default_rng(0)
    x = (rng.random((n, d), dtype=np.float32) * 2 - 1)
    y = rng.random(n, dtype=np.float32)
    w = ((rng.random((d, m), dtype=np.float32) - 0.5) / np.float32(d ** 0.5)).astype(np.float32)
    a = (rng.random(m, dtype=np.float32) - 0.5).astype(np.float32)
    scale = np.float32(1.0 / m ** 0.5)
    h = np.empty((n, m), np.float32)
    s = np.empty((n, m), np.float32)
    p = np.empty((n, m), np.float32)
    grad_w = np.empty((d, m), np.float32)

    def step():
        np.matmul(x, w, out=h)
        np.maximum(h, 0, out=s)
        g = (s @ a * scale - y) * np.float32(1.0 / n)
        grad_a = (s.T @ g) * scale
        np.multiply(h > 0, g[:, None], out=p)
        np.multiply(p, a * scale, out=p)
        np.matmul(x.T, p, out=grad_w)
        np.subtract(a, np.float32(1e-3) * grad_a, out=a)
        np.subtract(w, np.float32(1e-3) * grad_w, out=w)
    return step

def ntksweep_rates(root, n, d, widths, seconds, steps, path=None, env=None):
    """The `speed` benchmark's rows: FMA peak, kernel-only step and training loop of a real run, per width."""
    dll = os.path.join(root, "tests/NtkSweep.Benchmarks/bin/Release/net10.0/NtkSweep.Benchmarks.dll")
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(root, "tests/NtkSweep.Benchmarks")],
                   check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["dotnet", dll, "speed", "--json", "--samples", str(n), "--input-dim", str(d),
                          "--widths", ",".join(map(str, widths)), "--seconds", str(seconds), "--steps", str(steps)]
                         + (["--paths", path] if path else []),
                         check=True, capture_output=True, text=True, env=env)
    machine = [l for l in out.stdout.splitlines() if l.startswith("# machine")]
    rows = [json.loads(l) for l in out.stderr.splitlines() if l.startswith("{")]
    return {r["width"]: r for r in rows}, (machine[0][2:] if machine else ""), out.stdout

def instruction_set():
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        return "unknown"
    return "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "SSE only"

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--input-dim", type=int, default=32)
    parser.add_argument("--widths", default="64,256,1024,4096")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--steps", type=int, default=1000, help="steps of each real run whose training loop is timed")
    parser.add_argument("--path", default=None, help="NtkSweep kernel path (default: the best this CPU accelerates); "
                        "vector256 with OPENBLAS_CORETYPE=Haswell compares the AVX2 code of both on an AVX-512 machine")
    parser.add_argument("--as-avx2", action="store_true", help="measure this AVX-512 machine as an AVX2-only one")
    args = parser.parse_args()
    n, d = args.samples, args.input_dim
    dotnet_env = dict(os.environ)
    if args.as_avx2:
        # Before torch is imported: OpenBLAS reads its core type when it loads.
        os.environ["OPENBLAS_CORETYPE"] = "Haswell"
        dotnet_env["DOTNET_EnableAVX512"] = "0"
        args.path = args.path or "vector256"
    widths = [int(w) for w in args.widths.split(",")]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

    import torch
    import numpy
    torch.set_num_threads(1)
    ntk, machine, speed_table = ntksweep_rates(root, n, d, widths, args.seconds, args.steps, args.path, dotnet_env)
    try:
        import numpy.__config__ as cfg
        blas = ",".join(getattr(cfg, "blas_opt_info", {}).get("libraries", [])) or "unknown"
    except Exception:
        blas = "unknown"

    isa = instruction_set() + (" measured as AVX2 (DOTNET_EnableAVX512=0, OPENBLAS_CORETYPE=Haswell)" if args.as_avx2 else "")
    print(f"CPU: {cpu_model()}, instruction set {isa}; {machine}")
    print(f"PyTorch {torch.__version__} (threads {torch.get_num_threads()}), numpy {numpy.__version__} (BLAS {blas}), "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, OpenBLAS core used: {openblas_core()}")
    print(f"n = {n}, d = {d}, one thread each, GFLOP/s = 4*n*d*m / step time; training loop = `train`'s stepsPerSecond "
          f"of a {args.steps}-step run with every metric on; PyTorch and numpy = their bare GD loop")
    print()
    print("| width | FMA peak | kernel step | of peak | training loop | of peak | PyTorch | numpy | loop / PyTorch | setup + end-of-run metrics s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m in widths:
        flops = 4.0 * n * d * m
        torch_gf = best_rate(torch_step_factory(n, d, m), args.seconds) * flops / 1e9
        numpy_gf = best_rate(numpy_step_factory(n, d, m), args.seconds) * flops / 1e9
        row = ntk[m]
        peak = row["fmaPeakGflops"]
        print(f"| {m} | {peak:.1f} | {row['kernelGflops']:.1f} | {row['kernelGflops'] / peak:.0%} | {row['loopGflops']:.1f} | "
              f"{row['loopGflops'] / peak:.0%} | {torch_gf:.1f} | {numpy_gf:.1f} | {row['loopGflops'] / torch_gf:.2f} | "
              f"{row['metricSeconds']:.3f} |")
        sys.stdout.flush()
    print()
    print("The .NET side's own table:")
    print(speed_table)

if __name__ == "__main__":
    main()
