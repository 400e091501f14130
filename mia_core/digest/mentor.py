"""The mentor: advice from a journal, each item citing its trades and given only when a stated test passes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import attrs

from mia_core.digest.blocked import BlockedOutcome
from mia_core.digest.entries import JournalFacts, Trade
from mia_core.metrics.table import format_money
from mia_core.orders import STOP_LOSS, TAKE_PROFIT
from mia_core.timeutil import CHICAGO, ns_to_datetime
from mia_core.validation import FRACTION, within

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@attrs.frozen
class MentorConfig:
    """The tests' bounds: the fewest trades a group needs, the significance level, the smallest effect.

    ``alpha`` is shared (Bonferroni) among the groups one question tests, so asking
    about five weekdays does not find a pattern by chance five times as often.
    """

    min_trades: int = attrs.field(default=10, validator=within(2, 100000))
    alpha: float = attrs.field(default=0.05, validator=FRACTION)
    min_effect: float = attrs.field(default=0.15, validator=FRACTION)


@attrs.frozen(slots=True)
class Advice:
    """One piece of advice: what was found, what to try, the test it passed and the trades it rests on."""

    topic: str
    finding: str
    suggestion: str
    test: str
    trades: tuple[int, ...]
    decisions: tuple[int, ...] = ()  # the risk decisions (blocks) it rests on


def session_of(ns: int) -> str:
    """The part of the CME day an instant falls in (Chicago time)."""
    local = ns_to_datetime(ns).astimezone(CHICAGO)
    minutes = local.hour * 60 + local.minute
    if 8 * 60 + 30 <= minutes < 15 * 60 + 15:
        return "regular hours (08:30-15:15 CT)"
    if 2 * 60 <= minutes < 8 * 60 + 30:
        return "London (02:00-08:30 CT)"
    return "overnight (15:15-02:00 CT)"


def weekday_of(ns: int) -> str:
    """The Chicago weekday of an instant."""
    return WEEKDAYS[ns_to_datetime(ns).astimezone(CHICAGO).weekday()]


def _cite(trades: Sequence[Trade]) -> tuple[int, ...]:
    return tuple(t.index for t in trades)


def _clustered(trades: Sequence[Trade], config: MentorConfig, label: str, group: Callable[[int], str]) -> list[Advice]:
    """Groups whose loss rate is above the whole journal's: one-sided binomial test against it."""
    from scipy import stats  # on use: importing scipy.stats costs ~57 MB, and most runs never advise
    if len(trades) < config.min_trades:
        return []
    base = sum(t.net_cents < 0 for t in trades) / len(trades)
    groups: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        groups[group(trade.entry_ts)].append(trade)
    tested = {name: g for name, g in groups.items() if len(g) >= config.min_trades and len(groups) > 1}
    advice = []
    for name, members in sorted(tested.items()):
        losers = [t for t in members if t.net_cents < 0]
        rate = len(losers) / len(members)
        p = float(stats.binomtest(len(losers), len(members), base, alternative="greater").pvalue)
        bound = config.alpha / len(tested)
        if p < bound and rate - base >= config.min_effect:
            net = sum(t.net_cents for t in members)
            advice.append(Advice(
                topic=f"losses cluster on {label} {name}",
                finding=f"{len(losers)} of {len(members)} trades entered in {name} lost ({rate:.0%} against "
                        f"{base:.0%} overall); they made {format_money(net / 100)} after costs",
                suggestion=f"consider a trading window that leaves out {name}, then check it out of sample",
                test=f"binomial, one-sided, p = {p:.4f} < {bound:.4f} (alpha {config.alpha:g} / {len(tested)} groups);"
                f" loss rate +{rate - base:.0%} >= {config.min_effect:.0%}; n = {len(members)} >= {config.min_trades}",
                trades=_cite(losers),
            ))
    return advice


