"""tabletop-mini: a small VLA in the shape of the field.

Two cameras through a conv encoder with FiLM from the instruction and heatmaps trained to find the instructed
object and its goal (their soft-argmax and the features under them), an order-aware language encoder, the
joint state, and an action-chunk head: `bins` (RT-2 / OpenVLA tokens over 256 bins) or `flow` (pi0 flow matching, split into an
encoder run once per chunk and a small denoiser run K times).
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


class FiLM(nn.Module):
    def __init__(self, lang_dim, channels):
        super().__init__()
        self.proj = nn.Linear(lang_dim, 2 * channels)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x, lang):
        gamma, beta = self.proj(lang).chunk(2, dim=-1)
        return x * (1 + gamma[:, :, None, None]) + beta[:, :, None, None]


class SpatialSoftmax(nn.Module):
    """Expected (x, y) of each channel's softmax: a keypoint per channel."""

    def forward(self, x):
        b, c, h, w = x.shape
        attn = F.softmax(x.reshape(b, c, h * w), dim=-1).reshape(b, c, h, w)
        ys = torch.linspace(-1, 1, h, device=x.device).view(1, 1, h, 1)
        xs = torch.linspace(-1, 1, w, device=x.device).view(1, 1, 1, w)
        return torch.cat([(attn * xs).sum(dim=(2, 3)), (attn * ys).sum(dim=(2, 3))], dim=-1)


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1), nn.GroupNorm(8, cout), nn.ReLU(inplace=True))


class ResidualBlock(nn.Module):
    """x + conv(relu(FiLM(norm(conv(x))))) with the second convolution dilated by 2 and zero at the start."""

    def __init__(self, channels, lang_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm = nn.GroupNorm(8, channels)
        self.film = FiLM(lang_dim, channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=2, dilation=2)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x, lang):
        return x + self.conv2(F.relu(self.film(self.norm(self.conv1(x)), lang)))


def soft_argmax(logits):
    """Expected (x, y) in [-1, 1] of each channel's spatial softmax, cell centres at ((i + 0.5) / n) * 2 - 1."""
    b, c, h, w = logits.shape
    attn = F.softmax(logits.reshape(b, c, h * w), dim=-1).reshape(b, c, h, w)
    ys = ((torch.arange(h, dtype=torch.float32, device=logits.device) + 0.5) / h * 2 - 1).view(1, 1, h, 1)
    xs = ((torch.arange(w, dtype=torch.float32, device=logits.device) + 0.5) / w * 2 - 1).view(1, 1, 1, w)
    return torch.stack([(attn * xs).sum(dim=(2, 3)), (attn * ys).sum(dim=(2, 3))], dim=-1), attn


class CameraEncoder(nn.Module):
    """Conv features at 1/4 resolution, FiLM-conditioned on the instruction, and two heatmaps on them: where
    the instructed object is and where it must go. Training supervises the heatmaps with the projected scene
    (dense labels on every frame); a convolution that finds "the red cube" in one layout finds it in any, which
    a global regression from pooled features does not. The policy reads each heatmap's soft-argmax (where) and
    the features under it (what is there: is it in the jaw, is the bowl occupied).

    `lean`: only those heatmap readouts leave the camera. Otherwise global keypoints and the mean of the
    features are added, which carry the whole layout and let a small dataset be memorised.

    `fine_heat`: the heatmaps at half the image's resolution instead of a quarter: the quarter-resolution map,
    upsampled, plus a correction read off the half-resolution features beside it. A stack stays up only within
    about 1.5 cm of its base's centre, and a quarter-resolution cell of the front camera is 2–4 cm of table. The
    correction starts at zero, so a resumed model starts where it was.

    `res_blocks`: that many residual blocks (FiLM inside, the second convolution dilated) after the third block,
    before the heatmaps: deeper features with a wider view (the three blocks see 17 pixels; each residual block
    adds 24). Their last convolution starts at zero, so a resumed model starts where it was."""

    POINTS = 2

    def __init__(self, lang_dim, out_dim=128, lean=False, fine_heat=False, res_blocks=0):
        super().__init__()
        self.lean, self.fine_heat = lean, fine_heat
        self.b1 = nn.Sequential(nn.Conv2d(3, 32, 5, stride=2, padding=2), nn.GroupNorm(8, 32), nn.ReLU(inplace=True))
        self.b2 = block(32, 64, 2)
        self.f2 = FiLM(lang_dim, 64)
        self.b3 = block(64, 64, 1)
        self.f3 = FiLM(lang_dim, 64)
        self.res = nn.ModuleList([ResidualBlock(64, lang_dim) for _ in range(res_blocks)])
        self.heat = nn.Conv2d(64, self.POINTS, 1)
        if fine_heat:
            self.refine = nn.Sequential(nn.Conv2d(32 + 64, 16, 1), nn.ReLU(inplace=True), nn.Conv2d(16, self.POINTS, 3, padding=1))
            nn.init.zeros_(self.refine[2].weight)
            nn.init.zeros_(self.refine[2].bias)
        readout = self.POINTS * (2 + 64)
        if not lean:
            self.b4 = block(64, 64, 2)
            self.f4 = FiLM(lang_dim, 64)
            self.keypoints = SpatialSoftmax()
            readout += 64 * 2 + 64
        self.out = nn.Linear(readout, out_dim)

    def forward(self, img, lang):
        """→ (features [B, out_dim], heatmap logits [B, POINTS, H/4, W/4], or H/2, W/2 with `fine_heat`)."""
        x1 = self.b1(img)
        x = self.f2(self.b2(x1), lang)
        x = self.f3(self.b3(x), lang)
        for r in self.res:
            x = r(x, lang)
        heat = self.heat(x)
        if self.fine_heat:
            up = F.interpolate(x, scale_factor=2.0, mode="nearest")
            heat = F.interpolate(heat, scale_factor=2.0, mode="bilinear", align_corners=False) + self.refine(torch.cat([x1, up], dim=1))
        where, attn = soft_argmax(heat)
        # The features under the heatmap: at their own (quarter) resolution, the attention summed over each cell.
        cell = F.avg_pool2d(attn, 2) * 4 if self.fine_heat else attn
        what = torch.einsum("bphw,bchw->bpc", cell, x)
        feats = [where.flatten(1), what.flatten(1)]
        if not self.lean:
            y = self.f4(self.b4(x), lang)
            feats += [self.keypoints(y), y.mean(dim=(2, 3))]
        return F.relu(self.out(torch.cat(feats, dim=-1))), heat


