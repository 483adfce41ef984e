/**
 * College-football overtime: untimed, alternating possessions from the opponent's 25, so the clock
 * (ESPN stamps every overtime play `0:00`) says nothing and the game is decided by drives.
 *
 * **Rules (NCAA).** In each period both teams get one possession, the same team first; the order
 * alternates between periods. Through the 2020 season a touchdown may be followed by a kick in
 * periods 1–2, a two-point try is required from period 3, and from period 5 each team runs one
 * two-point play (the "shootout"). From 2021 the two-point try is required from period 2 and the
 * shootout starts in period 3. The era is read from the game's start time.
 *
 * **Drive outcomes.** A possession ends in a touchdown, a field goal or nothing. P(TD) is logistic in
 * the yards to the end zone, with penalties for later downs and long distance; a field goal is tried
 * on 85% of the drives that do not score a touchdown, and made with a logistic in the kick length.
 * At 1st & 10 from the 25 that is TD 0.47, FG 0.31, nothing 0.22 (approximate, unverified: college
 * overtime possessions score a touchdown about half the time). A team that needs a touchdown goes for
 * it on fourth down, turning part of its field-goal mass into touchdowns. The pre-game prior shifts
 * each side's touchdown logit by a share of the prior's logit (a strong favourite scores more).
 *
 * **The state.** Which possession of the period is under way comes from the play sequence
 * (`football.overtimeFirst`/`overtimeTurn`, `Sequence.ts`); without it, a tied score means the
 * first possession and a trailing side with the ball means the second. Only a finished game is
 * certain. The possession recursion it shares with NFL overtime is in `Possessions.ts`.
 *
 * @since 0.1.0
 */
import type { GameState, Side } from "../../schema/GameState.ts"
import { memo } from "./Common.ts"
import { answer, type Drive, homeOf, logistic, type Offenses, offenses, opening, opponent, type Tries, turnOf } from "./Possessions.ts"
import type { Prior } from "./prior/Prior.ts"

/** @category models */
export interface CollegeOvertimeParameters {
  /** logit P(TD) of a possession at 1st & 10 from the 25 */
  readonly touchdownLogit: number
  /** Added to the TD logit per yard closer than the 25 */
  readonly perYard: number
  /** Subtracted from the TD logit per down after the first */
  readonly perDown: number
  /** Subtracted per yard to go beyond 10 */
  readonly perDistance: number
  /** Share of non-touchdown drives that end in a field-goal try */
  readonly fieldGoalTry: number
  /** Field-goal make: logit = a − b·(kick yards) */
  readonly fieldGoalA: number
  readonly fieldGoalB: number
  /** Extra-point kick and two-point conversion rates */
  readonly kick: number
  readonly twoPoint: number
  /** Share of the field-goal mass a team that needs a touchdown turns into touchdowns */
  readonly goForIt: number
  /** Share of the prior's logit added to the home TD logit (and taken from the away one) */
  readonly strength: number
}

/** @category parameters */
export const collegeOvertimeParameters: CollegeOvertimeParameters = {
  touchdownLogit: -0.12,
  perYard: 0.0685,
  perDown: 0.45,
  perDistance: 0.06,
  fieldGoalTry: 0.85,
  fieldGoalA: 5.6,
  fieldGoalB: 0.105,
  kick: 0.96,
  twoPoint: 0.45,
  goForIt: 0.3,
  strength: 0.3
}

/** The era's rules: from which period a two-point try is required, and when the shootout starts. @category models */
export interface OvertimeRules {
  readonly twoPointFrom: number
  readonly shootoutFrom: number
}

/** @category parameters */
export const rulesFor = (startTime: number): OvertimeRules =>
  startTime >= RULES_2021 ? { twoPointFrom: 2, shootoutFrom: 3 } : { twoPointFrom: 3, shootoutFrom: 5 }

/** The 2021 rules took effect with that season (before its first game). */
const RULES_2021 = Date.UTC(2021, 6, 1)

/**
 * The outcome of a possession from `yards` to the end zone at `down` and `distance`, for an offense
 * whose TD logit is shifted by `shift`.
 *
 * @category kernels
 */