def break_even_stop_share(members: Sequence[Trade]) -> float | None:
    """The share of stop exits at which a setup's bracket trades break even: ``W / (W + L)``.

    ``W`` is the mean net of its target exits and ``L`` the mean loss of its stop exits
    (with 2R targets about two thirds); ``None`` without both kinds of exit.
    """
    wins = [t.net_cents for t in members if t.exit_reason == TAKE_PROFIT]
    losses = [-t.net_cents for t in members if t.exit_reason == STOP_LOSS]
    if not wins or not losses:
        return None
    win, loss = sum(wins) / len(wins), sum(losses) / len(losses)
    return win / (win + loss) if win > 0 and loss > 0 else None


def _stops_first(trades: Sequence[Trade], config: MentorConfig) -> list[Advice]:
    """Setups stopped out more often than their own reward-to-risk can pay for: one-sided binomial test.

    The baseline is the break-even stop share, not one half: a 2R bracket that is
    stopped two times in three breaks even, so only a share above that is a finding.
    """
    from scipy import stats  # on use: importing scipy.stats costs ~57 MB, and most runs never advise
    by_setup: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        if trade.exit_reason in (STOP_LOSS, TAKE_PROFIT):
            by_setup[trade.setup or "unknown"].append(trade)
    tested = {s: g for s, g in by_setup.items() if len(g) >= config.min_trades}
    advice = []
    for setup, members in sorted(tested.items()):
        even = break_even_stop_share(members)
        if even is None:
            continue
        stops = [t for t in members if t.exit_reason == STOP_LOSS]
        rate = len(stops) / len(members)
        p = float(stats.binomtest(len(stops), len(members), even, alternative="greater").pvalue)
        bound = config.alpha / len(tested)
        if p < bound and rate - even >= config.min_effect:
            advice.append(Advice(
                topic=f"stops hit before targets on {setup}",
                finding=f"{len(stops)} of {len(members)} bracket exits of {setup} were stops ({rate:.0%}); "
                        f"its wins and losses break even at {even:.0%}",
                suggestion="check the stop distance against the setup's typical adverse excursion, or the entry timing",
                test=f"binomial, one-sided against the break-even share {even:.0%}, p = {p:.4f} < {bound:.4f}; "
                     f"stop share {rate:.0%} >= {even + config.min_effect:.0%}; n = {len(members)} >= "
                     f"{config.min_trades}",
                trades=_cite(stops),
            ))
    return advice


def _underperformers(trades: Sequence[Trade], config: MentorConfig) -> list[Advice]:
    """Setups whose trades make less than the others': one-sided Mann-Whitney U, effect as rank-biserial."""
    from scipy import stats  # on use: importing scipy.stats costs ~57 MB, and most runs never advise
    by_setup: dict[str, list[Trade]] = defaultdict(list)
    for trade in trades:
        by_setup[trade.setup or "unknown"].append(trade)
    least = config.min_trades
    tested = [s for s, g in by_setup.items() if len(g) >= least and len(trades) - len(g) >= least]
    advice = []
    for setup in sorted(tested):
        mine = [t.net_cents for t in by_setup[setup]]
        others = [t.net_cents for t in trades if (t.setup or "unknown") != setup]
        result = stats.mannwhitneyu(mine, others, alternative="less")
        p = float(result.pvalue)
        effect = 1 - 2 * float(result.statistic) / (len(mine) * len(others))  # rank-biserial: > 0 means worse
        bound = config.alpha / len(tested)
        if p < bound and effect >= config.min_effect and sum(mine) < 0:
            advice.append(Advice(
                topic=f"signals of {setup} underperform",
                finding=f"{len(mine)} trades of {setup} made {format_money(sum(mine) / 100)} after costs; "
                        f"the other {len(others)} made {format_money(sum(others) / 100)}",
                suggestion=f"lower {setup}'s weight or disable it, and re-run the walk-forward",
                test=f"Mann-Whitney U, one-sided, p = {p:.4f} < {bound:.4f}; rank-biserial {effect:.2f} >= "
                     f"{config.min_effect:g}; n = {len(mine)} and {len(others)} >= {config.min_trades}",
                trades=_cite(by_setup[setup]),
            ))
    return advice


