"""PyTorch glue: an IterableDataset over `Client.batches` and VideoMAE's input layout.

Importing this module needs torch (`pip install synthclips[torch]`); the rest of the package does not.
"""
from __future__ import annotations

try:
    import torch as _torch
    from torch.utils.data import IterableDataset as _IterableDataset
except ImportError as e:  # pragma: no cover - exercised only where torch is missing
    raise ImportError("synthclips.torch needs PyTorch: install it (pip install torch, or "
                      "pip install 'synthclips[torch]'); the rest of synthclips works without it") from e

import warnings
from typing import Any, Dict, Iterator, Optional

import numpy as np

from .client import Batch, Client

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class SynthClipsDataset(_IterableDataset):
    """Endless batches of one rank for a DataLoader with `batch_size=None` (every item already is
    a batch). Each DataLoader worker opens its own connection and takes the rank's steps
    start+i, start+i+n, …; the DataLoader interleaves them back, so the order is the same for any
    number of workers. Resume with `start_step`."""

    def __init__(self, url: str, stage: str, batch_size: int, start_step: int = 0, rank: int = 0,
                 world_size: int = 1, start_seed: int = 0, client_kwargs: Optional[Dict[str, Any]] = None,
                 transform=None, **overrides: Any):
        super().__init__()
        self.url, self.stage, self.batch_size = url, stage, batch_size
        self.start_step, self.rank, self.world_size, self.start_seed = start_step, rank, world_size, start_seed
        self.client_kwargs = dict(client_kwargs or {})
        self.transform = transform
        self.overrides = overrides

    def __iter__(self) -> Iterator[Any]:
        client = Client(self.url, **self.client_kwargs)   # one per worker process, made after fork
        try:
            for b in client.batches(self.stage, self.batch_size, start_step=self.start_step, rank=self.rank,
                                    world_size=self.world_size, start_seed=self.start_seed, **self.overrides):
                yield self.transform(b) if self.transform else b
        finally:
            client.close()


def to_videomae(batch: Batch | np.ndarray, device: Any = None, dtype: Any = None) -> "_torch.Tensor":
    """uint8 [B,T,H,W,3] → float [B,C,T,H,W], scaled to [0,1] and normalised with ImageNet mean/std."""
    video = batch.video if isinstance(batch, Batch) else batch
    with warnings.catch_warnings():
        # The arrays are read-only views over the decompressed body; nothing here writes to them
        # (the permute/convert below makes a new tensor).
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        x = _torch.as_tensor(np.asarray(video), device=device)
    dtype = dtype or _torch.float32
    x = x.permute(0, 4, 1, 2, 3).to(dtype).div_(255.0)
    mean = _torch.tensor(IMAGENET_MEAN, dtype=dtype, device=x.device).view(1, 3, 1, 1, 1)
    std = _torch.tensor(IMAGENET_STD, dtype=dtype, device=x.device).view(1, 3, 1, 1, 1)
    return x.sub_(mean).div_(std).contiguous()