export const drive = (yards: number, down: number, distance: number, shift: number, p: CollegeOvertimeParameters = collegeOvertimeParameters): Drive => {
  const x = p.touchdownLogit + p.perYard * (25 - yards) - p.perDown * (down - 1) - p.perDistance * Math.max(0, distance - 10) + shift
  const touchdown = logistic(x)
  const make = logistic(p.fieldGoalA - p.fieldGoalB * (yards + 17 + 3))
  const fieldGoal = (1 - touchdown) * p.fieldGoalTry * make
  return { touchdown, fieldGoal, none: 1 - touchdown - fieldGoal }
}

/** The recursion over periods for one game: memoised per period and side. */
class Solver {
  private readonly values = memo<number>()
  private readonly withKick: Tries
  private readonly twoPointOnly: Tries
  readonly rules: OvertimeRules
  readonly p: CollegeOvertimeParameters
  readonly drives: Offenses
  constructor(rules: OvertimeRules, prior: Prior, p: CollegeOvertimeParameters) {
    this.rules = rules
    this.p = p
    this.drives = offenses((yards, down, distance, shift) => drive(yards, down, distance, shift, p), 25, prior, p.strength)
    this.withKick = { kick: p.kick, twoPoint: p.twoPoint, goForIt: p.goForIt }
    this.twoPointOnly = { kick: undefined, twoPoint: p.twoPoint, goForIt: p.goForIt }
  }

  tries(period: number): Tries {
    return period < this.rules.twoPointFrom ? this.withKick : this.twoPointOnly
  }

  /** P(the first team of `period` wins), tied at its start. */
  first(period: number, first: Side): number {
    if (period >= this.rules.shootoutFrom) return 0.5
    return this.values(`${period}:${first}`, () => this.firstPossession(period, first, 0, this.drives.fresh(first)))
  }

  /** P(the first team wins) when the period ends level: the next period starts with the other team first. */
  tieValue(period: number, first: Side): number {
    return 1 - this.first(period + 1, opponent(first))
  }

  /** P(F wins) during F's possession at margin `m` (F − S), with F's drive `d`. */
  firstPossession(period: number, first: Side, m: number, d: Drive): number {
    const s = this.drives.fresh(opponent(first))
    return opening(m, d, this.tries(period), (after) => this.secondPossession(period, first, after, s))
  }

  /** P(F wins) during S's possession at margin `m` (F − S), with S's drive `d`. */
  secondPossession(period: number, first: Side, m: number, d: Drive): number {
    return answer(m, d, this.tieValue(period, first), this.tries(period))
  }

  /** The two-point shootout: P(F wins) at margin `m` in `turn`. */
  shootout(m: number, turn: "first" | "second"): number {
    const t = this.p.twoPoint
    if (turn === "first") return 0.5
    if (m > 0) return (1 - t) + t * 0.5
    if (m === 0) return (1 - t) * 0.5
    return 0
  }
}

/**
 * P(home wins) from an overtime state of a college game (period 5 or later).
 *
 * @category models
 */
export const collegeOvertime = (state: GameState, prior: Prior, p: CollegeOvertimeParameters = collegeOvertimeParameters): number => {
  const solver = new Solver(rulesFor(state.startTime), prior, p)
  const period = Math.max(1, state.period - 4)
  const at = turnOf(state)
  if (at === undefined) {
    // Tied with no one on offense: the start of a period, either team first
    const w = (side: Side) => (side === "home" ? solver.first(period, "home") : 1 - solver.first(period, "away"))
    return (w("home") + w("away")) / 2
  }
  const { first, turn, margin: m } = at
  if (turn === "done") {
    // Both possessions are over: level goes to the next period, otherwise the leader has won
    const pDone = m === 0 ? (period >= solver.rules.shootoutFrom ? 0.5 : solver.tieValue(period, first)) : m > 0 ? 1 : 0
    return homeOf(first, pDone)
  }
  if (period >= solver.rules.shootoutFrom) return homeOf(first, solver.shootout(m, turn))
  const d = solver.drives.current(state, turn === "first" ? first : opponent(first))
  return homeOf(first, turn === "first" ? solver.firstPossession(period, first, m, d) : solver.secondPossession(period, first, m, d))
}

/** P(home wins) a college overtime that starts level, either team first with equal chance. @category models */
export const freshCollegeOvertime = (prior: Prior, startTime: number, p: CollegeOvertimeParameters = collegeOvertimeParameters): number => {
  const solver = new Solver(rulesFor(startTime), prior, p)
  return (solver.first(1, "home") + 1 - solver.first(1, "away")) / 2
}
