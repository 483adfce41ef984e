/**
 * NFL overtime, possession by possession: who has the ball, which possession of the overtime it
 * is, the score, and how many possessions the clock leaves.
 *
 * **Rules.**
 * - *Both teams possess* (the playoffs from the 2022 postseason, voted March 2022; the regular
 *   season from the 2025 season, voted 1 April 2025): each team gets one possession; after both,
 *   the leader wins, and level goes to sudden death (the next score wins). A touchdown on the first
 *   possession does not end the game; the second team, down 7, may kick to tie or go for two to win.
 * - *Modified sudden death* (earlier games): a touchdown on the first possession wins; after a
 *   first-possession field goal the other team gets one possession (a touchdown wins, a field goal
 *   ties and goes to sudden death); no score goes to sudden death.
 * - *Time.* The regular season plays one 10-minute period and may end tied; the playoffs play
 *   15-minute periods until someone wins. The clock becomes a spread of possession counts around a
 *   half (the one under way) plus the seconds left over `driveSeconds`; with less than one left,
 *   the possession under way scores less. A regular-season game that runs
 *   out of possessions level is a tie, which this two-way model splits evenly between the sides.
 *   A playoff game has no limit (`PLAYOFF_POSSESSIONS`).
 *
 * **Drive outcomes.** A possession at 1st & 10 scores a touchdown or a field goal with the
 * probabilities of `DRIVES` by yards to the end zone (approximate, unverified; they reproduce the EP
 * table of `ExpectedPoints.ts` within about 0.3 points once the opponent's next score is netted
 * out). Later downs and long distances lower the touchdown logit as in college overtime; a field
 * goal keeps its share of the non-touchdown mass. A team that needs a touchdown goes for it on
 * fourth down, turning part of its field-goal mass into touchdowns (`goForIt`). A new possession
 * after a kickoff, a punt or a turnover starts at the touchback (`freshYards`). The pre-game prior
 * shifts each offense's touchdown and scoring logits by a share of the prior's logit. Safeties,
 * defensive scores and the ends of possessions by turnover on downs are not told apart.
 *
 * **The state.** Which possession of the overtime is under way comes from the play sequence
 * (`football.overtimeFirst`/`overtimeTurn`, `Sequence.ts`); without it, a level score with a team on
 * offense is read as the first possession and a trailing team on offense as the second. The
 * possession recursion it shares with college overtime is in `Possessions.ts`.
 *
 * @since 0.1.0
 */
import type { GameState, Side } from "../../schema/GameState.ts"
import { memo } from "./Common.ts"
import { logit } from "./Distributions.ts"
import { answer, type Drive, homeOf, logistic, type Offenses, offenses, opening, opponent, type Tries, turnOf } from "./Possessions.ts"
import type { Prior } from "./prior/Prior.ts"

/** @category models */
export interface NflOvertimeParameters {
  /** Mean seconds of clock a possession uses, kickoff included (approximate) */
  readonly driveSeconds: number
  /** Yards to the end zone of a possession after a kickoff (a touchback at the 35 from 2025, the 30 in 2024, the 25 before) */
  readonly freshYards: number
  readonly perDown: number
  readonly perDistance: number
  readonly kick: number
  readonly twoPoint: number
  readonly goForIt: number
  /** Share of the prior's logit added to the home offense's scoring logits (and taken from the away one) */
  readonly strength: number
}

/** @category parameters */
export const nflOvertimeParameters: NflOvertimeParameters = {
  driveSeconds: 165,
  freshYards: 70,
  perDown: 0.45,
  perDistance: 0.06,
  kick: 0.95,
  twoPoint: 0.48,
  goForIt: 0.3,
  strength: 0.3
}

/** A playoff overtime is untimed in effect: this many possessions is more than any game needs. @category parameters */
export const PLAYOFF_POSSESSIONS = 60

