"""SynthClips client: deterministic synthetic video batches over HTTP/2, decoded into numpy.

    from synthclips import Client
    with Client("http://127.0.0.1:8080", run="my-run") as c:
        for batch in c.batches("accelerating-shapes", batch_size=16, start_step=0, rank=0, world_size=1):
            batch.video  # uint8 [B,T,H,W,3]

torch is optional: `synthclips.torch` wraps this as an IterableDataset when it is installed.
"""
from .client import Batch, Client, batch_index, current_worker, worker_steps
from .errors import SynthClipsError, SynthClipsProtocolError, SynthClipsUnavailable

__all__ = ["Batch", "Client", "SynthClipsError", "SynthClipsProtocolError", "SynthClipsUnavailable",
           "batch_index", "current_worker", "worker_steps"]
__version__ = "0.1.0"