class LanguageEncoder(nn.Module):
    """Token embeddings with positions through one self-attention block: word order matters here ("the red cube
    in the blue bowl" vs "the blue cube in the red bowl" hold the same words), which a bag of words loses."""

    def __init__(self, vocab_size, dim=64, max_length=32, heads=4):
        super().__init__()
        self.heads = heads
        self.emb = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(max_length, dim) * 0.02)
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(inplace=True), nn.Linear(2 * dim, dim))
        self.out = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(inplace=True))

    def forward(self, ids, mask):
        b, n = ids.shape
        x = self.emb(ids) + self.pos[:n]
        d = x.shape[-1] // self.heads
        q, k, v = self.qkv(self.norm1(x)).view(b, n, 3, self.heads, d).permute(2, 0, 3, 1, 4)
        m = mask.to(torch.float32)
        att = q @ k.transpose(-1, -2) / math.sqrt(d) + (1.0 - m).view(b, 1, 1, n) * -1e4
        x = x + self.proj((F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(b, n, -1))
        x = x + self.mlp(self.norm2(x))
        pooled = (x * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        return self.out(torch.cat([pooled, x[:, 0]], dim=-1))  # mean of the words, and the [CLS] position


class ObservationEncoder(nn.Module):
    """(front, wrist, token ids, mask, state) → a context vector."""

    def __init__(self, vocab_size, dim=256, lang_dim=64, cameras=2, lean=False, fine_heat=False, res_blocks=0):
        super().__init__()
        self.lang = LanguageEncoder(vocab_size, lang_dim)
        self.cams = nn.ModuleList([CameraEncoder(lang_dim, lean=lean, fine_heat=fine_heat, res_blocks=res_blocks) for _ in range(cameras)])
        self.state = nn.Sequential(nn.Linear(6, 64), nn.ReLU(inplace=True))
        self.fuse = nn.Sequential(nn.Linear(128 * cameras + 64 + lang_dim, dim), nn.ReLU(inplace=True), nn.Linear(dim, dim), nn.ReLU(inplace=True))

    def forward(self, images, ids, mask, state, with_heat=False):
        lang = self.lang(ids, mask)
        out = [enc(img, lang) for enc, img in zip(self.cams, images)]
        ctx = self.fuse(torch.cat([f for f, _ in out] + [self.state(state), lang], dim=-1))
        return (ctx, [h for _, h in out]) if with_heat else ctx


class AuxHead(nn.Module):
    """Training only: predicts where the instructed object is and where it must go (table x, y) from the
    context. It teaches the encoder to ground "the red cube" in the image early; the exported graphs leave it out."""

    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, 128), nn.ReLU(inplace=True), nn.Linear(128, 4))

    def forward(self, ctx):
        return self.net(ctx)