def _rule_blocks(outcomes: Sequence[BlockedOutcome], config: MentorConfig) -> list[Advice]:
    """Rules whose blocked entries would have lost (saved money) or won (cost money): Wilcoxon signed-rank.

    Each policy's estimates (net after costs) are tested one-sided against zero in
    both directions (alpha shared among policies and directions); the effect is the
    matched-pairs rank-biserial correlation.
    """
    from scipy import stats  # on use: importing scipy.stats costs ~57 MB, and most runs never advise
    by_policy: dict[str, list[BlockedOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_policy[outcome.policy].append(outcome)
    tested = {p: g for p, g in by_policy.items() if sum(o.net_cents != 0 for o in g) >= config.min_trades}
    advice = []
    for policy, members in sorted(tested.items()):
        nets = [o.net_cents for o in members if o.net_cents != 0]
        bound = config.alpha / (2 * len(tested))
        ranks = stats.rankdata([abs(v) for v in nets])
        above = float(sum(r for r, v in zip(ranks, nets, strict=True) if v > 0))
        effect = (2 * above - float(ranks.sum())) / float(ranks.sum())  # +1: all would have won, -1: all lost
        total = sum(o.net_cents for o in members)
        for saved, alternative in ((True, "less"), (False, "greater")):
            p = float(stats.wilcoxon(nets, alternative=alternative).pvalue)
            size = -effect if saved else effect
            if p < bound and size >= config.min_effect:
                exits = ", ".join(f"{n} {how}" for how, n in sorted(_count(o.exit for o in members).items()))
                advice.append(Advice(
                    topic=f"the {policy} rule {'saved' if saved else 'cost'} money",
                    finding=f"the {len(members)} entries it blocked would have made {format_money(total / 100)} "
                            f"after costs (estimated: each blocked entry played on the rest of its day; {exits})",
                    suggestion="keep the rule as it is" if saved else
                               f"review {policy}'s limit, then check the change out of sample before trading it",
                    test=f"Wilcoxon signed-rank, one-sided ({'below' if saved else 'above'} zero), p = {p:.4f} < "
                         f"{bound:.4f} (alpha {config.alpha:g} / {2 * len(tested)}); rank-biserial {size:.2f} >= "
                         f"{config.min_effect:g}; n = {len(nets)} >= {config.min_trades}",
                    trades=(),
                    decisions=tuple(o.decision for o in members),
                ))
    return advice


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    return counts


def mentor(facts: JournalFacts, config: MentorConfig, blocked: Sequence[BlockedOutcome] = ()) -> list[Advice]:
    """Every piece of advice the journal's evidence supports (often none: silence is an answer).

    ``blocked`` (from :func:`mia_core.digest.blocked.replay_blocks`, which needs the
    bars) lets the mentor judge the rules that blocked entries.
    """
    trades = facts.trades
    return [
        *_clustered(trades, config, "weekday", weekday_of),
        *_clustered(trades, config, "session", session_of),
        *_stops_first(trades, config),
        *_underperformers(trades, config),
        *_rule_blocks(blocked, config),
    ]


def format_advice(advice: Sequence[Advice], trades: int, max_cited: int = 12) -> str:
    """The advice as text, each item with its test and the trades it cites."""
    if not advice:
        return f"Mentor: no advice; no pattern in {trades} trades passed its test."
    lines = [f"Mentor: {len(advice)} item(s) from {trades} trades"]
    for i, item in enumerate(advice, 1):
        cited = ", ".join(f"#{n}" for n in item.trades[:max_cited])
        more = f" and {len(item.trades) - max_cited} more" if len(item.trades) > max_cited else ""
        lines += [f"{i}. {item.topic}: {item.finding}.", f"   Try: {item.suggestion}.", f"   Test: {item.test}."]
        if item.trades:
            lines.append(f"   Trades: {cited}{more}.")
        if item.decisions:
            shown = ", ".join(f"#{n}" for n in item.decisions[:max_cited])
            extra = f" and {len(item.decisions) - max_cited} more" if len(item.decisions) > max_cited else ""
            lines.append(f"   Decisions (rule blocks): {shown}{extra}.")
    return "\n".join(lines)
