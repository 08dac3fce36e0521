#!/usr/bin/env python3
"""scikit-learn's KMeans on the benchmark's pixels, for `gmmlab-bench kmeans`.

Usage: sklearn_kmeans.py DATA K THREADS

DATA is a problem file (bench/problem.hpp); its mixture is ignored. KMeans runs as sklearn's
users run it for one start: k-means++ (its greedy variant, sklearn's default), n_init=1, Lloyd,
default tolerance and 300-iteration cap, random_state=0. Prints the seconds of fit() and the
inertia (sum of squared distances to the nearest centre) it reports.
"""
import os
import sys

data, k, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = threads

try:
    import time

    import numpy as np
    from sklearn.cluster import KMeans
except ImportError as e:
    print(f"unavailable {e}")
    sys.exit(0)

n, d = (int(v) for v in np.fromfile(data, dtype="<u8", count=2, offset=8))
x = np.ascontiguousarray(np.fromfile(data, dtype="<f8", count=n * d, offset=32).reshape(d, n).T)
start = time.perf_counter()
km = KMeans(n_clusters=k, n_init=1, random_state=0, algorithm="lloyd").fit(x)
print("seconds", f"{time.perf_counter() - start:.9g}")
print("inertia", f"{km.inertia_:.17g}")
