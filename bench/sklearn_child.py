#!/usr/bin/env python3
"""scikit-learn's GaussianMixture as a gmmlab-bench child (same protocol as bench/child.hpp).

Usage: sklearn_child.py DATA ITERATIONS REPEATS THREADS

Runs exactly the loop GaussianMixture.fit runs per iteration (_e_step then _m_step) from the
benchmark's initial mixture, with reg_covar=0 so that it computes the same formulas as the
others (sklearn's default ridge of 1e-6 would change the result). Calling the loop directly
rather than fit() keeps sklearn's own k-means initialisation and input validation out of the
timing: those are not EM iterations.
"""
import os
import sys

data, iterations, repeats, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
# Before numpy loads its BLAS, which reads these once.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = threads

try:
    import time

    import numpy as np
    from sklearn.mixture import GaussianMixture
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
except ImportError as e:
    print(f"unavailable {e}")
    sys.exit(0)

n, d, k = (int(v) for v in np.fromfile(data, dtype="<u8", count=3, offset=8))
offset = 32
x = np.fromfile(data, dtype="<f8", count=n * d, offset=offset).reshape(d, n).T  # N x d, no copy
offset += 8 * n * d
means = np.fromfile(data, dtype="<f8", count=k * d, offset=offset).reshape(k, d)
offset += 8 * k * d
# Each d x d covariance is column-major in the file; they are symmetric, so either order reads.
covs = np.fromfile(data, dtype="<f8", count=k * d * d, offset=offset).reshape(k, d, d)
offset += 8 * k * d * d
priors = np.fromfile(data, dtype="<f8", count=k, offset=offset)

gm = GaussianMixture(n_components=k, covariance_type="full", reg_covar=0.0)
seconds = []
for _ in range(repeats):
    gm.weights_, gm.means_, gm.covariances_ = priors.copy(), means.copy(), covs.copy()
    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, "full")
    start = time.perf_counter()
    for _ in range(iterations):
        _, log_resp = gm._e_step(x)
        gm._m_step(x, log_resp)
    seconds.append(time.perf_counter() - start)

peak = -1
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
print("seconds", *(f"{s:.9g}" for s in seconds))
print("peak_kib", peak)
values = list(gm.means_.ravel()) + list(np.transpose(gm.covariances_, (0, 2, 1)).ravel()) + list(gm.weights_)
print("mixture", *(f"{v:.17g}" for v in values))
