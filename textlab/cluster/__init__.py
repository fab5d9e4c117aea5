"""Counting on a Dask cluster: the input cut into partitions, each counted on a
worker with the local code, the partial results merged in a tree.

- :mod:`.partitions`: where the input is cut, and reading a part of it;
- :mod:`.jobs`: what a worker computes for a partition, and how results add up;
- :mod:`.scheduler`: the Dask side (the only module that imports ``distributed``).

Nothing here is imported unless a command is given ``--scheduler``.
"""