/** 1st & 10 drive outcomes by yards to the end zone: [yards, P(TD), P(FG)] (approximate, unverified). */
const DRIVES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 0.85, 0.12],
  [10, 0.6, 0.32],
  [20, 0.5, 0.38],
  [30, 0.42, 0.38],
  [40, 0.38, 0.32],
  [50, 0.33, 0.26],
  [60, 0.28, 0.22],
  [70, 0.24, 0.18],
  [80, 0.19, 0.15],
  [90, 0.15, 0.12],
  [99, 0.12, 0.1]
]

/** The first possession of the "both teams possess" rules: the playoffs from the 2022 postseason, the regular season from 2025. @category parameters */
export const bothPossess = (startTime: number, postseason: boolean): boolean =>
  startTime >= (postseason ? Date.UTC(2023, 0, 1) : Date.UTC(2025, 6, 1))

/**
 * The outcome of an NFL possession from `yards` to the end zone at `down` and `distance`, for an
 * offense whose logits are shifted by `shift`.
 *
 * @category kernels
 */
export const nflDrive = (yards: number, down: number, distance: number, shift: number, p: NflOvertimeParameters = nflOvertimeParameters): Drive => {
  const y = Math.min(99, Math.max(1, yards))
  let i = 0
  while (i < DRIVES.length - 2 && DRIVES[i + 1]![0] < y) i++
  const [y0, t0, f0] = DRIVES[i]!
  const [y1, t1, f1] = DRIVES[i + 1]!
  const w = (y - y0) / (y1 - y0)
  const td = t0 + (t1 - t0) * w
  const fg = f0 + (f1 - f0) * w
  const touchdown = logistic(logit(td) - p.perDown * (down - 1) - p.perDistance * Math.max(0, distance - 10) + shift)
  // The field goal keeps its share of what is not a touchdown, itself shifted by strength
  const share = logistic(logit(fg / (1 - td)) + shift - p.perDown * Math.max(0, down - 3))
  const fieldGoal = (1 - touchdown) * share
  return { touchdown, fieldGoal, none: 1 - touchdown - fieldGoal }
}

/** The value of a level game when the possessions run out: a tie, split evenly in a two-way model. */
const TIE = 0.5

/** The recursion over possessions left for one game: sudden death memoised per side and count. */
class Solver {
  private readonly values = memo<number>()
  private readonly tries: Tries
  readonly both: boolean
  readonly drives: Offenses
  constructor(prior: Prior, p: NflOvertimeParameters, both: boolean) {
    this.both = both
    this.drives = offenses((yards, down, distance, shift) => nflDrive(yards, down, distance, shift, p), p.freshYards, prior, p.strength)
    this.tries = { kick: p.kick, twoPoint: p.twoPoint, goForIt: p.goForIt }
  }

  /** P(`side` wins) in sudden death with `side` starting a fresh possession and `k` possessions left. */
  suddenFresh(side: Side, k: number): number {
    if (k <= 0) return TIE
    return this.values(`sd:${side}:${k}`, () => this.sudden(side, k, this.drives.fresh(side)))
  }

  /** P(`side` wins) in sudden death during its possession `d`, `k` possessions left counting this one. */
  sudden(side: Side, k: number, d: Drive): number {
    if (k <= 0) return TIE
    return d.touchdown + d.fieldGoal + d.none * (1 - this.suddenFresh(opponent(side), k - 1))
  }

  /** P(F wins) during F's opening possession `d`, `k` possessions left counting this one. */
  first(first: Side, k: number, d: Drive): number {
    if (k <= 0) return TIE
    const second = opponent(first)
    const s = this.drives.fresh(second)
    if (!this.both) {
      return d.touchdown + d.fieldGoal * this.second(first, k - 1, 3, s) + d.none * (1 - this.suddenFresh(second, k - 1))
    }
    return opening(0, d, this.tries, (m) => this.second(first, k - 1, m, s))
  }

  /** P(F wins) during S's answering possession `d` at margin `m` (F − S), `k` possessions left counting this one. */
  second(first: Side, k: number, m: number, d: Drive): number {
    if (k <= 0) return m > 0 ? 1 : m < 0 ? 0 : TIE
    // After S's possession, level goes to sudden death with F receiving
    return answer(m, d, this.suddenFresh(first, k - 1), this.tries)
  }
}