class BinsPolicy(nn.Module):
    """Per action dimension and step: logits over `bins` bins of the normalised range [-1, 1]."""

    def __init__(self, vocab_size, chunk, dim=256, bins=256, act_dim=6, lean=False, fine_heat=False, res_blocks=0):
        super().__init__()
        self.chunk, self.act_dim, self.bins = chunk, act_dim, bins
        self.encoder = ObservationEncoder(vocab_size, dim, lean=lean, fine_heat=fine_heat, res_blocks=res_blocks)
        self.slots = nn.Linear(dim, chunk * act_dim * 32)
        self.pos = nn.Parameter(torch.zeros(chunk * act_dim, 32))
        self.logits = nn.Sequential(nn.ReLU(), nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, bins))
        self.aux = AuxHead(dim)

    def forward(self, image_front, image_wrist, input_ids, attention_mask, state, with_aux=False):
        """Logits; with `with_aux` (training) also the auxiliary prediction and the heatmaps."""
        ctx, heat = self.encoder([image_front, image_wrist], input_ids, attention_mask, state, with_heat=True)
        s = self.slots(ctx).view(-1, self.chunk * self.act_dim, 32) + self.pos
        logits = self.logits(s).view(-1, self.chunk, self.act_dim, self.bins)
        return (logits, self.aux(ctx), heat) if with_aux else logits


def masked_mean(per_sample, mask=None):
    """Mean of a per-sample loss over the samples where `mask` is 1 (all when None; 0 when none is)."""
    if mask is None:
        return per_sample.mean()
    return (per_sample * mask).sum() / mask.sum().clamp(min=1.0)


def time_embedding(t, dim=32):
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32, device=t.device) * (-math.log(1000.0) / half))
    a = t.view(-1, 1) * freqs.view(1, -1) * 1000.0
    return torch.cat([torch.sin(a), torch.cos(a)], dim=-1)


class FlowEncoder(nn.Module):
    def __init__(self, vocab_size, dim=256, lean=False, fine_heat=False, res_blocks=0):
        super().__init__()
        self.encoder = ObservationEncoder(vocab_size, dim, lean=lean, fine_heat=fine_heat, res_blocks=res_blocks)

    def forward(self, image_front, image_wrist, input_ids, attention_mask, state, with_heat=False):
        return self.encoder([image_front, image_wrist], input_ids, attention_mask, state, with_heat)


class FlowDenoiser(nn.Module):
    """v(x_t, t, context): the velocity of pi0's flow from noise (t = 1) to actions (t = 0)."""

    def __init__(self, chunk, dim=256, act_dim=6):
        super().__init__()
        self.chunk, self.act_dim = chunk, act_dim
        self.net = nn.Sequential(
            nn.Linear(chunk * act_dim + 32 + dim, 512), nn.SiLU(), nn.Linear(512, 512), nn.SiLU(), nn.Linear(512, chunk * act_dim)
        )

    def forward(self, x_t, t, context):
        h = torch.cat([x_t.reshape(x_t.shape[0], -1), time_embedding(t), context], dim=-1)
        return self.net(h).view(-1, self.chunk, self.act_dim)


class FlowPolicy(nn.Module):
    def __init__(self, vocab_size, chunk, dim=256, lean=False, fine_heat=False, res_blocks=0):
        super().__init__()
        self.enc = FlowEncoder(vocab_size, dim, lean, fine_heat, res_blocks)
        self.den = FlowDenoiser(chunk, dim)
        self.aux = AuxHead(dim)

    def forward(self, batch, actions_n, teacher=None, taught=None):
        """The training loss, the auxiliary prediction and the heatmaps (forward, so DDP all-reduces their gradients);
        with a `teacher` (a frozen FlowPolicy) also the distance from its velocity at the same points of the paths,
        over the samples where `taught` [B] is 1 (all when None)."""
        ctx, heat = self.enc(*batch, with_heat=True)
        loss, distill = self.loss(batch, actions_n, ctx, teacher, taught)
        return loss, self.aux(ctx), heat, distill

    def loss(self, batch, actions_n, ctx=None, teacher=None, taught=None):
        ctx = self.enc(*batch) if ctx is None else ctx
        b = actions_n.shape[0]
        # pi0 samples t ~ Beta(1.5, 1): more weight near t = 1 (noisy), where the flow is hardest.
        t = torch.distributions.Beta(1.5, 1.0).sample((b,)).to(actions_n.device) * 0.999 + 0.001
        noise = torch.randn_like(actions_n)
        x_t = t.view(-1, 1, 1) * noise + (1 - t.view(-1, 1, 1)) * actions_n
        v = self.den(x_t, t, ctx)
        distill = None
        if teacher is not None:
            with torch.no_grad():
                v_teacher = teacher.den(x_t, t, teacher.enc(*batch))
            distill = masked_mean(((v - v_teacher) ** 2).mean(dim=(1, 2)), taught)
        return F.mse_loss(v, noise - actions_n), distill

    @torch.no_grad()
    def sample(self, batch, steps=10, noise=None):
        ctx = self.enc(*batch)
        b = ctx.shape[0]
        x = noise if noise is not None else torch.randn(b, self.den.chunk, self.den.act_dim)
        dt = -1.0 / steps
        t = 1.0
        for _ in range(steps):
            x = x + dt * self.den(x, torch.full((b,), t), ctx)
            t += dt
        return x
