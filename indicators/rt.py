"""Effective reproduction number Rt by the method of Cori et al. (2013), as the R package EpiEstim computes it.

Cori A, Ferguson NM, Fraser C, Cauchemez S. A new framework and software to estimate time-varying
reproduction numbers during epidemics. Am J Epidemiol 2013;178(9):1505–1512.

For a window of days [t_start, t_end] (1-based, inclusive) the posterior of R is Gamma with
shape = a + Σ local cases and scale = 1 / (1/b + Σ Λ_t), where Λ_t = Σ_{s≥1} w_s (local + imported)_{t−s}
is the infectivity of the cases before day t, w the discrete serial interval and (a, b) the Gamma prior
(mean 5, sd 5: shape 1, scale 5). With plain incidence, day 1's cases are imported (they have no
infector in the data). As in EpiEstim, windows ending on or before the mean serial interval give no
value. Unlike EpiEstim, which returns the prior there, windows with no infectivity at all give no value,
and `max_cv` can also withhold windows with too few cases (EpiEstim only warns when the posterior
coefficient of variation exceeds its cv_posterior, 0.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from indicators.metrics import rolling_sum_wide, to_wide
from indicators.policy import number, policy


@dataclass(frozen=True)
class SerialInterval:
    mean: float
    sd: float
    citation: str


DEFAULT_SERIAL_INTERVAL = SerialInterval(  # indicators/policy.toml [transmission]
    mean=number("transmission", "serial_interval_mean_days"), sd=number("transmission", "serial_interval_sd_days"),
    citation=policy()["transmission"]["serial_interval_source"],
)
QUANTILES = (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
DEFAULT_MAX_CV = 0.3  # EpiEstim's cv_posterior: at least 11 cases in the window with the default prior
SI_NEGLIGIBLE = 1e-15  # serial-interval weights below this change Λ by less than rounding; skipped for speed
SI_SUM_TOLERANCE = 0.01  # EpiEstim refuses a non-parametric SI whose sum is further than this from 1
MAX_RELIABLE_RT = number("transmission", "max_reliable_rt")  # above it, reporting rather than transmission


def quantile_column(probability: float) -> str:
    return "Median(R)" if probability == 0.5 else f"Quantile.{probability:g}(R)"


def discr_si(k, mean: float, sd: float) -> np.ndarray:
    """EpiEstim's discretised serial interval: a gamma shifted by one day, integrated over each day k."""
    if mean <= 1:
        raise ValueError(f"the serial interval's mean must be > 1 day, got {mean}")
    if sd <= 0:
        raise ValueError(f"the serial interval's sd must be > 0, got {sd}")
    k = np.asarray(k, dtype=float)
    if (k < 0).any():
        raise ValueError("k must be >= 0")
    shape, scale = ((mean - 1) / sd) ** 2, sd ** 2 / (mean - 1)

    def cdf(x: np.ndarray, a: float) -> np.ndarray:
        return np.where(x > 0, special.gammainc(a, np.maximum(x, 0) / scale), 0.0)

    result = k * cdf(k, shape) + (k - 2) * cdf(k - 2, shape) - 2 * (k - 1) * cdf(k - 1, shape)
    result += shape * scale * (2 * cdf(k - 1, shape + 1) - cdf(k - 2, shape + 1) - cdf(k, shape + 1))
    return np.maximum(result, 0.0)


def check_si_distr(si_distr) -> np.ndarray:
    """EpiEstim's conditions on a given serial interval: non-negative, none on day 0, sums to 1."""
    si = np.asarray(si_distr, dtype=float)
    if si.ndim != 1 or len(si) < 2 or np.isnan(si).any():
        raise ValueError("si_distr must be a list of at least two numbers (days 0, 1, …)")
    if (si < 0).any():
        raise ValueError("si_distr must not be negative")
    if si[0] != 0:
        raise ValueError(f"si_distr on day 0 must be 0 (a case cannot infect on its own onset day), got {si[0]}")
    if abs(si.sum() - 1) > SI_SUM_TOLERANCE:
        raise ValueError(f"si_distr must sum to 1, sums to {si.sum():.4f}")
    return si


