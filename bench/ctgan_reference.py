#!/usr/bin/python3
"""A Python CTGAN, for timing synthtab's `ctgan` against "the Python CTGAN on the same machine".

Written from the paper (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN") and the
structure of its published Python implementation (the `ctgan` package), which is not packaged
by Debian; this file needs only Debian's python3-torch, python3-sklearn, python3-numpy and
python3-pandas (`scripts/install-deps.sh --bench`). It keeps what decides the Python package's
speed:
  * the data transformer: scikit-learn's BayesianGaussianMixture per continuous column
    (10 modes, dirichlet_process, weight_concentration_prior 0.001), modes kept above weight
    0.005, a mode drawn per value with numpy, alpha = (x - mu) / (4 sigma) clipped to 0.99;
    categories one-hot;
  * the data sampler: conditional vectors drawn with numpy (a discrete column uniformly, a
    category by log-frequency), and the matching real rows picked ONE ROW AT A TIME with
    np.random.choice over that category's row ids, as the package does;
  * the networks: residual generator (256, 256) with BatchNorm + ReLU, PacGAN critic (pac 10,
    256-256, LeakyReLU 0.2, dropout 0.5), Adam(2e-4, betas (0.5, 0.9), weight decay 1e-6);
  * the training step: one critic update (WGAN loss + gradient penalty 10, the generator's graph
    built during it as in the package), one generator update (-critic score + the conditional
    cross-entropy); span-by-span Gumbel-softmax (tau 0.2) and tanh activations;
  * sampling with the "original" conditional vector (the package's sample_original_condvec).

Usage:
  bench/ctgan_reference.py TABLE.csv --epochs 5 [--threads 2] [--batch-size 500]
                           [--sample N --out SYNTH.csv] [--seed 0]
Numeric columns are continuous; text columns (and numeric columns with <= 10 distinct values
when --discrete-up-to is given) are discrete. Prints one JSON line with seconds per epoch.
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture
from torch import nn


# ---- data transformer ------------------------------------------------------------------------
class Transformer:
    def __init__(self, max_modes=10, weight_threshold=0.005):
        self.max_modes = max_modes
        self.weight_threshold = weight_threshold

    def fit(self, frame, discrete):
        self.columns = []
        for name in frame.columns:
            values = frame[name].to_numpy()
            if name in discrete:
                categories = sorted(pd.unique(values).tolist(), key=str)
                self.columns.append({"name": name, "discrete": True, "categories": categories,
                                     "width": len(categories)})
            else:
                gmm = BayesianGaussianMixture(
                    n_components=self.max_modes, weight_concentration_prior_type="dirichlet_process",
                    weight_concentration_prior=0.001, n_init=1)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    gmm.fit(values.reshape(-1, 1).astype(float))
                valid = gmm.weights_ > self.weight_threshold
                self.columns.append({"name": name, "discrete": False, "gmm": gmm, "valid": valid,
                                     "width": 1 + int(valid.sum())})
        self.output_info = []  # list of spans per column: (width, "tanh" | "softmax")
        for c in self.columns:
            if c["discrete"]:
                self.output_info.append([(c["width"], "softmax")])
            else:
                self.output_info.append([(1, "tanh"), (c["width"] - 1, "softmax")])
        self.dim = sum(c["width"] for c in self.columns)

    def transform(self, frame):
        parts = []
        for c in self.columns:
            values = frame[c["name"]].to_numpy()
            if c["discrete"]:
                index = {v: i for i, v in enumerate(c["categories"])}
                onehot = np.zeros((len(values), c["width"]), dtype="float32")
                onehot[np.arange(len(values)), [index[v] for v in values]] = 1
                parts.append(onehot)
                continue
            gmm, valid = c["gmm"], c["valid"]
            x = values.reshape(-1, 1).astype(float)
            means = gmm.means_.reshape(-1)[valid]
            stds = np.sqrt(gmm.covariances_.reshape(-1))[valid]
            probs = gmm.predict_proba(x)[:, valid] + 1e-6
            probs = probs / probs.sum(axis=1, keepdims=True)
            n_modes = int(valid.sum())
            # One numpy draw per value, as the package's transformer did.
            chosen = np.array([np.random.choice(n_modes, p=p) for p in probs])
            alpha = np.clip((x[:, 0] - means[chosen]) / (4 * stds[chosen]), -0.99, 0.99)
            onehot = np.zeros((len(values), n_modes), dtype="float32")
            onehot[np.arange(len(values)), chosen] = 1
            parts.append(np.concatenate([alpha.reshape(-1, 1).astype("float32"), onehot], axis=1))
        return np.concatenate(parts, axis=1)

    def inverse(self, data):
        out = {}
        st = 0
        for c in self.columns:
            block = data[:, st:st + c["width"]]
            st += c["width"]
            if c["discrete"]:
                out[c["name"]] = [c["categories"][i] for i in block.argmax(axis=1)]
                continue
            valid = c["valid"]
            means = c["gmm"].means_.reshape(-1)[valid]
            stds = np.sqrt(c["gmm"].covariances_.reshape(-1))[valid]
            k = block[:, 1:].argmax(axis=1)
            out[c["name"]] = np.clip(block[:, 0], -1, 1) * 4 * stds[k] + means[k]
        return pd.DataFrame(out)


# ---- data sampler ----------------------------------------------------------------------------
class Sampler:
    def __init__(self, data, output_info):
        self.data = data
        self.rows_by_category = []  # per discrete column, per category: row ids
        self.discrete_spans = []    # (start in data, width)
        st = 0
        for spans in output_info:
            if len(spans) == 1 and spans[0][1] == "softmax":
                width = spans[0][0]
                self.discrete_spans.append((st, width))
                self.rows_by_category.append(
                    [np.nonzero(data[:, st + j])[0] for j in range(width)])
            st += sum(w for w, _ in spans)
        self.n_discrete = len(self.discrete_spans)
        self.cond_width = sum(w for _, w in self.discrete_spans)
        widest = max([w for _, w in self.discrete_spans], default=0)
        self.category_prob = np.zeros((self.n_discrete, widest))
        self.cond_start = np.zeros(self.n_discrete, dtype=int)
        offset = 0
        for i, (st, width) in enumerate(self.discrete_spans):
            freq = np.log(np.sum(data[:, st:st + width], axis=0) + 1)
            self.category_prob[i, :width] = freq / freq.sum()
            self.cond_start[i] = offset
            offset += width

    def sample_condvec(self, batch):
        if self.n_discrete == 0:
            return None
        column = np.random.choice(np.arange(self.n_discrete), batch)
        cond = np.zeros((batch, self.cond_width), dtype="float32")
        mask = np.zeros((batch, self.n_discrete), dtype="float32")
        mask[np.arange(batch), column] = 1
        probs = self.category_prob[column]
        r = np.expand_dims(np.random.rand(probs.shape[0]), axis=1)
        category = (probs.cumsum(axis=1) > r).argmax(axis=1)
        cond[np.arange(batch), self.cond_start[column] + category] = 1
        return cond, mask, column, category

    def sample_original_condvec(self, batch):
        if self.n_discrete == 0:
            return None
        freq = self.category_prob.flatten()
        freq = freq[freq != 0]
        freq = freq / freq.sum()
        picks = np.random.choice(np.arange(len(freq)), batch, p=freq)
        cond = np.zeros((batch, self.cond_width), dtype="float32")
        cond[np.arange(batch), picks] = 1
        return cond

    def sample_data(self, n, column, category):
        if column is None:
            return self.data[np.random.randint(len(self.data), size=n)]
        rows = []
        for c, o in zip(column, category):  # one row at a time, as the package does
            rows.append(np.random.choice(self.rows_by_category[c][o]))
        return self.data[rows]


# ---- networks --------------------------------------------------------------------------------
class Residual(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.fc = nn.Linear(i, o)
        self.bn = nn.BatchNorm1d(o)
        self.relu = nn.ReLU()

    def forward(self, x):
        return torch.cat([self.relu(self.bn(self.fc(x))), x], dim=1)


class Generator(nn.Module):
    def __init__(self, in_dim, dims, data_dim):
        super().__init__()
        layers, d = [], in_dim
        for width in dims:
            layers.append(Residual(d, width))
            d += width
        layers.append(nn.Linear(d, data_dim))
        self.seq = nn.Sequential(*layers)

    def forward(self, x):
        return self.seq(x)


class Discriminator(nn.Module):
    def __init__(self, in_dim, dims, pac=10):
        super().__init__()
        self.pac = pac
        self.pacdim = in_dim * pac
        layers, d = [], self.pacdim
        for width in dims:
            layers += [nn.Linear(d, width), nn.LeakyReLU(0.2), nn.Dropout(0.5)]
            d = width
        layers.append(nn.Linear(d, 1))
        self.seq = nn.Sequential(*layers)

    def forward(self, x):
        return self.seq(x.view(-1, self.pacdim))

    def gradient_penalty(self, real, fake, pac=10, lambda_=10):
        alpha = torch.rand(real.size(0) // pac, 1, 1)
        alpha = alpha.repeat(1, pac, real.size(1)).view(-1, real.size(1))
        mixed = alpha * real + (1 - alpha) * fake
        mixed.requires_grad_(True)
        scores = self(mixed)
        grads = torch.autograd.grad(outputs=scores, inputs=mixed,
                                    grad_outputs=torch.ones(scores.size()),
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
        norms = grads.view(-1, pac * real.size(1)).norm(2, dim=1) - 1
        return (norms ** 2).mean() * lambda_


def apply_activate(data, output_info):
    out, st = [], 0
    for spans in output_info:
        for width, kind in spans:
            ed = st + width
            if kind == "tanh":
                out.append(torch.tanh(data[:, st:ed]))
            else:
                out.append(nn.functional.gumbel_softmax(data[:, st:ed], tau=0.2))
            st = ed
    return torch.cat(out, dim=1)


def cond_loss(data, c, m, output_info):
    losses, st, st_c = [], 0, 0
    for spans in output_info:
        if len(spans) != 1 or spans[0][1] != "softmax":
            st += sum(w for w, _ in spans)
            continue
        width = spans[0][0]
        ed, ed_c = st + width, st_c + width
        losses.append(nn.functional.cross_entropy(
            data[:, st:ed], torch.argmax(c[:, st_c:ed_c], dim=1), reduction="none"))
        st, st_c = ed, ed_c
    loss = torch.stack(losses, dim=1)
    return (loss * m).sum() / data.size()[0]


# ---- training --------------------------------------------------------------------------------
def fit(train, transformer, epochs, batch_size, embedding=128, pac=10):
    sampler = Sampler(train, transformer.output_info)
    info = transformer.output_info
    dim = transformer.dim
    G = Generator(embedding + sampler.cond_width, (256, 256), dim)
    D = Discriminator(dim + sampler.cond_width, (256, 256), pac)
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.9), weight_decay=1e-6)
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.9), weight_decay=1e-6)
    mean = torch.zeros(batch_size, embedding)
    std = mean + 1
    steps = max(len(train) // batch_size, 1)
    epoch_seconds = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        for _ in range(steps):
            # critic step
            fakez = torch.normal(mean=mean, std=std)
            condvec = sampler.sample_condvec(batch_size)
            if condvec is None:
                c1 = None
                real = sampler.sample_data(batch_size, None, None)
            else:
                c1, m1, col, opt = condvec
                c1 = torch.from_numpy(c1)
                fakez = torch.cat([fakez, c1], dim=1)
                perm = np.arange(batch_size)
                np.random.shuffle(perm)
                real = sampler.sample_data(batch_size, col[perm], opt[perm])
                c2 = c1[perm]
            fake = G(fakez)
            fakeact = apply_activate(fake, info)
            real = torch.from_numpy(real.astype("float32"))
            if c1 is not None:
                fake_cat = torch.cat([fakeact, c1], dim=1)
                real_cat = torch.cat([real, c2], dim=1)
            else:
                fake_cat, real_cat = fakeact, real
            y_fake = D(fake_cat)
            y_real = D(real_cat)
            pen = D.gradient_penalty(real_cat, fake_cat, pac)
            loss_d = -(torch.mean(y_real) - torch.mean(y_fake))
            opt_d.zero_grad(set_to_none=False)
            pen.backward(retain_graph=True)
            loss_d.backward()
            opt_d.step()
            # generator step
            fakez = torch.normal(mean=mean, std=std)
            condvec = sampler.sample_condvec(batch_size)
            if condvec is None:
                c1 = m1 = None
            else:
                c1, m1, col, opt = condvec
                c1 = torch.from_numpy(c1)
                m1 = torch.from_numpy(m1)
                fakez = torch.cat([fakez, c1], dim=1)
            fake = G(fakez)
            fakeact = apply_activate(fake, info)
            y_fake = D(torch.cat([fakeact, c1], dim=1)) if c1 is not None else D(fakeact)
            ce = 0 if condvec is None else cond_loss(fake, c1, m1, info)
            loss_g = -torch.mean(y_fake) + ce
            opt_g.zero_grad(set_to_none=False)
            loss_g.backward()
            opt_g.step()
        epoch_seconds.append(time.perf_counter() - t0)
    return G, sampler, epoch_seconds


def sample(G, sampler, transformer, n, batch_size, embedding=128):
    G.eval()
    out = []
    with torch.no_grad():
        for _ in range(n // batch_size + 1):
            z = torch.normal(torch.zeros(batch_size, embedding), torch.ones(batch_size, embedding))
            cond = sampler.sample_original_condvec(batch_size)
            if cond is not None:
                z = torch.cat([z, torch.from_numpy(cond)], dim=1)
            out.append(apply_activate(G(z), transformer.output_info).numpy())
    return transformer.inverse(np.concatenate(out)[:n])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("table")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample", type=int, default=0)
    p.add_argument("--out")
    p.add_argument("--discrete-up-to", type=int, default=0,
                   help="numeric columns with at most this many distinct values are discrete")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    frame = pd.read_csv(args.table)
    frame = frame.dropna()
    discrete = [c for c in frame.columns
                if frame[c].dtype == object or frame[c].nunique() <= args.discrete_up_to]
    t0 = time.perf_counter()
    transformer = Transformer()
    transformer.fit(frame, discrete)
    train = transformer.transform(frame)
    transform_seconds = time.perf_counter() - t0
    G, sampler, epoch_seconds = fit(train, transformer, args.epochs, args.batch_size)
    result = {"rows": len(frame), "data_width": transformer.dim,
              "condition_width": sampler.cond_width, "threads": args.threads,
              "transform_seconds": transform_seconds, "epochs": args.epochs,
              "seconds_per_epoch": float(np.mean(epoch_seconds)),
              "seconds_per_epoch_median": float(np.median(epoch_seconds))}
    if args.sample and args.out:
        sample(G, sampler, transformer, args.sample, args.batch_size).to_csv(args.out, index=False)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