/**
 * How many possessions the clock leaves, as weights over whole counts: about a half (the one under
 * way, on average half used) plus the seconds left over `driveSeconds`, spread like a count (the
 * variance grows with the mean) so that who gets the last possession is uncertain, as it is on the
 * field. With less than one possession's time left, the one under way scores less (`scoring`: its
 * chances shrink with the square of the share, a rough stand-in for a hurried drive).
 */
const possessionsLeft = (seconds: number, p: NflOvertimeParameters): { readonly weights: ReadonlyArray<readonly [number, number]>; readonly scoring: number } => {
  const n = 0.5 + seconds / p.driveSeconds
  // Below one possession the spread stays that of one, so the value moves continuously with the clock
  const centre = Math.max(1, n)
  const variance = Math.max(0.25, 0.5 * centre)
  const raw: Array<[number, number]> = []
  for (let k = 1; k <= Math.ceil(centre + 4 * Math.sqrt(variance)); k++) raw.push([k, Math.exp(-((k - centre) ** 2) / (2 * variance))])
  const total = raw.reduce((sum, [, w]) => sum + w, 0)
  return { weights: raw.map(([k, w]) => [k, w / total] as const), scoring: Math.min(1, n) ** 2 }
}

/** A drive with its scoring chances scaled by `scoring` (the rest goes to no score). */
const hurried = (d: Drive, scoring: number): Drive =>
  scoring >= 1 ? d : { touchdown: d.touchdown * scoring, fieldGoal: d.fieldGoal * scoring, none: 1 - (d.touchdown + d.fieldGoal) * scoring }

/**
 * P(home wins) from an overtime state of an NFL game.
 *
 * @category models
 */
export const nflOvertime = (state: GameState, prior: Prior, p: NflOvertimeParameters = nflOvertimeParameters): number => {
  const postseason = state.postseason === true
  const solver = new Solver(prior, p, bothPossess(state.startTime, postseason))
  const periodSeconds = postseason ? 900 : 600
  const seconds = Math.min(state.periodSecondsRemaining ?? periodSeconds, periodSeconds)
  const at = turnOf(state)
  const left = postseason ? { weights: [[PLAYOFF_POSSESSIONS, 1]] as const, scoring: 1 } : possessionsLeft(seconds, p)
  const value = (k: number): number => {
    if (at === undefined) {
      // Level with no one on offense: the start of overtime, either team receiving
      return (solver.first("home", k, hurried(solver.drives.fresh("home"), left.scoring)) + 1 - solver.first("away", k, hurried(solver.drives.fresh("away"), left.scoring))) / 2
    }
    const { first, turn, margin: m } = at
    const driveOf = (side: Side): Drive => hurried(solver.drives.current(state, side), left.scoring)
    let pFirst: number
    if (turn === "first") pFirst = solver.first(first, k, driveOf(first))
    else if (turn === "second") pFirst = solver.second(first, k, m, driveOf(opponent(first)))
    else {
      // Both possessions are over: the leader has won, level is sudden death with whoever has the ball
      if (m !== 0) pFirst = m > 0 ? 1 : 0
      else {
        // After the answering possession the first team receives
        const side = state.possession ?? first
        const w = solver.sudden(side, k, driveOf(side))
        pFirst = side === first ? w : 1 - w
      }
    }
    return homeOf(first, pFirst)
  }
  return left.weights.reduce((sum, [k, w]) => sum + w * value(k), 0)
}

/** P(home wins) an NFL overtime that starts level, either team receiving with equal chance. @category models */
export const freshNflOvertime = (prior: Prior, startTime: number, postseason: boolean, p: NflOvertimeParameters = nflOvertimeParameters): number => {
  const solver = new Solver(prior, p, bothPossess(startTime, postseason))
  const at = (n: number) => (solver.first("home", n, solver.drives.fresh("home")) + 1 - solver.first("away", n, solver.drives.fresh("away"))) / 2
  if (postseason) return at(PLAYOFF_POSSESSIONS)
  return possessionsLeft(600, p).weights.reduce((sum, [k, w]) => sum + w * at(k), 0)
}