def _serial_interval(days: int, si_distr, mean_si, std_si) -> tuple[np.ndarray, float]:
    """The weights w_0..w_{T-1} and the mean used for 'too early' windows, as EpiEstim chooses them."""
    if si_distr is not None:
        si = check_si_distr(si_distr)
        return si, float(np.sum(np.arange(len(si)) * si))
    if mean_si is None:
        mean_si, std_si = DEFAULT_SERIAL_INTERVAL.mean, DEFAULT_SERIAL_INTERVAL.sd
    if std_si is None:
        raise ValueError("give std_si with mean_si")
    return discr_si(np.arange(days), mean_si, std_si), float(mean_si)


def infectivity(total: np.ndarray, si: np.ndarray) -> np.ndarray:
    """Λ_t = Σ_{s≥1} w_s total_{t−s} along axis 0 (days), for one series or many columns at once."""
    result = np.zeros_like(total, dtype=float)
    for lag in np.flatnonzero(si > SI_NEGLIGIBLE):
        if 0 < lag < len(total):
            result[lag:] += si[lag] * total[:-lag]
    return result


def _windows(days: int, t_start, t_end, window: int) -> tuple[np.ndarray, np.ndarray]:
    """1-based inclusive windows; by default weekly sliding ones: t_start 2…T−6, t_end 8…T."""
    if t_start is None and t_end is None:
        t_start = np.arange(2, days - window + 2)
        t_end = t_start + window - 1
    elif t_start is None or t_end is None:
        raise ValueError("give both t_start and t_end, or neither")
    t_start, t_end = np.atleast_1d(np.asarray(t_start, dtype=int)), np.atleast_1d(np.asarray(t_end, dtype=int))
    if len(t_start) != len(t_end) or (t_start > t_end).any() or (t_start < 2).any() or (t_end > days).any():
        raise ValueError(f"windows must satisfy 2 <= t_start <= t_end <= {days} (number of days)")
    return t_start, t_end


def _window_sums(values: np.ndarray, t_start: np.ndarray, t_end: np.ndarray) -> np.ndarray:
    """Sum of rows t_start..t_end (1-based, inclusive) for each window. Summed directly, not as a difference
    of running totals, so a window with no infectivity sums to exactly 0 after a large epidemic."""
    widths = t_end - t_start + 1
    if (widths == widths[0]).all():
        return sum(values[t_start - 1 + offset] for offset in range(widths[0]))
    return np.array([values[start - 1:end].sum(axis=0) for start, end in zip(t_start, t_end)])


def _posterior(local: np.ndarray, total: np.ndarray, si: np.ndarray, mean_si: float, t_start: np.ndarray,
               t_end: np.ndarray, mean_prior: float, std_prior: float, max_cv: float | None,
               quantiles: tuple[float, ...]) -> dict[str, np.ndarray]:
    """Posterior summaries for every window (rows) and series (columns); NaN where not estimable."""
    shape_prior, scale_prior = (mean_prior / std_prior) ** 2, std_prior ** 2 / mean_prior
    local_sum = _window_sums(local, t_start, t_end)
    infectivity_sum = _window_sums(infectivity(total, si), t_start, t_end)
    shape = shape_prior + local_sum
    scale = 1 / (1 / scale_prior + infectivity_sum)

    estimable = (t_end > mean_si)[:, None] & (infectivity_sum > 0)
    if max_cv is not None:
        estimable &= shape >= 1 / max_cv ** 2
    shape, scale = np.where(estimable, shape, np.nan), np.where(estimable, scale, np.nan)
    summary = {"Mean(R)": shape * scale, "Std(R)": np.sqrt(shape) * scale}
    # Shapes repeat (integer case counts): invert the incomplete gamma once per distinct shape.
    distinct, position = np.unique(shape[estimable], return_inverse=True)
    for probability in quantiles:
        values = np.full(shape.shape, np.nan)
        values[estimable] = special.gammaincinv(distinct, probability)[position] * scale[estimable]
        summary[quantile_column(probability)] = values
    return summary


def _local_and_imported(incidence) -> tuple[np.ndarray, np.ndarray, pd.Series | None]:
    """Local and imported daily cases (copies) and the dates if the frame has them."""
    if not isinstance(incidence, pd.DataFrame):
        cases = np.asarray(incidence, dtype=float)
        return cases.copy(), np.zeros_like(cases), None
    dates = incidence["date"].reset_index(drop=True) if "date" in incidence else None
    for local, imported in (("I_local", "I_imported"), ("local", "imported")):
        if {local, imported} <= set(incidence.columns):
            return incidence[local].to_numpy(dtype=float), incidence[imported].to_numpy(dtype=float), dates
    if "I" not in incidence:
        raise ValueError("incidence needs a column I, or I_local and I_imported")
    cases = incidence["I"].to_numpy(dtype=float)
    return cases, np.zeros_like(cases), dates


