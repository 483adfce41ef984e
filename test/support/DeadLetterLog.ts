/**
 * A dead-letter sink that keeps what it is given in memory, so a feed test can assert exactly which
 * letters (source, reason) a scenario produced. The production layers write the same letters to
 * the `dead_letters` table and the log.
 */
import { Effect, Layer } from "effect"
import { type DeadLetter, DeadLetters } from "../../src/services/DeadLetters.ts"

export const deadLetterLog = () => {
  const letters: Array<DeadLetter> = []
  const layer = Layer.succeed(DeadLetters, DeadLetters.of({ record: (letter) => Effect.sync(() => void letters.push(letter)) }))
  return { letters, layer }
}
