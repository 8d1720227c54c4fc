"""A short VideoMAE-style pretraining loop over SynthClips batches.

    pip install 'clients/python[torch]'
    synthclips serve --port 8080 &
    python examples/pretrain_videomae.py --url http://127.0.0.1:8080 --steps 20

Each step: pull a batch (uint8 [B,T,H,W,3]) through a DataLoader, normalise it into VideoMAE's
layout ([B,C,T,H,W]), cut it into 2×16×16 tubelets, mask 90% of them, and train a tiny
transformer to reconstruct the masked tubelets' pixels. Resume by passing --start-step.
"""
from __future__ import annotations

import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader

from synthclips.torch import SynthClipsDataset, to_videomae

TUBELET, PATCH = 2, 16


def patchify(x: torch.Tensor) -> torch.Tensor:
    """[B,C,T,H,W] → [B, N, C·TUBELET·PATCH·PATCH] tubelet tokens."""
    B, C, T, H, W = x.shape
    x = x.reshape(B, C, T // TUBELET, TUBELET, H // PATCH, PATCH, W // PATCH, PATCH)
    return x.permute(0, 2, 4, 6, 1, 3, 5, 7).reshape(B, -1, C * TUBELET * PATCH * PATCH)


class TinyMAE(nn.Module):
    def __init__(self, tokens: int, dim: int = 128, patch_dim: int = 3 * TUBELET * PATCH * PATCH):
        super().__init__()
        self.embed = nn.Linear(patch_dim, dim)
        self.pos = nn.Parameter(torch.zeros(1, tokens, dim))
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, 4, 4 * dim, batch_first=True), 2)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.decoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, 4, 4 * dim, batch_first=True), 1)
        self.head = nn.Linear(dim, patch_dim)

    def forward(self, patches: torch.Tensor, mask_ratio: float = 0.9) -> torch.Tensor:
        B, N, _ = patches.shape
        keep = max(1, int(N * (1 - mask_ratio)))
        order = torch.rand(B, N, device=patches.device).argsort(dim=1)
        visible, masked = order[:, :keep], order[:, keep:]
        tokens = self.embed(patches) + self.pos
        enc = self.encoder(torch.gather(tokens, 1, visible[..., None].expand(-1, -1, tokens.shape[-1])))
        full = self.mask_token.expand(B, N, -1).clone()
        full.scatter_(1, visible[..., None].expand(-1, -1, enc.shape[-1]), enc)
        pred = self.head(self.decoder(full + self.pos))
        idx = masked[..., None].expand(-1, -1, patches.shape[-1])
        return ((torch.gather(pred, 1, idx) - torch.gather(patches, 1, idx)) ** 2).mean()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--stage", default="accelerating-shapes")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--resolution", type=int, default=64)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--start-step", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"

    dataset = SynthClipsDataset(a.url, a.stage, a.batch_size, start_step=a.start_step,
                                client_kwargs={"run": "pretrain-videomae-example", "prefetch": 4},
                                resolution=a.resolution)
    loader = DataLoader(dataset, batch_size=None, num_workers=a.workers)   # items already are batches
    tokens = (16 // TUBELET) * (a.resolution // PATCH) ** 2
    model = TinyMAE(tokens).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step, batch in zip(range(a.start_step, a.start_step + a.steps), loader):
        assert batch.step == step                 # the DataLoader restores the global order
        loss = model(patchify(to_videomae(batch, device=device)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step:4d}  batch {batch.index}  seeds {int(batch.seeds[0])}…{int(batch.seeds[-1])}  "
              f"loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