def reliable(mean, std, community_in_window) -> np.ndarray:
    """True where an estimate can be drawn and quoted as Rt.

    Its posterior coefficient of variation is at most EpiEstim's 0.3 (about 11 local cases in the window), it
    is at most MAX_RELIABLE_RT, and at least one case of the window was found in the community: where every
    case was imported or found already in quarantine, the chains were cut and no Rt describes spread.
    """
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precise = std / mean <= DEFAULT_MAX_CV
    return precise & (mean <= MAX_RELIABLE_RT) & (np.asarray(community_in_window, dtype=float) > 0)


def estimate_r(incidence, si_distr=None, mean_si: float | None = None, std_si: float | None = None,
               t_start=None, t_end=None, window: int = 7, *, mean_prior: float = 5.0, std_prior: float = 5.0,
               max_cv: float | None = None, quantiles: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
    """Rt for one series, with EpiEstim's column names.

    `incidence`: a sequence of daily cases, or a frame with `I` or `I_local`/`I_imported` (or EpiEstim's
    `local`/`imported`) and optionally `date`. The serial interval is `si_distr` (w_0, w_1, …), or mean/sd
    discretised like EpiEstim's `discr_si`, or by default `DEFAULT_SERIAL_INTERVAL`. With the defaults
    the numbers are EpiEstim's; `max_cv` (e.g. 0.3) withholds windows with too few cases.
    """
    local, imported, dates = _local_and_imported(incidence)
    if len(local) < 2 or np.isnan(local).any() or np.isnan(imported).any():
        raise ValueError("incidence needs at least two days and no missing values")
    if (local < 0).any() or (imported < 0).any():
        raise ValueError("incidence must not be negative")
    local, imported = local.copy(), imported.copy()
    imported[0] += local[0]  # day 1: nobody in the data could have infected these cases
    local[0] = 0
    days = len(local)
    si, mean_used = _serial_interval(days, si_distr, mean_si, std_si)
    starts, ends = _windows(days, t_start, t_end, window)
    summary = _posterior(local[:, None], (local + imported)[:, None], si, mean_used, starts, ends,
                         mean_prior, std_prior, max_cv, quantiles)
    result = pd.DataFrame({"t_start": starts, "t_end": ends})
    if dates is not None:
        result["date_start"] = dates.iloc[starts - 1].to_numpy()
        result["date_end"] = dates.iloc[ends - 1].to_numpy()
    for column, values in summary.items():
        result[column] = values[:, 0]
    return result


def estimate_r_many(frame: pd.DataFrame, value: str = "new_cases", *, unit: str = "district_code",
                    date: str = "date", si_distr=None, mean_si: float | None = None, std_si: float | None = None,
                    window: int = 7, mean_prior: float = 5.0, std_prior: float = 5.0,
                    max_cv: float | None = DEFAULT_MAX_CV, quantiles: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
    """Weekly sliding-window Rt for every unit of a long frame at once (one row per unit and window end;
    the unit column is a categorical).

    Each unit's series runs over the frame's whole calendar; its first day counts as imported. A day
    without a figure counts as no case for infectivity, and the windows that contain it give no value.
    """
    wide = to_wide(frame, value, unit=unit, date=date)
    missing = wide.isna()
    local = wide.fillna(0).to_numpy().copy()
    days = len(local)
    imported = np.zeros_like(local)
    imported[0] = local[0]  # each unit's first day: imported, as EpiEstim treats plain incidence
    local[0] = 0
    si, mean_used = _serial_interval(days, si_distr, mean_si, std_si)
    starts, ends = _windows(days, None, None, window)
    summary = _posterior(local, local + imported, si, mean_used, starts, ends, mean_prior, std_prior, max_cv,
                         quantiles)
    gap = rolling_sum_wide(missing.astype(float), window).to_numpy()[ends - 1] > 0
    units = wide.columns
    result = pd.DataFrame({
        unit: pd.Categorical.from_codes(np.repeat(np.arange(len(units)), len(ends)), units),
        date: np.tile(wide.index.to_numpy()[ends - 1], len(units)),
        "t_start": np.tile(starts, len(units)),
        "t_end": np.tile(ends, len(units)),
    })
    estimates = {column: np.where(gap, np.nan, values).T.ravel() for column, values in summary.items()}
    return pd.concat([result, pd.DataFrame(estimates, copy=False)], axis=1)
