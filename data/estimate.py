"""Daily cases and deaths per district, estimated from the official province series.

Why: the Ministry of Health published daily figures per province for the whole epidemic, but per district only
the announced cases of 2021-04-27 .. 2021-07-13. The dashboard needs a daily district series, so each province's
daily figure is split across its districts here, keeping every announced district figure as it was published.

The split is a seeded random allocation shaped like an epidemic rather than a flat population share: each day a
province's cases go to its districts with probability proportional to

    SEEDING_WEIGHT   x population^POPULATION_EXPONENT share       (new introductions, favouring big districts)
  + the district's share of the province's recent cases            (clusters persist for weeks, then fade)
  + NEIGHBOUR_WEIGHT x share of recent cases in adjacent districts  (clusters spread, also across province borders)

where "recent" is the last MEMORY_DAYS days and, inside the announcement window, includes the cases announced the
same day, so unattributed cases land near the announced ones. Deaths are split across a province's districts in
proportion to their cases over the last DEATH_WINDOW_DAYS days (population when there were none).

Calibration: SEEDING_WEIGHT and NEIGHBOUR_WEIGHT were chosen by splitting the announced province totals of
2021-04-27 .. 2021-07-13 with no district given and comparing with the announced split, over the 25 provinces
with at least 30 announced cases: the top district holds 55 % of its province's cases in both (a population split
gives 20 %), and about 740 district-weeks have cases against 691 announced (a population split gives 1,214).
The only district data are from the start of the fourth wave, so the clustering of later waves is an assumption.

Rows and their `source`:
  * `observed_cases` is what MOH announced for the district that day (0 when nothing was announced);
    `new_cases` = `observed_cases` + the estimated part.
  * `source` is 'observed' when the date lies in the announcement window (the first to the last date of the
    `observed` frame) and no estimated case was added to the row, so its figure is exactly the announced one;
    every other row is 'estimated'. The lead may drop `observed_cases` once it has served its checks.
  * `deaths_source` is always 'estimated': no district deaths were ever announced.

Sums: outside the announcement window the districts of a province add up exactly to the province's figure
every day. Inside it, announced district cases and the province's own count are often reported on different
days (a case in the province figure on Monday, announced by district on Wednesday, or the other way round), so
a day-by-day remainder would count such cases twice. The remainder is therefore reconciled cumulatively: by
each day of the window, the estimated cases never exceed what the province's count still leaves unannounced
for the rest of the window, so the districts' running total never exceeds the province's (unless the
announced cases alone already do) and by the window's end the two totals are equal. Where a province's
announced total over the window exceeds its own count, the announced figures are kept and the excess stays;
`over_reported_provinces` lists those provinces.

Backlog dumps (data/artefacts.py): when `province_cases` carries `new_cases_adjusted`, the districts are
estimated from the adjusted series (`new_cases_adjusted`, what rates, levels and simulations use), and the
published series is then recovered district by district: a day the adjustment lowered gives its cases back from
the districts' estimated cases (a random draw without replacement, announced cases untouched), and the backlog
day returns them to the districts they were taken from. So every district's published and adjusted totals agree,
and the districts of a province add up to its published figure on every day outside the announcement window.
Deaths may be unknown (NaN, where the source stops): they stay unknown in every district.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.draws import text_key

POPULATION_EXPONENT = 1.3  # introductions and spread favour big districts beyond their size (hubs, markets, factories)
SEEDING_WEIGHT = 0.02  # with NEIGHBOUR_WEIGHT, calibrated on the announced cases (see the module docstring)
NEIGHBOUR_WEIGHT = 0.15  # about one case in eight of a province with recent cases goes next door to them
MEMORY_DAYS = 14  # a cluster keeps producing cases for about two incubation periods after its last case
DEATH_WINDOW_DAYS = 21  # a death is reported within about three weeks of the confirmation
ADJACENCY_TOLERANCE_M = 100  # closes slivers left by polygon simplification, too short to bridge a river or a strait
METRIC_CRS = "EPSG:32648"  # UTM 48N: metres over Vietnam, accurate enough for a 100 m tolerance


def district_adjacency(geojson_path) -> pd.DataFrame:
    """Pairs of districts whose polygons touch or nearly touch, listed in both directions; islands have none."""
    polygons = gpd.read_file(geojson_path, columns=["district_code"]).to_crs(METRIC_CRS)
    polygons["geometry"] = shapely.make_valid(polygons.geometry.values)
    pairs = gpd.sjoin(polygons, polygons, predicate="dwithin", distance=ADJACENCY_TOLERANCE_M)
    pairs = pairs.loc[pairs["district_code_left"] != pairs["district_code_right"]]
    adjacency = pd.DataFrame(
        {
            "district_code": pairs["district_code_left"].to_numpy(),
            "neighbour_code": pairs["district_code_right"].to_numpy(),
        }
    )
    return adjacency.sort_values(["district_code", "neighbour_code"], ignore_index=True)


def over_reported_provinces(province_cases: pd.DataFrame, observed: pd.DataFrame) -> pd.DataFrame:
    """Provinces whose announced district cases over the window exceed their own count over the same days.

    Returns [province_code, province_cases, observed_cases, excess]: the districts of these provinces sum to
    more than the province's series by `excess` (the announced figures are kept as published).
    """
    dates = pd.to_datetime(observed["date"])
    official = province_cases.assign(date=pd.to_datetime(province_cases["date"]))
    in_window = official["date"].between(dates.min(), dates.max())
    totals = pd.DataFrame({
        "province_cases": official[in_window].groupby("province_code")["new_cases"].sum(),
        "observed_cases": observed.groupby("province_code")["new_cases"].sum(),
    }).fillna(0).astype("int64")
    over = totals[totals["observed_cases"] > totals["province_cases"]]
    return over.assign(excess=over["observed_cases"] - over["province_cases"]).reset_index(names="province_code")


def estimate_district_cases(
    province_cases: pd.DataFrame,
    observed: pd.DataFrame,
    districts: pd.DataFrame,
    adjacency: pd.DataFrame,
    seed: int,
) -> pd.DataFrame:
    """One row per (date, district) for every district and every date of `province_cases`.

    province_cases: [date, province_code, new_cases, new_deaths], every province on every date; with
        `new_cases_adjusted` and `artefact` (data.artefacts) the districts follow the adjusted series.
    observed: [date, province_code, district_code, new_cases], the announced district cases.
    districts: [district_code, province_code, population].
    adjacency: [district_code, neighbour_code]; pairs naming districts outside `districts` are ignored.
    Returns [date, district_code, new_cases, new_cases_adjusted, artefact, new_deaths, source, deaths_source,
    observed_cases], sorted by date and district, dates as datetime64; `artefact` is the province's label of the
    day. The same seed gives the same frame.
    """
    layout = _DistrictLayout(districts)
    if "new_cases_adjusted" not in province_cases:
        province_cases = province_cases.assign(new_cases_adjusted=province_cases["new_cases"], artefact=None)
    dates, province_matrix = _province_matrices(province_cases, layout)
    announced = _announced_matrix(observed, dates, layout)
    cases_rngs, deaths_rngs = layout.generators(seed, "cases"), layout.generators(seed, "deaths")

    window = pd.to_datetime(observed["date"])
    in_window = (dates >= window.min()) & (dates <= window.max())  # all False when nothing was announced
    unattributed = _unattributed(province_matrix["new_cases_adjusted"], layout.province_sums(announced), in_window)
    estimated = _spread_cases(unattributed, announced, _neighbour_matrix(adjacency, layout), layout, cases_rngs)
    adjusted = announced + estimated
    cases = _published_cases(adjusted, announced, province_matrix["new_cases"] - province_matrix["new_cases_adjusted"],
                             layout, cases_rngs)
    deaths = _split_deaths(province_matrix["new_deaths"], adjusted, layout, deaths_rngs)

    is_observed = in_window[:, None] & (cases == announced)
    artefact = province_matrix["artefact"][:, layout.province]
    return pd.DataFrame(
        {
            "date": np.repeat(dates, layout.size),
            "district_code": np.tile(layout.codes, len(dates)),
            "new_cases": cases.ravel(),
            "new_cases_adjusted": adjusted.ravel(),
            "artefact": artefact.ravel(),
            "new_deaths": pd.array(deaths.ravel(), dtype="Int64"),  # <NA> where unknown
            "source": np.where(is_observed.ravel(), "observed", "estimated"),
            "deaths_source": "estimated",
            "observed_cases": announced.ravel(),
        }
    )


def _published_cases(adjusted: np.ndarray, announced: np.ndarray, difference: np.ndarray, layout: _DistrictLayout,
                     rngs: list[np.random.Generator]) -> np.ndarray:
    """[date, district] published cases from the adjusted ones and the [date, province] published - adjusted.

    Days the adjustment lowered take cases back from the districts' estimated cases; a backlog day returns
    what its province's districts still owe, each district what was taken from it (module docstring), so each
    district's published total equals its adjusted total. Inside the announcement window the estimated cases
    can be too few to take from; the backlog day then returns only what was taken. A loop
    over the few province-days the adjustment touched, not over every district-day.
    """
    cases = adjusted.copy()
    owed = np.zeros(layout.size, dtype=np.int64)
    for day, province in zip(*np.nonzero(difference)):
        districts, change = layout.members[province], int(difference[day, province])
        if change < 0:
            spare = cases[day, districts] - announced[day, districts]
            taken = rngs[province].multivariate_hypergeometric(spare, min(-change, int(spare.sum())))
            cases[day, districts] -= taken
            owed[districts] += taken
        else:
            pool = owed[districts]
            back = rngs[province].multivariate_hypergeometric(pool, min(change, int(pool.sum())))
            cases[day, districts] += back
            owed[districts] -= back
    return cases


def _unattributed(province: np.ndarray, announced: np.ndarray, in_window: np.ndarray) -> np.ndarray:
    """[date, province] cases to estimate: the province's count less the announced cases, reconciled over the window.

    Outside the window nothing is announced, so it is the province's count. Inside it, the cumulative estimate by
    day t is the smallest cumulative gap (province minus announced) from t to the window's end, floored at 0:
    non-decreasing, never more than the gap still open, and equal to the whole gap at the end.
    """
    unattributed = np.maximum(province - announced, 0)
    gap = np.cumsum(province[in_window] - announced[in_window], axis=0)
    still_open = np.maximum(np.minimum.accumulate(gap[::-1], axis=0)[::-1], 0)
    unattributed[in_window] = np.diff(still_open, axis=0, prepend=np.zeros((1, gap.shape[1]), dtype=gap.dtype))
    return unattributed


class _DistrictLayout:
    """Districts in code order, grouped by province (`members`), each province with its own random generators."""

    def __init__(self, districts: pd.DataFrame):
        ordered = districts.sort_values("district_code", ignore_index=True)
        if ordered["district_code"].duplicated().any():
            raise ValueError("districts: duplicate district_code")
        self.codes = ordered["district_code"].to_numpy(dtype=object)
        self.size = len(ordered)
        self.province_codes = pd.Index(sorted(ordered["province_code"].unique()))
        self.province = self.province_codes.get_indexer(ordered["province_code"])
        self.members = [np.flatnonzero(self.province == index) for index in range(len(self.province_codes))]
        self.population = ordered["population"].to_numpy(dtype=float)
        if (self.province_sums(self.population) <= 0).any():
            raise ValueError("districts: every province needs a positive population to seed its cases")

    def province_sums(self, values: np.ndarray) -> np.ndarray:
        """Sum a [..., district] array over each province's districts: [..., province]."""
        sums = np.zeros(values.shape[:-1] + (len(self.province_codes),), dtype=values.dtype)
        np.add.at(sums, (..., self.province), values)
        return sums

    def province_shares(self, values: np.ndarray) -> np.ndarray:
        """Each district's share of its province's total; 0 in provinces whose total is 0."""
        totals = self.province_sums(values)[..., self.province]
        return np.divide(values, totals, out=np.zeros_like(values, dtype=float), where=totals > 0)

    def generators(self, seed: int, stream: str) -> list[np.random.Generator]:
        """One generator per province (keyed by seed, stream and province code): a province's draws depend on its
        own figures only, so a change to one province moves none of another's cases between its districts (unless
        they border each other: clusters spread across borders, NEIGHBOUR_WEIGHT)."""
        return [np.random.default_rng([seed, int(text_key(stream)), int(text_key(code))]) for code in self.province_codes]

    def split(self, rngs: list[np.random.Generator], counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Split [..., province] integer counts across districts by [..., district] weights, each province with
        its own generator (`generators`); a province with nothing to split draws nothing.

        Every province needs a positive total weight.
        """
        shares = self.province_shares(weights)
        split = np.zeros(weights.shape, dtype=np.int64)
        for province, (rng, members) in enumerate(zip(rngs, self.members)):
            if counts[..., province].any():
                split[..., members] = rng.multinomial(counts[..., province], shares[..., members])
        return split


def _province_matrices(province_cases: pd.DataFrame, layout: _DistrictLayout) -> tuple[np.ndarray, dict]:
    """Dates (datetime64) and [date, province] arrays of new_cases, new_cases_adjusted, new_deaths (float: NaN
    where unknown) and artefact (object)."""
    frame = province_cases.assign(date=pd.to_datetime(province_cases["date"]))
    dates = np.sort(frame["date"].unique())
    province = layout.province_codes.get_indexer(frame["province_code"])
    complete = len(frame) == len(dates) * len(layout.province_codes)
    complete = complete and not frame.duplicated(["date", "province_code"]).any()
    if (province < 0).any() or not complete:
        raise ValueError("province_cases needs exactly one row per date for every province of `districts`")
    row = np.searchsorted(dates, frame["date"].to_numpy())
    matrices = {}
    for column, dtype, empty in (("new_cases", np.int64, 0), ("new_cases_adjusted", np.int64, 0),
                                 ("new_deaths", float, np.nan), ("artefact", object, None)):
        matrix = np.full((len(dates), len(layout.province_codes)), empty, dtype=dtype)
        matrix[row, province] = frame[column].to_numpy(dtype=dtype, na_value=empty)
        matrices[column] = matrix
    return dates, matrices


def _announced_matrix(observed: pd.DataFrame, dates: np.ndarray, layout: _DistrictLayout) -> np.ndarray:
    """[date, district] array of the announced cases, checked against the districts and dates."""
    frame = observed.assign(date=pd.to_datetime(observed["date"]))
    district = pd.Index(layout.codes).get_indexer(frame["district_code"])
    if (district < 0).any():
        raise ValueError("observed: district_code not in districts")
    if (layout.province_codes[layout.province[district]] != frame["province_code"].to_numpy()).any():
        raise ValueError("observed: province_code does not match the district's province")
    row = np.searchsorted(dates, frame["date"].to_numpy())
    if (row >= len(dates)).any() or (dates[np.minimum(row, len(dates) - 1)] != frame["date"].to_numpy()).any():
        raise ValueError("observed: date outside the dates of province_cases")
    if frame.duplicated(["date", "district_code"]).any():
        raise ValueError("observed: more than one row for a (date, district_code)")
    announced = np.zeros((len(dates), layout.size), dtype=np.int64)
    announced[row, district] = frame["new_cases"].to_numpy()
    return announced


def _neighbour_matrix(adjacency: pd.DataFrame, layout: _DistrictLayout) -> np.ndarray:
    """Dense [district, neighbour] matrix averaging the neighbours' cases (rows sum to 1; 0 for islands).

    Why an average, not a sum: a district with many neighbours would otherwise draw cases for its degree alone.
    """
    index = pd.Index(layout.codes)
    district = index.get_indexer(adjacency["district_code"])
    neighbour = index.get_indexer(adjacency["neighbour_code"])
    known = (district >= 0) & (neighbour >= 0) & (district != neighbour)
    matrix = np.zeros((layout.size, layout.size))
    matrix[district[known], neighbour[known]] = 1.0
    matrix = np.maximum(matrix, matrix.T)
    degree = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, degree, out=matrix, where=degree > 0)


def _spread_cases(
    unattributed: np.ndarray,
    announced: np.ndarray,
    neighbours: np.ndarray,
    layout: _DistrictLayout,
    rngs: list[np.random.Generator],
) -> np.ndarray:
    """[date, district] estimated cases: each day's unattributed province cases placed by the epidemic weights.

    Sequential over days because each day's placement depends on where the previous days' cases went.
    """
    attraction = layout.population**POPULATION_EXPONENT
    seeding = SEEDING_WEIGHT * layout.province_shares(attraction)
    estimated = np.zeros_like(announced)
    recent = np.zeros(layout.size)
    for day in range(len(unattributed)):
        local = recent + announced[day]
        weights = (
            seeding
            + layout.province_shares(local)
            + NEIGHBOUR_WEIGHT * layout.province_shares(attraction * (neighbours @ local))
        )
        estimated[day] = layout.split(rngs, unattributed[day], weights)
        recent += announced[day] + estimated[day]
        if day >= MEMORY_DAYS:
            recent -= announced[day - MEMORY_DAYS] + estimated[day - MEMORY_DAYS]
    return estimated


def _split_deaths(
    province_deaths: np.ndarray, cases: np.ndarray, layout: _DistrictLayout, rngs: list[np.random.Generator]
) -> np.ndarray:
    """[date, district] deaths: each province-day's deaths split by the districts' cases over the death window.

    Float: NaN in every district of a province-day whose deaths are unknown.
    """
    unknown = np.isnan(province_deaths)
    province_deaths = np.where(unknown, 0, province_deaths).astype(np.int64)
    cumulative = np.cumsum(cases, axis=0)
    recent = cumulative.copy()
    recent[DEATH_WINDOW_DAYS:] -= cumulative[:-DEATH_WINDOW_DAYS]
    no_recent_cases = layout.province_sums(recent)[:, layout.province] == 0
    weights = np.where(no_recent_cases, layout.population, recent).astype(float)
    deaths = layout.split(rngs, province_deaths, weights).astype(float)
    deaths[unknown[:, layout.province]] = np.nan
    return deaths
